import { assertSqlIdentifier } from '@clement/messaging';
import type { DocumentFormat } from './domain/strategy-document-text';

/** A connection or transaction; TypeORM's EntityManager and DataSource both fit. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface StrategyVersionSummary {
  readonly strategyId: string;
  readonly version: number;
  readonly name: string;
  readonly format: DocumentFormat;
  readonly documentSha256: string;
  readonly createdAt: Date;
  readonly createdBy: string;
}

export interface ListedStrategyVersion extends StrategyVersionSummary {
  /** Whether it is the tenant's active version now. */
  readonly active: boolean;
}

export interface StoredStrategyVersion extends StrategyVersionSummary {
  /** Exactly as uploaded. */
  readonly document: string;
}

export interface StrategyOverview {
  readonly strategyId: string;
  /** The latest version's name. */
  readonly name: string;
  readonly latestVersion: number;
  readonly latestCreatedAt: Date;
  readonly activeVersion: number | null;
}

export interface ChallengerPointer {
  readonly strategyId: string;
  readonly version: number;
  readonly shareBps: number;
}

export interface ActivePointer {
  readonly strategyId: string;
  readonly version: number;
  readonly challenger: ChallengerPointer | null;
  readonly activationId: string;
  readonly activatedAt: Date;
  readonly activatedBy: string;
}

export interface ActivationRecord {
  readonly activationId: string;
  readonly tenantId: string;
  readonly strategyId: string;
  readonly version: number;
  readonly previous: { strategyId: string; version: number } | null;
  readonly challenger: ChallengerPointer | null;
  readonly activatedAt: Date;
  readonly activatedBy: string;
}

interface VersionRow {
  strategy_id: string;
  version: number;
  name: string;
  format: DocumentFormat;
  document_sha256: string;
  created_at: Date;
  created_by: string;
  document?: string;
}

interface ActiveRow {
  strategy_id: string;
  version: number;
  challenger_strategy_id: string | null;
  challenger_version: number | null;
  challenger_share_bps: number | null;
  activation_id: string;
  activated_at: Date;
  activated_by: string;
}

const SUMMARY_COLUMNS = `"strategy_id", "version", "name", "format", "document_sha256", "created_at", "created_by"`;

