import { assertSqlIdentifier } from '@clement/messaging';
import type { Arm, CaseJourney, EngineEvent, Instant, StrategyRef } from '@clement/strategy-engine';

/** What the repository needs from a connection or transaction; TypeORM's EntityManager is one. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A journey as stored: `state` undefined = a new case's row claimed in this transaction. */
export interface StoredJourney {
  tenantId: string;
  caseId: string;
  debtorId: string;
  status: string;
  assignment?: StrategyRef & { arm: Arm };
  state?: CaseJourney;
}

export interface TimerKey {
  tenantId: string;
  caseId: string;
}

/** TypeORM answers INSERT … RETURNING with the rows, or `[rows, count]` for some statements. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  return result as T[];
}

interface JourneyRow {
  tenant_id: string;
  case_id: string;
  debtor_id: string;
  status: string;
  strategy_id: string | null;
  version: number | null;
  arm: string | null;
  state: CaseJourney | null;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const JOURNEY_COLUMNS = `"tenant_id", "case_id", "debtor_id", "status", "strategy_id", "version", "arm", "state"`;

function journeyOf(row: JourneyRow): StoredJourney {
  return {
    tenantId: row.tenant_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    status: row.status,
    ...(row.strategy_id && row.version !== null
      ? {
          assignment: {
            strategyId: row.strategy_id,
            version: row.version,
            arm: row.arm === 'challenger' ? 'challenger' : 'champion',
          },
        }
      : {}),
    ...(row.state ? { state: row.state } : {}),
  };
}

/**
 * Journeys (the engine's state per case), their timers and remembered debtor facts. Every
 * statement is scoped by tenant; TypeORM stays behind this class.
 */
