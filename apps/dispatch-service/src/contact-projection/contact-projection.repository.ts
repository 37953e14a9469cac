import type { ConsentStatus, Channel } from '@clement/contact-policy';
import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';
import type {
  CaseStateRecord,
  ContactPointRecord,
  DebtorProjection,
  HoldRecord,
  VulnerabilityRecord,
} from './domain/debtor-projection';

interface DebtorContactRow {
  preferred_language: string | null;
  erased_at: Date | null;
}

interface ContactPointRow {
  contact_point_id: string;
  kind: ContactPointRecord['kind'];
  value: Buffer;
  consents: { channel: Channel; status: ConsentStatus; recordedAt?: string }[];
  time_zone: string | null;
  preferred: boolean;
}

interface HoldRow {
  hold_id: string;
  case_id: string;
  kind: HoldRecord['kind'] | null;
  starts_at: Date | null;
  ends_at: Date | null;
  lifted_at: Date | null;
}

interface CaseStateRow {
  case_id: string;
  debtor_id: string;
  status: string | null;
  last_payment_at: Date | null;
}

/**
 * The contact projection's tables. Every statement takes the tenant first: a read or write
 * across tenants cannot be written. Writes are upserts, so replaying an event changes nothing.
 */
export class ContactProjectionRepository {
  private readonly s: string;

  constructor(schema: string) {
    this.s = assertSqlIdentifier(schema);
  }

  async debtor(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
  ): Promise<{ erasedAt?: Date } | undefined> {
    const [row] = rowsOf<DebtorContactRow>(
      await db.query(
        `SELECT "preferred_language", "erased_at" FROM "${this.s}"."debtor_contacts"
          WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
        [scope.tenantId, debtorId],
      ),
    );
    return row ? (row.erased_at ? { erasedAt: row.erased_at } : {}) : undefined;
  }

  async upsertDebtor(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    preferredLanguage: string | undefined,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."debtor_contacts" ("tenant_id", "debtor_id", "preferred_language")
       VALUES ($1, $2, $3)
       ON CONFLICT ("tenant_id", "debtor_id")
       DO UPDATE SET "preferred_language" = EXCLUDED."preferred_language", "updated_at" = now()`,
      [scope.tenantId, debtorId, preferredLanguage ?? null],
    );
  }

  /** Keeps the first erasure instant if the event is replayed. */
  async markErased(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    erasedAt: Date,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."debtor_contacts" ("tenant_id", "debtor_id", "erased_at")
       VALUES ($1, $2, $3)
       ON CONFLICT ("tenant_id", "debtor_id")
       DO UPDATE SET "erased_at" = COALESCE("debtor_contacts"."erased_at", EXCLUDED."erased_at"),
                     "preferred_language" = NULL, "updated_at" = now()`,
      [scope.tenantId, debtorId, erasedAt],
    );
  }

  async replaceContactPoints(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    points: readonly ContactPointRecord[],
  ): Promise<void> {
    await this.deleteContactPoints(db, scope, debtorId);
    if (points.length === 0) return;
    const values: unknown[] = [scope.tenantId, debtorId];
    const rows = points.map((point) => {
      const at = values.length;
      values.push(
        point.contactPointId,
        point.kind,
        Buffer.from(point.value),
        JSON.stringify(
          point.consents.map((consent) => ({
            channel: consent.channel,
            status: consent.status,
            ...(consent.recordedAt ? { recordedAt: consent.recordedAt.toISOString() } : {}),
          })),
        ),
        point.timeZone ?? null,
        point.preferred,
      );
      return `($1, $2, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::jsonb, $${at + 5}, $${at + 6})`;
    });
    await db.query(
      `INSERT INTO "${this.s}"."contact_points"
         ("tenant_id", "debtor_id", "contact_point_id", "kind", "value", "consents", "time_zone", "preferred")
       VALUES ${rows.join(', ')}`,
      values,
    );
  }

  async deleteContactPoints(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<void> {
    await db.query(
      `DELETE FROM "${this.s}"."contact_points" WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [scope.tenantId, debtorId],
    );
  }

