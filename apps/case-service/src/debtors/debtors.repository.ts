import { assertSqlIdentifier } from '@clement/messaging';
import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';

export type DebtorKind = 'person' | 'organisation';
export type ContactPointKindName = 'mobile' | 'landline' | 'email' | 'postal';

export interface DebtorRecord {
  readonly id: string;
  readonly creditorDebtorId: string;
  readonly kind: DebtorKind;
  readonly keyId: string;
  /** Binary EncryptedValue of the profile JSON; unreadable once the key is destroyed. */
  readonly profile: Buffer | null;
  readonly preferredLanguage: string | null;
  readonly profileVersion: bigint;
  readonly contactPointsVersion: bigint;
  readonly vulnerabilityVersion: bigint;
  readonly vulnerabilityCategories: readonly string[];
  readonly vulnerabilityReviewDate: string | null;
  readonly legalRetentionUntil: string | null;
  readonly legalRetentionReason: string | null;
  readonly erasedAt: Date | null;
  /** Holds in force on all the debtor's cases (not those on one case). */
  readonly debtorWideHolds: number;
}

export interface NewDebtor {
  readonly id: string;
  readonly creditorDebtorId: string;
  readonly kind: DebtorKind;
  readonly keyId: string;
  readonly profile: Buffer;
  readonly preferredLanguage: string | null;
  readonly profileVersion: bigint;
  readonly contactPointsVersion: bigint;
}

export interface StoredContactPoint {
  readonly id: string;
  readonly kind: ContactPointKindName;
  /** Binary EncryptedValue of the address. */
  readonly value: Buffer;
  readonly blindIndex: Buffer | null;
  readonly phoneType: string | null;
  /** protobuf-JSON ChannelConsent objects. */
  readonly consents: readonly unknown[];
  readonly timeZone: string | null;
  readonly source: string;
  readonly preferred: boolean;
  readonly origin: 'crm' | 'clement';
}

interface DebtorRow {
  id: string;
  creditor_debtor_id: string;
  kind: DebtorKind;
  key_id: string;
  profile: Buffer | null;
  preferred_language: string | null;
  profile_version: string;
  contact_points_version: string;
  vulnerability_version: string;
  vulnerability_categories: string[];
  vulnerability_review_date: string | null;
  legal_retention_until: string | null;
  legal_retention_reason: string | null;
  erased_at: Date | null;
  debtor_wide_holds: number;
}

interface ContactPointRow {
  id: string;
  kind: ContactPointKindName;
  value: Buffer;
  blind_index: Buffer | null;
  phone_type: string | null;
  consents: unknown[];
  time_zone: string | null;
  source: string;
  preferred: boolean;
  origin: 'crm' | 'clement';
}

const DEBTOR_COLUMNS = `"id", "creditor_debtor_id", "kind", "key_id", "profile", "preferred_language",
  "profile_version", "contact_points_version", "vulnerability_version", "vulnerability_categories",
  to_char("vulnerability_review_date", 'YYYY-MM-DD') AS "vulnerability_review_date",
  to_char("legal_retention_until", 'YYYY-MM-DD') AS "legal_retention_until",
  "legal_retention_reason", "erased_at"`;

// Debtor-wide holds in force, read with the debtor so that opening a case needs no extra query.
const DEBTOR_WIDE_HOLDS = (holds: string) => `(SELECT count(*)::int FROM ${holds} h
  WHERE h."tenant_id" = d."tenant_id" AND h."debtor_id" = d."id" AND h."case_id" IS NULL
    AND h."lifted_at" IS NULL AND (h."ends_at" IS NULL OR h."ends_at" > now())) AS "debtor_wide_holds"`;

const CONTACT_COLUMNS = `"id", "kind", "value", "blind_index", "phone_type", "consents", "time_zone",
  "source", "preferred", "origin"`;