/** Strategy versions, activations and the active pointer; every query is scoped by tenant. */
export class StrategiesRepository {
  private readonly versions: string;
  private readonly activations: string;
  private readonly active: string;
  private readonly journeys: string;
  private readonly timers: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.versions = `"${s}"."strategy_versions"`;
    this.activations = `"${s}"."strategy_activations"`;
    this.active = `"${s}"."active_strategies"`;
    this.journeys = `"${s}"."journeys"`;
    this.timers = `"${s}"."timers"`;
  }

  /** Serialises version numbering of one strategy until the transaction ends. */
  async lockStrategy(db: SqlRunner, tenantId: string, strategyId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `strategy-version:${tenantId}:${strategyId}`,
    ]);
  }

  /** Serialises activations of one tenant until the transaction ends. */
  async lockActivation(db: SqlRunner, tenantId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `strategy-activation:${tenantId}`,
    ]);
  }

  async latestVersion(db: SqlRunner, tenantId: string, strategyId: string): Promise<number> {
    const rows: { latest: number | null }[] = await db.query(
      `SELECT max("version") AS "latest" FROM ${this.versions} WHERE "tenant_id" = $1 AND "strategy_id" = $2`,
      [tenantId, strategyId],
    );
    return rows[0]?.latest ?? 0;
  }

  async insertVersion(
    db: SqlRunner,
    tenantId: string,
    version: StoredStrategyVersion,
  ): Promise<void> {
    await db.query(
      `INSERT INTO ${this.versions} ("tenant_id", ${SUMMARY_COLUMNS}, "document") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        tenantId,
        version.strategyId,
        version.version,
        version.name,
        version.format,
        version.documentSha256,
        version.createdAt,
        version.createdBy,
        version.document,
      ],
    );
  }

  async findVersion(
    db: SqlRunner,
    tenantId: string,
    strategyId: string,
    version: number,
  ): Promise<StoredStrategyVersion | undefined> {
    const rows: VersionRow[] = await db.query(
      `SELECT ${SUMMARY_COLUMNS}, "document" FROM ${this.versions} WHERE "tenant_id" = $1 AND "strategy_id" = $2 AND "version" = $3`,
      [tenantId, strategyId, version],
    );
    const row = rows[0];
    return row && { ...summaryOf(row), document: row.document ?? '' };
  }

  async listVersions(
    db: SqlRunner,
    tenantId: string,
    strategyId: string,
  ): Promise<ListedStrategyVersion[]> {
    const rows: (VersionRow & { active: boolean })[] = await db.query(
      `SELECT ${SUMMARY_COLUMNS.split(', ')
        .map((column) => `v.${column}`)
        .join(', ')}, (a."tenant_id" IS NOT NULL) AS "active"
         FROM ${this.versions} v
         LEFT JOIN ${this.active} a
           ON a."tenant_id" = v."tenant_id" AND a."strategy_id" = v."strategy_id" AND a."version" = v."version"
        WHERE v."tenant_id" = $1 AND v."strategy_id" = $2
        ORDER BY v."version"`,
      [tenantId, strategyId],
    );
    return rows.map((row) => ({ ...summaryOf(row), active: row.active }));
  }

  async listStrategies(db: SqlRunner, tenantId: string): Promise<StrategyOverview[]> {
    const rows: {
      strategy_id: string;
      name: string;
      version: number;
      created_at: Date;
      active_version: number | null;
    }[] = await db.query(
      `SELECT DISTINCT ON (v."strategy_id") v."strategy_id", v."name", v."version", v."created_at",
              a."version" AS "active_version"
         FROM ${this.versions} v
         LEFT JOIN ${this.active} a ON a."tenant_id" = v."tenant_id" AND a."strategy_id" = v."strategy_id"
        WHERE v."tenant_id" = $1
        ORDER BY v."strategy_id", v."version" DESC`,
      [tenantId],
    );
    return rows.map((row) => ({
      strategyId: row.strategy_id,
      name: row.name,
      latestVersion: row.version,
      latestCreatedAt: row.created_at,
      activeVersion: row.active_version,
    }));
  }

  async findActive(db: SqlRunner, tenantId: string): Promise<ActivePointer | undefined> {
    const rows: ActiveRow[] = await db.query(
      `SELECT a."strategy_id", a."version", a."challenger_strategy_id", a."challenger_version",
              a."challenger_share_bps", a."activation_id", h."activated_at", h."activated_by"
         FROM ${this.active} a
         JOIN ${this.activations} h ON h."activation_id" = a."activation_id"
        WHERE a."tenant_id" = $1`,
      [tenantId],
    );
    const row = rows[0];
    return (
      row && {
        strategyId: row.strategy_id,
        version: row.version,
        challenger:
          row.challenger_strategy_id !== null && row.challenger_version !== null
            ? {
                strategyId: row.challenger_strategy_id,
                version: row.challenger_version,
                shareBps: row.challenger_share_bps ?? 0,
              }
            : null,
        activationId: row.activation_id,
        activatedAt: row.activated_at,
        activatedBy: row.activated_by,
      }
    );
  }

  /**
   * Sets a wake-up at `at` for the tenant's cases placed while no strategy was active, so the
   * timer pollers assign them (the engine starts an unassigned, placed journey when woken).
   * Returns how many.
   */
  async wakeUnassignedCases(db: SqlRunner, tenantId: string, at: Date): Promise<number> {
    const rows = (await db.query(
      `WITH woken AS (
         UPDATE ${this.journeys}
         SET "state" = jsonb_set("state", '{wakeAt}', to_jsonb($2::bigint)), "updated_at" = now()
         WHERE "tenant_id" = $1 AND "status" = 'unassigned' AND "state" ? 'placedAt'
         RETURNING "tenant_id", "case_id"
       )
       INSERT INTO ${this.timers} ("tenant_id", "case_id", "due_at")
       SELECT "tenant_id", "case_id", $3 FROM woken
       ON CONFLICT ("tenant_id", "case_id") DO UPDATE SET "due_at" = EXCLUDED."due_at"
       RETURNING "case_id"`,
      [tenantId, at.getTime(), at],
    )) as unknown[];
    return rows.length;
  }

  /** Appends the activation to the history and points the tenant at it. */
  async recordActivation(db: SqlRunner, activation: ActivationRecord): Promise<void> {
    const challenger = activation.challenger;
    await db.query(
      `INSERT INTO ${this.activations} ("activation_id", "tenant_id", "strategy_id", "version",
         "previous_strategy_id", "previous_version", "challenger_strategy_id", "challenger_version",
         "challenger_share_bps", "activated_at", "activated_by")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        activation.activationId,
        activation.tenantId,
        activation.strategyId,
        activation.version,
        activation.previous?.strategyId ?? null,
        activation.previous?.version ?? null,
        challenger?.strategyId ?? null,
        challenger?.version ?? null,
        challenger?.shareBps ?? null,
        activation.activatedAt,
        activation.activatedBy,
      ],
    );
    await db.query(
      `INSERT INTO ${this.active} ("tenant_id", "strategy_id", "version", "challenger_strategy_id",
         "challenger_version", "challenger_share_bps", "activation_id")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("tenant_id") DO UPDATE SET
         "strategy_id" = EXCLUDED."strategy_id",
         "version" = EXCLUDED."version",
         "challenger_strategy_id" = EXCLUDED."challenger_strategy_id",
         "challenger_version" = EXCLUDED."challenger_version",
         "challenger_share_bps" = EXCLUDED."challenger_share_bps",
         "activation_id" = EXCLUDED."activation_id"`,
      [
        activation.tenantId,
        activation.strategyId,
        activation.version,
        challenger?.strategyId ?? null,
        challenger?.version ?? null,
        challenger?.shareBps ?? null,
        activation.activationId,
      ],
    );
  }
}

function summaryOf(row: VersionRow): StrategyVersionSummary {
  return {
    strategyId: row.strategy_id,
    version: row.version,
    name: row.name,
    format: row.format,
    documentSha256: row.document_sha256,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
