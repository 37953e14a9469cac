import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { CaseLifecycleState, CaseStatusName } from './domain/case-lifecycle';

export interface CaseRecord {
  readonly id: string;
  readonly debtorId: string;
  readonly currency: string;
  readonly lifecycle: CaseLifecycleState;
  readonly totalBalanceMinor: bigint;
  readonly maxDaysPastDue: number;
  readonly openedAt: Date;
  readonly resolvedAt: Date | null;
}

export interface AccountRecord {
  readonly id: string;
  readonly caseId: string;
  readonly debtorId: string;
  readonly accountReference: string;
  readonly productType: string;
  readonly productName: string;
  readonly currency: string;
  readonly originalBalanceMinor: bigint;
  readonly currentBalanceMinor: bigint;
  readonly daysPastDue: number;
  readonly placementDate: string | null;
  readonly sourceVersion: bigint;
  readonly recalledAt: Date | null;
  readonly recallReason: string | null;
}

export interface ActorJson {
  readonly kind: number;
  readonly id: string;
}

export interface HoldRecord {
  readonly id: string;
  readonly debtorId: string;
  readonly caseId: string | null;
  readonly accountIds: readonly string[];
  readonly kind: string;
  readonly reason: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date | null;
  readonly placedBy: ActorJson;
  readonly creditorHoldReference: string | null;
  readonly sourceVersion: bigint | null;
  readonly liftedAt: Date | null;
  readonly liftedBy: ActorJson | null;
}

export interface CaseListFilter {
  readonly status?: CaseStatusName;
  readonly minDaysPastDue?: number;
  readonly maxDaysPastDue?: number | null;
  readonly minBalanceMinor?: bigint;
  readonly maxBalanceMinor?: bigint;
  readonly vulnerable?: boolean;
  readonly onHold?: boolean;
  readonly accountReference?: string;
  readonly limit: number;
  /** Keyset pagination: cases opened before this (openedAt, id) pair, newest first. */
  readonly after?: { openedAt: Date; id: string };
}

export interface CaseSummaryRecord extends CaseRecord {
  readonly accountReferences: readonly string[];
  readonly vulnerable: boolean;
  readonly activeHolds: number;
}

export interface HistoryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly actor: ActorJson | null;
  readonly details: Record<string, unknown>;
  readonly occurredAt: Date;
}

export interface NoteRecord {
  readonly id: string;
  readonly author: ActorJson;
  readonly body: Buffer;
  readonly createdAt: Date;
}

const CASE_COLUMNS = `c."id", c."debtor_id", c."currency", c."status", c."status_before_hold", c."resolution",
  c."total_balance_minor", c."max_days_past_due", c."opened_at", c."resolved_at"`;

const ACCOUNT_COLUMNS = `"id", "case_id", "debtor_id", "account_reference", "product_type", "product_name",
  "currency", "original_balance_minor", "current_balance_minor", "days_past_due",
  to_char("placement_date", 'YYYY-MM-DD') AS "placement_date", "source_version", "recalled_at", "recall_reason"`;

const HOLD_COLUMNS = `"id", "debtor_id", "case_id", "account_ids", "kind", "reason", "starts_at", "ends_at",
  "placed_by", "creditor_hold_reference", "source_version", "lifted_at", "lifted_by"`;

// A hold is in force when not lifted and not past its end.
const HOLD_IN_FORCE = `h."lifted_at" IS NULL AND (h."ends_at" IS NULL OR h."ends_at" > now())`;