/** Debtors and their contact points. Personal data arrives and leaves encrypted. */
export class DebtorsRepository {
  private readonly debtors: string;
  private readonly contactPoints: string;
  private readonly selectDebtor: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.debtors = `"${s}"."debtors"`;
    this.contactPoints = `"${s}"."contact_points"`;
    this.selectDebtor = `SELECT ${DEBTOR_COLUMNS}, ${DEBTOR_WIDE_HOLDS(`"${s}"."holds"`)} FROM ${this.debtors} d`;
  }

  async findByCreditorId(
    db: SqlRunner,
    scope: TenantScope,
    creditorDebtorId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<DebtorRecord | undefined> {
    const rows = (await db.query(
      `${this.selectDebtor} WHERE d."tenant_id" = $1 AND d."creditor_debtor_id" = $2${options.forUpdate ? ' FOR UPDATE OF d' : ''}`,
      [scope.tenantId, creditorDebtorId],
    )) as DebtorRow[];
    return rows[0] && toDebtor(rows[0]);
  }

  async findById(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<DebtorRecord | undefined> {
    const rows = (await db.query(
      `${this.selectDebtor} WHERE d."tenant_id" = $1 AND d."id" = $2${options.forUpdate ? ' FOR UPDATE OF d' : ''}`,
      [scope.tenantId, id],
    )) as DebtorRow[];
    return rows[0] && toDebtor(rows[0]);
  }

  async insert(db: SqlRunner, scope: TenantScope, debtor: NewDebtor): Promise<void> {
    await this.insertMany(db, scope, [debtor]);
  }

  async insertMany(
    db: SqlRunner,
    scope: TenantScope,
    debtors: readonly NewDebtor[],
  ): Promise<void> {
    if (debtors.length === 0) return;
    const values: unknown[] = [scope.tenantId];
    const rows = debtors.map((debtor) => {
      const n = values.length;
      values.push(
        debtor.id,
        debtor.creditorDebtorId,
        debtor.kind,
        debtor.keyId,
        debtor.profile,
        debtor.preferredLanguage,
        debtor.profileVersion.toString(),
        debtor.contactPointsVersion.toString(),
      );
      return `($${n + 1}, $1, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8})`;
    });
    await db.query(
      `INSERT INTO ${this.debtors} ("id", "tenant_id", "creditor_debtor_id", "kind", "key_id", "profile",
         "preferred_language", "profile_version", "contact_points_version") VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** Several debtors by the creditor's ids, locked for the caller's transaction. */
  async findManyByCreditorIds(
    db: SqlRunner,
    scope: TenantScope,
    creditorDebtorIds: readonly string[],
  ): Promise<DebtorRecord[]> {
    if (creditorDebtorIds.length === 0) return [];
    const rows = (await db.query(
      `${this.selectDebtor} WHERE d."tenant_id" = $1 AND d."creditor_debtor_id" = ANY($2::text[]) ORDER BY d."id" FOR UPDATE OF d`,
      [scope.tenantId, creditorDebtorIds],
    )) as DebtorRow[];
    return rows.map(toDebtor);
  }

  async updateProfile(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    profile: {
      kind: DebtorKind;
      profile: Buffer;
      preferredLanguage: string | null;
      profileVersion: bigint;
    },
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.debtors} SET "kind" = $3, "profile" = $4, "preferred_language" = $5,
         "profile_version" = $6, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [
        scope.tenantId,
        id,
        profile.kind,
        profile.profile,
        profile.preferredLanguage,
        profile.profileVersion.toString(),
      ],
    );
  }

  async updateVulnerability(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    vulnerability: {
      categories: readonly string[];
      reviewDate: string | null;
      recordedBy: { kind: number; id: string };
      version?: bigint;
    },
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.debtors} SET "vulnerability_categories" = $3, "vulnerability_review_date" = $4,
         "vulnerability_recorded_by" = $5::jsonb, "vulnerability_recorded_at" = now(),
         "vulnerability_version" = COALESCE($6, "vulnerability_version"), "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [
        scope.tenantId,
        id,
        vulnerability.categories,
        vulnerability.reviewDate,
        JSON.stringify(vulnerability.recordedBy),
        vulnerability.version?.toString() ?? null,
      ],
    );
  }

  async setLegalRetention(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    retention: { until: string | null; reason: string | null },
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.debtors} SET "legal_retention_until" = $3, "legal_retention_reason" = $4,
         "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [scope.tenantId, id, retention.until, retention.reason],
    );
  }

  /** Marks the debtor erased and drops the look-up indexes; the ciphertexts stay, unreadable. */
  async markErased(db: SqlRunner, scope: TenantScope, id: string, erasedAt: Date): Promise<void> {
    await db.query(
      `UPDATE ${this.debtors} SET "erased_at" = $3, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [scope.tenantId, id, erasedAt],
    );
    await db.query(
      `UPDATE ${this.contactPoints} SET "blind_index" = NULL WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [scope.tenantId, id],
    );
  }

  async contactPointsOf(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
  ): Promise<StoredContactPoint[]> {
    const rows = (await db.query(
      `SELECT ${CONTACT_COLUMNS} FROM ${this.contactPoints} WHERE "tenant_id" = $1 AND "debtor_id" = $2 ORDER BY "created_at", "id"`,
      [scope.tenantId, debtorId],
    )) as ContactPointRow[];
    return rows.map(toContactPoint);
  }

  /**
   * Replaces the contact points that came from the CRM and stores the new version. Returns the
   * debtor's complete set afterwards (CRM and Clement-sourced).
   */
  async replaceCrmContactPoints(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    points: readonly StoredContactPoint[],
    version: bigint,
  ): Promise<void> {
    await db.query(
      `DELETE FROM ${this.contactPoints} WHERE "tenant_id" = $1 AND "debtor_id" = $2 AND "origin" = 'crm'`,
      [scope.tenantId, debtorId],
    );
    await this.insertContactPoints(db, scope, debtorId, points);
    await db.query(
      `UPDATE ${this.debtors} SET "contact_points_version" = $3, "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [scope.tenantId, debtorId, version.toString()],
    );
  }

  async insertContactPoints(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    points: readonly StoredContactPoint[],
  ): Promise<void> {
    await this.insertContactPointsOfMany(db, scope, [{ debtorId, points }]);
  }

  async insertContactPointsOfMany(
    db: SqlRunner,
    scope: TenantScope,
    debtors: readonly { debtorId: string; points: readonly StoredContactPoint[] }[],
  ): Promise<void> {
    const all = debtors.flatMap(({ debtorId, points }) =>
      points.map((point) => ({ debtorId, point })),
    );
    // 12 parameters a row; PostgreSQL takes at most 65,535 per statement.
    for (let start = 0; start < all.length; start += 5_000) {
      const slice = all.slice(start, start + 5_000);
      const values: unknown[] = [scope.tenantId];
      const rows = slice.map(({ debtorId, point }) => {
        const n = values.length;
        values.push(
          point.id,
          debtorId,
          point.kind,
          point.value,
          point.blindIndex,
          point.phoneType,
          JSON.stringify(point.consents),
          point.timeZone,
          point.source,
          point.preferred,
          point.origin,
        );
        return `($${n + 1}, $1, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}::jsonb, $${n + 8}, $${n + 9}, $${n + 10}, $${n + 11})`;
      });
      await db.query(
        `INSERT INTO ${this.contactPoints} ("id", "tenant_id", "debtor_id", "kind", "value", "blind_index",
           "phone_type", "consents", "time_zone", "source", "preferred", "origin") VALUES ${rows.join(', ')}`,
        values,
      );
    }
  }

  /** Debtors with a contact point whose blind index matches (look-up by phone or email). */
  async findIdsByBlindIndex(db: SqlRunner, scope: TenantScope, index: Buffer): Promise<string[]> {
    const rows = (await db.query(
      `SELECT DISTINCT "debtor_id" FROM ${this.contactPoints} WHERE "tenant_id" = $1 AND "blind_index" = $2`,
      [scope.tenantId, index],
    )) as { debtor_id: string }[];
    return rows.map((row) => row.debtor_id);
  }
}

function toDebtor(row: DebtorRow): DebtorRecord {
  return {
    id: row.id,
    creditorDebtorId: row.creditor_debtor_id,
    kind: row.kind,
    keyId: row.key_id,
    profile: row.profile,
    preferredLanguage: row.preferred_language,
    profileVersion: BigInt(row.profile_version),
    contactPointsVersion: BigInt(row.contact_points_version),
    vulnerabilityVersion: BigInt(row.vulnerability_version),
    vulnerabilityCategories: row.vulnerability_categories,
    vulnerabilityReviewDate: row.vulnerability_review_date,
    legalRetentionUntil: row.legal_retention_until,
    legalRetentionReason: row.legal_retention_reason,
    erasedAt: row.erased_at,
    debtorWideHolds: row.debtor_wide_holds,
  };
}

function toContactPoint(row: ContactPointRow): StoredContactPoint {
  return {
    id: row.id,
    kind: row.kind,
    value: row.value,
    blindIndex: row.blind_index,
    phoneType: row.phone_type,
    consents: row.consents,
    timeZone: row.time_zone,
    source: row.source,
    preferred: row.preferred,
    origin: row.origin,
  };
}