export class JourneysRepository {
  private readonly journeys: string;
  private readonly timers: string;
  private readonly facts: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.journeys = `"${s}"."journeys"`;
    this.timers = `"${s}"."timers"`;
    this.facts = `"${s}"."debtor_facts"`;
  }

  /**
   * Locks these cases' journeys, first claiming rows for those that have none, in one statement
   * (in key order, so two transactions cannot deadlock): two transactions placing the same case
   * serialise on its row instead of both inserting.
   */
  async claimCases(
    db: SqlRunner,
    cases: readonly { tenantId: string; caseId: string; debtorId: string }[],
  ): Promise<StoredJourney[]> {
    if (cases.length === 0) return [];
    const sorted = [...cases].sort((a, b) =>
      a.tenantId === b.tenantId ? compare(a.caseId, b.caseId) : compare(a.tenantId, b.tenantId),
    );
    // DO UPDATE (a no-op) rather than DO NOTHING: it locks an existing row and returns it.
    const rows = rowsOf<JourneyRow>(
      await db.query(
        `INSERT INTO ${this.journeys} ("tenant_id", "case_id", "debtor_id", "status")
         SELECT t, c, d, 'new' FROM unnest($1::text[], $2::text[], $3::text[])
           WITH ORDINALITY AS u(t, c, d, n) ORDER BY n
         ON CONFLICT ("tenant_id", "case_id") DO UPDATE SET "tenant_id" = EXCLUDED."tenant_id"
         RETURNING ${JOURNEY_COLUMNS}`,
        [sorted.map((c) => c.tenantId), sorted.map((c) => c.caseId), sorted.map((c) => c.debtorId)],
      ),
    );
    return rows.map(journeyOf);
  }

  /** Locks every journey of these debtors, in key order (so two transactions cannot deadlock). */
  async lockDebtors(
    db: SqlRunner,
    debtors: readonly { tenantId: string; debtorId: string }[],
  ): Promise<StoredJourney[]> {
    if (debtors.length === 0) return [];
    const rows = (await db.query(
      `SELECT ${JOURNEY_COLUMNS} FROM ${this.journeys}
       WHERE ("tenant_id", "debtor_id") IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND "state" IS NOT NULL
       ORDER BY "tenant_id", "case_id" FOR UPDATE`,
      [debtors.map((d) => d.tenantId), debtors.map((d) => d.debtorId)],
    )) as JourneyRow[];
    return rows.map(journeyOf);
  }

  /** Locks the journeys of these timers that no other transaction holds (never waits). */
  async lockUnlessBusy(db: SqlRunner, keys: readonly TimerKey[]): Promise<StoredJourney[]> {
    if (keys.length === 0) return [];
    const rows = (await db.query(
      `SELECT ${JOURNEY_COLUMNS} FROM ${this.journeys}
       WHERE ("tenant_id", "case_id") IN (SELECT * FROM unnest($1::text[], $2::text[]))
       ORDER BY "tenant_id", "case_id" FOR UPDATE SKIP LOCKED`,
      [keys.map((k) => k.tenantId), keys.map((k) => k.caseId)],
    )) as JourneyRow[];
    return rows.map(journeyOf);
  }

  /**
   * Writes journeys and their timers (each one's wakeAt, or none) in one statement. The rows
   * must be locked by the caller's transaction.
   */
  async saveAll(
    db: SqlRunner,
    changes: readonly {
      journey: CaseJourney;
      assignment: (StrategyRef & { arm: Arm }) | undefined;
    }[],
    now: Instant,
  ): Promise<void> {
    if (changes.length === 0) return;
    const column = <T>(pick: (change: (typeof changes)[number]) => T): T[] => changes.map(pick);
    await db.query(
      `WITH "input" AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
                              $6::text[], $7::text[], $8::timestamptz[])
           AS u("tenant_id", "case_id", "status", "strategy_id", "version", "arm", "state", "due_at")
       ), "saved" AS (
         UPDATE ${this.journeys} j
         SET "status" = i."status", "strategy_id" = i."strategy_id", "version" = i."version",
             "arm" = i."arm", "state" = i."state"::jsonb, "updated_at" = $9
         FROM "input" i WHERE j."tenant_id" = i."tenant_id" AND j."case_id" = i."case_id"
       ), "removed" AS (
         DELETE FROM ${this.timers} t USING "input" i
         WHERE i."due_at" IS NULL AND t."tenant_id" = i."tenant_id" AND t."case_id" = i."case_id"
       )
       INSERT INTO ${this.timers} ("tenant_id", "case_id", "due_at")
       SELECT "tenant_id", "case_id", "due_at" FROM "input" WHERE "due_at" IS NOT NULL
       ON CONFLICT ("tenant_id", "case_id") DO UPDATE SET "due_at" = EXCLUDED."due_at"`,
      [
        column((c) => c.journey.tenantId),
        column((c) => c.journey.caseId),
        column((c) => c.journey.status),
        column((c) => c.assignment?.strategyId ?? null),
        column((c) => c.assignment?.version ?? null),
        column((c) => c.assignment?.arm ?? null),
        column((c) => JSON.stringify(c.journey)),
        column((c) =>
          c.journey.wakeAt === undefined ? null : new Date(c.journey.wakeAt).toISOString(),
        ),
        new Date(now),
      ],
    );
  }

  /** The case's one timer: set (upsert) at `dueAt`, or removed. */
  async setTimer(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    dueAt: Instant | undefined,
  ): Promise<void> {
    if (dueAt === undefined) {
      await db.query(`DELETE FROM ${this.timers} WHERE "tenant_id" = $1 AND "case_id" = $2`, [
        tenantId,
        caseId,
      ]);
      return;
    }
    await db.query(
      `INSERT INTO ${this.timers} ("tenant_id", "case_id", "due_at") VALUES ($1, $2, $3)
       ON CONFLICT ("tenant_id", "case_id") DO UPDATE SET "due_at" = EXCLUDED."due_at"`,
      [tenantId, caseId, new Date(dueAt)],
    );
  }

  /** Drops rows claimed for cases the engine did not start. */
  async discardClaims(db: SqlRunner, claims: readonly TimerKey[]): Promise<void> {
    if (claims.length === 0) return;
    await db.query(
      `DELETE FROM ${this.journeys}
       WHERE ("tenant_id", "case_id") IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND "state" IS NULL`,
      [claims.map((c) => c.tenantId), claims.map((c) => c.caseId)],
    );
  }

  /**
   * Claims due timers for this transaction: an index scan on due_at, and SKIP LOCKED so another
   * instance takes the next ones instead of waiting (each timer fires once).
   */
  async claimDueTimers(db: SqlRunner, now: Instant, limit: number): Promise<TimerKey[]> {
    const rows = (await db.query(
      `SELECT "tenant_id", "case_id" FROM ${this.timers}
       WHERE "due_at" <= $1 ORDER BY "due_at" LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [new Date(now), limit],
    )) as { tenant_id: string; case_id: string }[];
    return rows.map((row) => ({ tenantId: row.tenant_id, caseId: row.case_id }));
  }

  /** Keeps the latest debtor-level event of its kind for cases placed later. */
  async rememberDebtorEvent(
    db: SqlRunner,
    tenantId: string,
    debtorId: string,
    event: EngineEvent,
  ): Promise<void> {
    await db.query(
      `INSERT INTO ${this.facts} ("tenant_id", "debtor_id", "kind", "event", "updated_at")
       VALUES ($1, $2, $3, $4::jsonb, now())
       ON CONFLICT ("tenant_id", "debtor_id", "kind")
       DO UPDATE SET "event" = EXCLUDED."event", "updated_at" = now()`,
      [tenantId, debtorId, event.type, JSON.stringify(event)],
    );
  }

  /**
   * The remembered debtor-level events of these debtors, oldest first, by
   * `<tenant>\u0000<debtor>`.
   */
  async debtorEventsOf(
    db: SqlRunner,
    debtors: readonly { tenantId: string; debtorId: string }[],
  ): Promise<Map<string, EngineEvent[]>> {
    const byDebtor = new Map<string, EngineEvent[]>();
    if (debtors.length === 0) return byDebtor;
    const rows = (await db.query(
      `SELECT "tenant_id", "debtor_id", "event" FROM ${this.facts}
       WHERE ("tenant_id", "debtor_id") IN (SELECT * FROM unnest($1::text[], $2::text[]))
       ORDER BY "updated_at", "kind"`,
      [debtors.map((d) => d.tenantId), debtors.map((d) => d.debtorId)],
    )) as { tenant_id: string; debtor_id: string; event: EngineEvent }[];
    for (const row of rows) {
      const key = `${row.tenant_id}\u0000${row.debtor_id}`;
      byDebtor.set(key, [...(byDebtor.get(key) ?? []), row.event]);
    }
    return byDebtor;
  }

  /** An erased debtor's remembered facts go with the erasure. */
  async forgetDebtor(db: SqlRunner, tenantId: string, debtorId: string): Promise<void> {
    await db.query(`DELETE FROM ${this.facts} WHERE "tenant_id" = $1 AND "debtor_id" = $2`, [
      tenantId,
      debtorId,
    ]);
  }
}