  /** Never touches `lifted_at`: a replayed placement does not revive a lifted hold. */
  async upsertHold(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    hold: HoldRecord,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."debtor_holds"
         ("tenant_id", "hold_id", "debtor_id", "case_id", "kind", "starts_at", "ends_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("tenant_id", "hold_id")
       DO UPDATE SET "debtor_id" = EXCLUDED."debtor_id", "case_id" = EXCLUDED."case_id",
                     "kind" = EXCLUDED."kind", "starts_at" = EXCLUDED."starts_at",
                     "ends_at" = EXCLUDED."ends_at"`,
      [
        scope.tenantId,
        hold.holdId,
        debtorId,
        hold.caseId,
        hold.kind ?? null,
        hold.startsAt ?? null,
        hold.endsAt ?? null,
      ],
    );
  }

  /** A lift of a hold never seen placed is kept too, so a late placement stays lifted. */
  async liftHold(
    db: SqlRunner,
    scope: TenantScope,
    lift: { debtorId: string; caseId: string; holdId: string; liftedAt: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."debtor_holds"
         ("tenant_id", "hold_id", "debtor_id", "case_id", "lifted_at")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("tenant_id", "hold_id") DO UPDATE SET "lifted_at" = EXCLUDED."lifted_at"`,
      [scope.tenantId, lift.holdId, lift.debtorId, lift.caseId, lift.liftedAt],
    );
  }