/** Cases, their accounts, holds, notes and history. Every statement is scoped to one tenant. */
export class CasesRepository {
  private readonly cases: string;
  private readonly accounts: string;
  private readonly holds: string;
  private readonly notes: string;
  private readonly payments: string;
  private readonly history: string;
  private readonly debtors: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.cases = `"${s}"."cases"`;
    this.accounts = `"${s}"."accounts"`;
    this.holds = `"${s}"."holds"`;
    this.notes = `"${s}"."case_notes"`;
    this.payments = `"${s}"."creditor_payments"`;
    this.history = `"${s}"."case_history"`;
    this.debtors = `"${s}"."debtors"`;
  }

  // ---- cases -------------------------------------------------------------------------------

  async findCase(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<CaseRecord | undefined> {
    const rows = (await db.query(
      `SELECT ${CASE_COLUMNS} FROM ${this.cases} c WHERE c."tenant_id" = $1 AND c."id" = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [scope.tenantId, id],
    )) as CaseRow[];
    return rows[0] && toCase(rows[0]);
  }

  async findOpenCase(
    db: SqlRunner,
    scope: TenantScope,
    debtorId: string,
    currency: string,
  ): Promise<CaseRecord | undefined> {
    const rows = (await db.query(
      `SELECT ${CASE_COLUMNS} FROM ${this.cases} c WHERE c."tenant_id" = $1 AND c."debtor_id" = $2
         AND c."currency" = $3 AND c."status" <> 'resolved' FOR UPDATE`,
      [scope.tenantId, debtorId, currency],
    )) as CaseRow[];
    return rows[0] && toCase(rows[0]);
  }

  async openCasesOf(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<CaseRecord[]> {
    const rows = (await db.query(
      `SELECT ${CASE_COLUMNS} FROM ${this.cases} c WHERE c."tenant_id" = $1 AND c."debtor_id" = $2
         AND c."status" <> 'resolved' ORDER BY c."opened_at", c."id" FOR UPDATE`,
      [scope.tenantId, debtorId],
    )) as CaseRow[];
    return rows.map(toCase);
  }

  async casesOf(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<CaseRecord[]> {
    const rows = (await db.query(
      `SELECT ${CASE_COLUMNS} FROM ${this.cases} c WHERE c."tenant_id" = $1 AND c."debtor_id" = $2 ORDER BY c."opened_at", c."id"`,
      [scope.tenantId, debtorId],
    )) as CaseRow[];
    return rows.map(toCase);
  }

  async insertCase(db: SqlRunner, scope: TenantScope, record: CaseRecord): Promise<void> {
    await this.insertCases(db, scope, [record]);
  }

  async insertCases(
    db: SqlRunner,
    scope: TenantScope,
    records: readonly CaseRecord[],
  ): Promise<void> {
    if (records.length === 0) return;
    const values: unknown[] = [scope.tenantId];
    const rows = records.map((record) => {
      const n = values.length;
      values.push(
        record.id,
        record.debtorId,
        record.currency,
        record.lifecycle.status,
        record.lifecycle.statusBeforeHold,
        record.lifecycle.resolution,
        record.totalBalanceMinor.toString(),
        record.maxDaysPastDue,
        record.openedAt,
      );
      return `($${n + 1}, $1, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}, $${n + 9})`;
    });
    await db.query(
      `INSERT INTO ${this.cases} ("id", "tenant_id", "debtor_id", "currency", "status", "status_before_hold",
         "resolution", "total_balance_minor", "max_days_past_due", "opened_at") VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** Open cases of several debtors, locked for the caller's transaction. */
  async openCasesOfMany(
    db: SqlRunner,
    scope: TenantScope,
    debtorIds: readonly string[],
  ): Promise<CaseRecord[]> {
    if (debtorIds.length === 0) return [];
    const rows = (await db.query(
      `SELECT ${CASE_COLUMNS} FROM ${this.cases} c WHERE c."tenant_id" = $1 AND c."debtor_id" = ANY($2::uuid[])
         AND c."status" <> 'resolved' ORDER BY c."id" FOR UPDATE`,
      [scope.tenantId, debtorIds],
    )) as CaseRow[];
    return rows.map(toCase);
  }

  /** Stores totals computed by the caller (who holds the case's lock and knows its accounts). */
  async setTotals(
    db: SqlRunner,
    scope: TenantScope,
    caseId: string,
    totals: { totalBalanceMinor: bigint; maxDaysPastDue: number },
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.cases} SET "total_balance_minor" = $3, "max_days_past_due" = $4, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [scope.tenantId, caseId, totals.totalBalanceMinor.toString(), totals.maxDaysPastDue],
    );
  }

  async updateLifecycle(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    lifecycle: CaseLifecycleState,
    resolvedAt: Date | null = null,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.cases} SET "status" = $3, "status_before_hold" = $4, "resolution" = $5,
         "resolved_at" = COALESCE($6, "resolved_at"), "updated_at" = now() WHERE "tenant_id" = $1 AND "id" = $2`,
      [
        scope.tenantId,
        id,
        lifecycle.status,
        lifecycle.statusBeforeHold,
        lifecycle.resolution,
        resolvedAt,
      ],
    );
  }

  /** Recomputes the case's total balance and arrears from its open accounts. */
  async refreshTotals(
    db: SqlRunner,
    scope: TenantScope,
    caseId: string,
  ): Promise<{ totalBalanceMinor: bigint; maxDaysPastDue: number }> {
    const [row] = rowsOf<{ total_balance_minor: string; max_days_past_due: number }>(
      await db.query(
        `UPDATE ${this.cases} c SET
         "total_balance_minor" = t."total", "max_days_past_due" = t."dpd", "updated_at" = now()
       FROM (SELECT COALESCE(sum("current_balance_minor"), 0) AS "total",
                    COALESCE(max("days_past_due") FILTER (WHERE "recalled_at" IS NULL), 0) AS "dpd"
             FROM ${this.accounts} WHERE "tenant_id" = $1 AND "case_id" = $2) t
       WHERE c."tenant_id" = $1 AND c."id" = $2
       RETURNING c."total_balance_minor", c."max_days_past_due"`,
        [scope.tenantId, caseId],
      ),
    );
    if (!row) throw new Error(`case ${caseId} vanished while its totals were refreshed`);
    return {
      totalBalanceMinor: BigInt(row.total_balance_minor),
      maxDaysPastDue: row.max_days_past_due,
    };
  }

  async list(
    db: SqlRunner,
    scope: TenantScope,
    filter: CaseListFilter,
  ): Promise<CaseSummaryRecord[]> {
    const params: unknown[] = [scope.tenantId];
    const where = [`c."tenant_id" = $1`];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.status) where.push(`c."status" = ${param(filter.status)}`);
    if (filter.minDaysPastDue !== undefined)
      where.push(`c."max_days_past_due" >= ${param(filter.minDaysPastDue)}`);
    if (filter.maxDaysPastDue !== undefined && filter.maxDaysPastDue !== null)
      where.push(`c."max_days_past_due" <= ${param(filter.maxDaysPastDue)}`);
    if (filter.minBalanceMinor !== undefined)
      where.push(`c."total_balance_minor" >= ${param(filter.minBalanceMinor.toString())}`);
    if (filter.maxBalanceMinor !== undefined)
      where.push(`c."total_balance_minor" <= ${param(filter.maxBalanceMinor.toString())}`);
    if (filter.vulnerable !== undefined)
      where.push(
        `${filter.vulnerable ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${this.debtors} d WHERE d."tenant_id" = $1 AND d."id" = c."debtor_id" AND cardinality(d."vulnerability_categories") > 0)`,
      );
    if (filter.onHold !== undefined)
      where.push(
        `${filter.onHold ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${this.holds} h WHERE h."tenant_id" = $1 AND h."debtor_id" = c."debtor_id" AND (h."case_id" IS NULL OR h."case_id" = c."id") AND ${HOLD_IN_FORCE})`,
      );
    if (filter.accountReference)
      where.push(
        `EXISTS (SELECT 1 FROM ${this.accounts} a WHERE a."tenant_id" = $1 AND a."case_id" = c."id" AND lower(a."account_reference") LIKE ${param(`${escapeLike(filter.accountReference.toLowerCase())}%`)})`,
      );
    if (filter.after)
      where.push(
        `(c."opened_at", c."id") < (${param(filter.after.openedAt)}::timestamptz, ${param(filter.after.id)}::uuid)`,
      );
    const rows = (await db.query(
      `SELECT ${CASE_COLUMNS},
         ARRAY(SELECT a."account_reference" FROM ${this.accounts} a WHERE a."tenant_id" = $1 AND a."case_id" = c."id" ORDER BY a."account_reference") AS "account_references",
         EXISTS (SELECT 1 FROM ${this.debtors} d WHERE d."tenant_id" = $1 AND d."id" = c."debtor_id" AND cardinality(d."vulnerability_categories") > 0) AS "vulnerable",
         (SELECT count(*)::int FROM ${this.holds} h WHERE h."tenant_id" = $1 AND h."debtor_id" = c."debtor_id" AND (h."case_id" IS NULL OR h."case_id" = c."id") AND ${HOLD_IN_FORCE}) AS "active_holds"
       FROM ${this.cases} c WHERE ${where.join(' AND ')}
       ORDER BY c."opened_at" DESC, c."id" DESC LIMIT ${param(filter.limit)}`,
      params,
    )) as (CaseRow & { account_references: string[]; vulnerable: boolean; active_holds: number })[];
    return rows.map((row) => ({
      ...toCase(row),
      accountReferences: row.account_references,
      vulnerable: row.vulnerable,
      activeHolds: row.active_holds,
    }));
  }

  // ---- accounts ----------------------------------------------------------------------------

  async findAccount(
    db: SqlRunner,
    scope: TenantScope,
    accountReference: string,
  ): Promise<AccountRecord | undefined> {
    const rows = (await db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${this.accounts} WHERE "tenant_id" = $1 AND "account_reference" = $2 FOR UPDATE`,
      [scope.tenantId, accountReference],
    )) as AccountRow[];
    return rows[0] && toAccount(rows[0]);
  }

  async accountsOf(
    db: SqlRunner,
    scope: TenantScope,
    caseId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<AccountRecord[]> {
    const rows = (await db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${this.accounts} WHERE "tenant_id" = $1 AND "case_id" = $2 ORDER BY "created_at", "id"${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [scope.tenantId, caseId],
    )) as AccountRow[];
    return rows.map(toAccount);
  }

  /** A payment (or its reversal) moved the account's balance; nothing else of it changes. */
  async setAccountBalance(
    db: SqlRunner,
    scope: TenantScope,
    accountId: string,
    currentBalanceMinor: bigint,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.accounts} SET "current_balance_minor" = $3, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [scope.tenantId, accountId, currentBalanceMinor.toString()],
    );
  }

  async insertAccount(db: SqlRunner, scope: TenantScope, account: AccountRecord): Promise<void> {
    await this.insertAccounts(db, scope, [account]);
  }

  async insertAccounts(
    db: SqlRunner,
    scope: TenantScope,
    accounts: readonly AccountRecord[],
  ): Promise<void> {
    if (accounts.length === 0) return;
    const values: unknown[] = [scope.tenantId];
    const rows = accounts.map((account) => {
      const n = values.length;
      values.push(
        account.id,
        account.caseId,
        account.debtorId,
        account.accountReference,
        account.productType,
        account.productName,
        account.currency,
        account.originalBalanceMinor.toString(),
        account.currentBalanceMinor.toString(),
        account.daysPastDue,
        account.placementDate,
        account.sourceVersion.toString(),
      );
      const p = (i: number) => `$${n + i}`;
      return `(${p(1)}, $1, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, ${p(12)})`;
    });
    await db.query(
      `INSERT INTO ${this.accounts} ("id", "tenant_id", "case_id", "debtor_id", "account_reference", "product_type",
         "product_name", "currency", "original_balance_minor", "current_balance_minor", "days_past_due",
         "placement_date", "source_version") VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** Accounts by the creditor's references, locked for the caller's transaction. */
  async findAccounts(
    db: SqlRunner,
    scope: TenantScope,
    references: readonly string[],
  ): Promise<AccountRecord[]> {
    if (references.length === 0) return [];
    const rows = (await db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${this.accounts} WHERE "tenant_id" = $1 AND "account_reference" = ANY($2::text[]) ORDER BY "id" FOR UPDATE`,
      [scope.tenantId, references],
    )) as AccountRow[];
    return rows.map(toAccount);
  }

  async updateAccount(db: SqlRunner, scope: TenantScope, account: AccountRecord): Promise<void> {
    await db.query(
      `UPDATE ${this.accounts} SET "product_type" = $3, "product_name" = $4, "original_balance_minor" = $5,
         "current_balance_minor" = $6, "days_past_due" = $7, "placement_date" = $8, "source_version" = $9,
         "recalled_at" = $10, "recall_reason" = $11, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2`,
      [
        scope.tenantId,
        account.id,
        account.productType,
        account.productName,
        account.originalBalanceMinor.toString(),
        account.currentBalanceMinor.toString(),
        account.daysPastDue,
        account.placementDate,
        account.sourceVersion.toString(),
        account.recalledAt,
        account.recallReason,
      ],
    );
  }

  // ---- holds -------------------------------------------------------------------------------

  async insertHold(db: SqlRunner, scope: TenantScope, hold: HoldRecord): Promise<void> {
    await db.query(
      `INSERT INTO ${this.holds} ("id", "tenant_id", "debtor_id", "case_id", "account_ids", "kind", "reason",
         "starts_at", "ends_at", "placed_by", "creditor_hold_reference", "source_version")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)`,
      [
        hold.id,
        scope.tenantId,
        hold.debtorId,
        hold.caseId,
        hold.accountIds,
        hold.kind,
        hold.reason,
        hold.startsAt,
        hold.endsAt,
        JSON.stringify(hold.placedBy),
        hold.creditorHoldReference,
        hold.sourceVersion?.toString() ?? null,
      ],
    );
  }

  async findHold(db: SqlRunner, scope: TenantScope, id: string): Promise<HoldRecord | undefined> {
    const rows = (await db.query(
      `SELECT ${HOLD_COLUMNS} FROM ${this.holds} WHERE "tenant_id" = $1 AND "id" = $2 FOR UPDATE`,
      [scope.tenantId, id],
    )) as HoldRow[];
    return rows[0] && toHold(rows[0]);
  }

  async findHoldByCreditorReference(
    db: SqlRunner,
    scope: TenantScope,
    reference: string,
  ): Promise<HoldRecord | undefined> {
    const rows = (await db.query(
      `SELECT ${HOLD_COLUMNS} FROM ${this.holds} WHERE "tenant_id" = $1 AND "creditor_hold_reference" = $2 FOR UPDATE`,
      [scope.tenantId, reference],
    )) as HoldRow[];
    return rows[0] && toHold(rows[0]);
  }

  async liftHold(
    db: SqlRunner,
    scope: TenantScope,
    id: string,
    lift: { liftedAt: Date; liftedBy: ActorJson; sourceVersion?: bigint },
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.holds} SET "lifted_at" = $3, "lifted_by" = $4::jsonb,
         "source_version" = COALESCE($5, "source_version") WHERE "tenant_id" = $1 AND "id" = $2`,
      [
        scope.tenantId,
        id,
        lift.liftedAt,
        JSON.stringify(lift.liftedBy),
        lift.sourceVersion?.toString() ?? null,
      ],
    );
  }

  /**
   * Holds past their end and not yet lifted, locked for the caller's transaction. The one query
   * across tenants: a system job's, which then acts on each hold in its own tenant's scope.
   */
  async claimExpiredHolds(
    db: SqlRunner,
    now: Date,
    limit: number,
  ): Promise<{ tenantId: string; holdId: string }[]> {
    const rows = (await db.query(
      `SELECT "tenant_id", "id" FROM ${this.holds} WHERE "lifted_at" IS NULL AND "ends_at" <= $1
       ORDER BY "ends_at" LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as { tenant_id: string; id: string }[];
    return rows.map((row) => ({ tenantId: row.tenant_id, holdId: row.id }));
  }

  /** Holds in force on a case: its own and the debtor-wide ones. */
  async holdsInForce(db: SqlRunner, scope: TenantScope, record: CaseRecord): Promise<HoldRecord[]> {
    const rows = (await db.query(
      `SELECT ${HOLD_COLUMNS} FROM ${this.holds} h WHERE h."tenant_id" = $1 AND h."debtor_id" = $2
         AND (h."case_id" IS NULL OR h."case_id" = $3) AND ${HOLD_IN_FORCE} ORDER BY h."starts_at", h."id"`,
      [scope.tenantId, record.debtorId, record.id],
    )) as HoldRow[];
    return rows.map(toHold);
  }

  async holdsOfCase(db: SqlRunner, scope: TenantScope, record: CaseRecord): Promise<HoldRecord[]> {
    const rows = (await db.query(
      `SELECT ${HOLD_COLUMNS} FROM ${this.holds} h WHERE h."tenant_id" = $1 AND h."debtor_id" = $2
         AND (h."case_id" IS NULL OR h."case_id" = $3) ORDER BY h."starts_at", h."id"`,
      [scope.tenantId, record.debtorId, record.id],
    )) as HoldRow[];
    return rows.map(toHold);
  }

  // ---- notes, payments, history -----------------------------------------------------------

  async insertNote(
    db: SqlRunner,
    scope: TenantScope,
    note: { id: string; caseId: string; author: ActorJson; body: Buffer },
  ): Promise<Date> {
    const rows = (await db.query(
      `INSERT INTO ${this.notes} ("id", "tenant_id", "case_id", "author", "body") VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING "created_at"`,
      [note.id, scope.tenantId, note.caseId, JSON.stringify(note.author), note.body],
    )) as { created_at: Date }[];
    return rows[0]?.created_at ?? new Date();
  }

  async notesOf(db: SqlRunner, scope: TenantScope, caseId: string): Promise<NoteRecord[]> {
    const rows = (await db.query(
      `SELECT "id", "author", "body", "created_at" FROM ${this.notes} WHERE "tenant_id" = $1 AND "case_id" = $2 ORDER BY "created_at", "id"`,
      [scope.tenantId, caseId],
    )) as { id: string; author: ActorJson; body: Buffer; created_at: Date }[];
    return rows.map((row) => ({
      id: row.id,
      author: row.author,
      body: row.body,
      createdAt: row.created_at,
    }));
  }

  /** The stored version of a creditor-reported payment, if any. */
  async creditorPaymentVersion(
    db: SqlRunner,
    scope: TenantScope,
    reference: string,
  ): Promise<bigint | undefined> {
    const rows = (await db.query(
      `SELECT "source_version" FROM ${this.payments} WHERE "tenant_id" = $1 AND "creditor_payment_reference" = $2 FOR UPDATE`,
      [scope.tenantId, reference],
    )) as { source_version: string }[];
    return rows[0] ? BigInt(rows[0].source_version) : undefined;
  }

  async saveCreditorPayment(
    db: SqlRunner,
    scope: TenantScope,
    payment: {
      reference: string;
      accountId: string;
      amountMinor: bigint;
      currency: string;
      status: string;
      method: string;
      paidAt: Date | null;
      sourceVersion: bigint;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO ${this.payments} ("tenant_id", "creditor_payment_reference", "account_id", "amount_minor",
         "currency", "status", "method", "paid_at", "source_version") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("tenant_id", "creditor_payment_reference") DO UPDATE SET "account_id" = EXCLUDED."account_id",
         "amount_minor" = EXCLUDED."amount_minor", "currency" = EXCLUDED."currency", "status" = EXCLUDED."status",
         "method" = EXCLUDED."method", "paid_at" = EXCLUDED."paid_at", "source_version" = EXCLUDED."source_version"`,
      [
        scope.tenantId,
        payment.reference,
        payment.accountId,
        payment.amountMinor.toString(),
        payment.currency,
        payment.status,
        payment.method,
        payment.paidAt,
        payment.sourceVersion.toString(),
      ],
    );
  }

  async historyOf(db: SqlRunner, scope: TenantScope, caseId: string): Promise<HistoryRecord[]> {
    const rows = (await db.query(
      `SELECT "id", "event_id", "event_type", "actor", "details", "occurred_at" FROM ${this.history}
       WHERE "tenant_id" = $1 AND ("case_id" = $2 OR ("case_id" IS NULL AND "debtor_id" =
         (SELECT "debtor_id" FROM ${this.cases} WHERE "tenant_id" = $1 AND "id" = $2)))
       ORDER BY "id"`,
      [scope.tenantId, caseId],
    )) as {
      id: string;
      event_id: string;
      event_type: string;
      actor: ActorJson | null;
      details: Record<string, unknown>;
      occurred_at: Date;
    }[];
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.event_type,
      actor: row.actor,
      details: row.details,
      occurredAt: row.occurred_at,
    }));
  }
}

interface CaseRow {
  id: string;
  debtor_id: string;
  currency: string;
  status: CaseStatusName;
  status_before_hold: CaseLifecycleState['statusBeforeHold'];
  resolution: CaseLifecycleState['resolution'];
  total_balance_minor: string;
  max_days_past_due: number;
  opened_at: Date;
  resolved_at: Date | null;
}

interface AccountRow {
  id: string;
  case_id: string;
  debtor_id: string;
  account_reference: string;
  product_type: string;
  product_name: string;
  currency: string;
  original_balance_minor: string;
  current_balance_minor: string;
  days_past_due: number;
  placement_date: string | null;
  source_version: string;
  recalled_at: Date | null;
  recall_reason: string | null;
}

interface HoldRow {
  id: string;
  debtor_id: string;
  case_id: string | null;
  account_ids: string[];
  kind: string;
  reason: string | null;
  starts_at: Date;
  ends_at: Date | null;
  placed_by: ActorJson;
  creditor_hold_reference: string | null;
  source_version: string | null;
  lifted_at: Date | null;
  lifted_by: ActorJson | null;
}

function toCase(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    debtorId: row.debtor_id,
    currency: row.currency,
    lifecycle: {
      status: row.status,
      statusBeforeHold: row.status_before_hold,
      resolution: row.resolution,
    },
    totalBalanceMinor: BigInt(row.total_balance_minor),
    maxDaysPastDue: row.max_days_past_due,
    openedAt: row.opened_at,
    resolvedAt: row.resolved_at,
  };
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    accountReference: row.account_reference,
    productType: row.product_type,
    productName: row.product_name,
    currency: row.currency,
    originalBalanceMinor: BigInt(row.original_balance_minor),
    currentBalanceMinor: BigInt(row.current_balance_minor),
    daysPastDue: row.days_past_due,
    placementDate: row.placement_date,
    sourceVersion: BigInt(row.source_version),
    recalledAt: row.recalled_at,
    recallReason: row.recall_reason,
  };
}

function toHold(row: HoldRow): HoldRecord {
  return {
    id: row.id,
    debtorId: row.debtor_id,
    caseId: row.case_id,
    accountIds: row.account_ids,
    kind: row.kind,
    reason: row.reason,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    placedBy: row.placed_by,
    creditorHoldReference: row.creditor_hold_reference,
    sourceVersion: row.source_version === null ? null : BigInt(row.source_version),
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
  };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