  async replaceVulnerability(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    vulnerability: VulnerabilityRecord,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."debtor_vulnerability"
         ("tenant_id", "debtor_id", "categories", "review_date")
       VALUES ($1, $2, $3::text[], $4::date)
       ON CONFLICT ("tenant_id", "debtor_id")
       DO UPDATE SET "categories" = EXCLUDED."categories", "review_date" = EXCLUDED."review_date"`,
      [scope.tenantId, debtorId, vulnerability.categories, vulnerability.reviewDate ?? null],
    );
  }

  async upsertCaseStatus(
    db: SqlRunner,
    scope: TenantScope,
    state: { caseId: string; debtorId: string; status: string },
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."case_states" ("tenant_id", "case_id", "debtor_id", "status")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ("tenant_id", "case_id")
       DO UPDATE SET "debtor_id" = EXCLUDED."debtor_id", "status" = EXCLUDED."status"`,
      [scope.tenantId, state.caseId, state.debtorId, state.status],
    );
  }

  /** Keeps the latest payment instant, whatever order payments are reported in. */
  async recordPayment(
    db: SqlRunner,
    scope: TenantScope,
    payment: { caseId: string; debtorId: string; paidAt: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."case_states" ("tenant_id", "case_id", "debtor_id", "last_payment_at")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ("tenant_id", "case_id")
       DO UPDATE SET "last_payment_at" =
         GREATEST("case_states"."last_payment_at", EXCLUDED."last_payment_at")`,
      [scope.tenantId, payment.caseId, payment.debtorId, payment.paidAt],
    );
  }

  async caseState(
    db: SqlRunner,
    scope: TenantScope,
    caseId: string,
  ): Promise<CaseStateRecord | undefined> {
    return (await this.caseStates(db, scope, [caseId])).get(caseId);
  }

  /** Several cases in one statement (the dispatcher decides a batch at a time). */
  async caseStates(
    db: SqlRunner,
    scope: TenantScope,
    caseIds: readonly string[],
  ): Promise<Map<string, CaseStateRecord>> {
    const rows = rowsOf<CaseStateRow>(
      await db.query(
        `SELECT "case_id", "debtor_id", "status", "last_payment_at" FROM "${this.s}"."case_states"
          WHERE "tenant_id" = $1 AND "case_id" = ANY($2::text[])`,
        [scope.tenantId, [...new Set(caseIds)]],
      ),
    );
    return new Map(
      rows.map((row) => [
        row.case_id,
        {
          caseId: row.case_id,
          debtorId: row.debtor_id,
          ...(row.status ? { status: row.status } : {}),
          ...(row.last_payment_at ? { lastPaymentAt: row.last_payment_at } : {}),
        },
      ]),
    );
  }

  async projection(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<DebtorProjection> {
    const projections = await this.projections(db, scope, [debtorId]);
    return projections.get(debtorId) ?? emptyProjection(debtorId);
  }

  /** Several debtors' projections in four statements; a debtor never seen gets an empty one. */
  async projections(
    db: SqlRunner,
    scope: TenantScope,
    debtorIds: readonly string[],
  ): Promise<Map<string, DebtorProjection>> {
    const ids = [...new Set(debtorIds)];
    const params = [scope.tenantId, ids];
    const debtors = rowsOf<DebtorContactRow & { debtor_id: string }>(
      await db.query(
        `SELECT "debtor_id", "preferred_language", "erased_at" FROM "${this.s}"."debtor_contacts"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[])`,
        params,
      ),
    );
    const points = rowsOf<ContactPointRow & { debtor_id: string }>(
      await db.query(
        `SELECT "debtor_id", "contact_point_id", "kind", "value", "consents", "time_zone", "preferred"
           FROM "${this.s}"."contact_points"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[]) ORDER BY "contact_point_id"`,
        params,
      ),
    );
    const holds = rowsOf<HoldRow & { debtor_id: string }>(
      await db.query(
        `SELECT "debtor_id", "hold_id", "case_id", "kind", "starts_at", "ends_at", "lifted_at"
           FROM "${this.s}"."debtor_holds"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[]) ORDER BY "hold_id"`,
        params,
      ),
    );
    const vulnerabilities = rowsOf<{
      debtor_id: string;
      categories: string[];
      review_date: string | null;
    }>(
      await db.query(
        `SELECT "debtor_id", "categories", to_char("review_date", 'YYYY-MM-DD') AS "review_date"
           FROM "${this.s}"."debtor_vulnerability"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[])`,
        params,
      ),
    );
    const projections = new Map(ids.map((id) => [id, emptyProjection(id)]));
    for (const debtor of debtors) {
      const projection = projections.get(debtor.debtor_id);
      if (!projection) continue;
      if (debtor.preferred_language) projection.preferredLanguage = debtor.preferred_language;
      if (debtor.erased_at) projection.erasedAt = debtor.erased_at;
    }
    for (const row of points) {
      projections.get(row.debtor_id)?.contactPoints.push({
        contactPointId: row.contact_point_id,
        kind: row.kind,
        value: new Uint8Array(row.value),
        consents: row.consents.map((consent) => ({
          channel: consent.channel,
          status: consent.status,
          ...(consent.recordedAt ? { recordedAt: new Date(consent.recordedAt) } : {}),
        })),
        ...(row.time_zone ? { timeZone: row.time_zone } : {}),
        preferred: row.preferred,
      });
    }
    for (const row of holds) {
      projections.get(row.debtor_id)?.holds.push({
        holdId: row.hold_id,
        caseId: row.case_id,
        ...(row.kind ? { kind: row.kind } : {}),
        ...(row.starts_at ? { startsAt: row.starts_at } : {}),
        ...(row.ends_at ? { endsAt: row.ends_at } : {}),
        ...(row.lifted_at ? { liftedAt: row.lifted_at } : {}),
      });
    }
    for (const row of vulnerabilities) {
      const projection = projections.get(row.debtor_id);
      if (!projection) continue;
      projection.vulnerability = {
        categories: row.categories as VulnerabilityRecord['categories'],
        ...(row.review_date ? { reviewDate: row.review_date } : {}),
      };
    }
    return projections;
  }
}

function emptyProjection(debtorId: string): DebtorProjection {
  return { debtorId, contactPoints: [], holds: [], vulnerability: { categories: [] } };
}
