import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { Allocation } from '../ledger/domain/allocation';
import type { UnreconciledPayment } from '../ledger/domain/reconciliation';

export interface ProjectedAccount {
  accountId: string;
  accountReference: string;
  productType: string;
  daysPastDue: number;
}

export interface ProjectedCase {
  caseId: string;
  debtorId: string;
  currency: string;
  status: 'open' | 'resolved';
  /** The debtor's IANA zone, when a contact point named one. */
  timeZone: string | null;
  erased: boolean;
}

export interface CreditorPaymentRow {
  reference: string;
  caseId: string;
  accountId: string;
  amountMinor: number;
  currency: string;
  paidAt: Date;
  reversed: boolean;
  matchedPaymentId: string | null;
  booked: boolean;
}

/** The cases, accounts and debtors payment-service knows from case events. */
export class CaseProjectionRepository {
  private readonly cases: string;
  private readonly accounts: string;
  private readonly debtors: string;
  private readonly creditorPayments: string;
  private readonly payments: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.cases = `"${s}"."cases"`;
    this.accounts = `"${s}"."accounts"`;
    this.debtors = `"${s}"."debtors"`;
    this.creditorPayments = `"${s}"."creditor_payments"`;
    this.payments = `"${s}"."payments"`;
  }

  /** Inserts the case if it is new; false when it was known already (a redelivery). */
  async insertCase(
    db: SqlRunner,
    tenantId: string,
    row: { caseId: string; debtorId: string; currency: string; placedAt: Date },
  ): Promise<boolean> {
    await db.query(
      `INSERT INTO ${this.debtors} ("tenant_id", "debtor_id") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [tenantId, row.debtorId],
    );
    const inserted = rowsOf(
      await db.query(
        `INSERT INTO ${this.cases} ("tenant_id", "case_id", "debtor_id", "currency", "status", "placed_at")
         VALUES ($1, $2, $3, $4, 'open', $5) ON CONFLICT DO NOTHING RETURNING "case_id"`,
        [tenantId, row.caseId, row.debtorId, row.currency, row.placedAt],
      ),
    );
    return inserted.length === 1;
  }

  async insertAccount(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    account: ProjectedAccount,
    placedAt: Date,
  ): Promise<boolean> {
    const inserted = rowsOf(
      await db.query(
        `INSERT INTO ${this.accounts} ("tenant_id", "account_id", "case_id", "account_reference", "product_type", "days_past_due", "placed_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING "account_id"`,
        [
          tenantId,
          account.accountId,
          caseId,
          account.accountReference,
          account.productType,
          account.daysPastDue,
          placedAt,
        ],
      ),
    );
    return inserted.length === 1;
  }

  async accountExists(db: SqlRunner, tenantId: string, accountId: string): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `SELECT 1 FROM ${this.accounts} WHERE "tenant_id" = $1 AND "account_id" = $2`,
        [tenantId, accountId],
      ),
    );
    return rows.length === 1;
  }

  async setDaysPastDue(db: SqlRunner, tenantId: string, accountId: string, days: number) {
    await db.query(
      `UPDATE ${this.accounts} SET "days_past_due" = $3 WHERE "tenant_id" = $1 AND "account_id" = $2`,
      [tenantId, accountId, days],
    );
  }

  async find(db: SqlRunner, tenantId: string, caseId: string): Promise<ProjectedCase | undefined> {
    const [row] = rowsOf<{
      case_id: string;
      debtor_id: string;
      currency: string;
      status: 'open' | 'resolved';
      time_zone: string | null;
      erased: boolean | null;
    }>(
      await db.query(
        `SELECT c."case_id", c."debtor_id", c."currency", c."status", d."time_zone", d."erased"
           FROM ${this.cases} c
           LEFT JOIN ${this.debtors} d ON d."tenant_id" = c."tenant_id" AND d."debtor_id" = c."debtor_id"
          WHERE c."tenant_id" = $1 AND c."case_id" = $2`,
        [tenantId, caseId],
      ),
    );
    return row
      ? {
          caseId: row.case_id,
          debtorId: row.debtor_id,
          currency: row.currency,
          status: row.status,
          timeZone: row.time_zone,
          erased: row.erased ?? false,
        }
      : undefined;
  }

  /** Locks the case row for the rest of the transaction: one writer per case at a time. */
  async lock(db: SqlRunner, tenantId: string, caseId: string): Promise<ProjectedCase | undefined> {
    await db.query(
      `SELECT 1 FROM ${this.cases} WHERE "tenant_id" = $1 AND "case_id" = $2 FOR UPDATE`,
      [tenantId, caseId],
    );
    return this.find(db, tenantId, caseId);
  }

  async setStatus(db: SqlRunner, tenantId: string, caseId: string, status: 'open' | 'resolved') {
    await db.query(
      `UPDATE ${this.cases} SET "status" = $3, "updated_at" = now() WHERE "tenant_id" = $1 AND "case_id" = $2`,
      [tenantId, caseId, status],
    );
  }

  async setTimeZone(db: SqlRunner, tenantId: string, debtorId: string, timeZone: string) {
    await db.query(
      `INSERT INTO ${this.debtors} ("tenant_id", "debtor_id", "time_zone") VALUES ($1, $2, $3)
       ON CONFLICT ("tenant_id", "debtor_id") DO UPDATE SET "time_zone" = EXCLUDED."time_zone"`,
      [tenantId, debtorId, timeZone],
    );
  }

  async markErased(db: SqlRunner, tenantId: string, debtorId: string) {
    await db.query(
      `INSERT INTO ${this.debtors} ("tenant_id", "debtor_id", "erased") VALUES ($1, $2, true)
       ON CONFLICT ("tenant_id", "debtor_id") DO UPDATE SET "erased" = true, "time_zone" = NULL`,
      [tenantId, debtorId],
    );
  }

  /** Records the creditor's report; false when that reference was reported already. */
  async insertCreditorPayment(
    db: SqlRunner,
    tenantId: string,
    row: Omit<CreditorPaymentRow, 'matchedPaymentId' | 'booked' | 'reversed'>,
  ): Promise<boolean> {
    const inserted = rowsOf(
      await db.query(
        `INSERT INTO ${this.creditorPayments} ("tenant_id", "creditor_payment_reference", "case_id", "account_id", "amount_minor", "currency", "paid_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          tenantId,
          row.reference,
          row.caseId,
          row.accountId,
          row.amountMinor,
          row.currency,
          row.paidAt,
        ],
      ),
    );
    return inserted.length === 1;
  }

  async markCreditorPaymentReversed(db: SqlRunner, tenantId: string, reference: string) {
    await db.query(
      `UPDATE ${this.creditorPayments} SET "reversed" = true
        WHERE "tenant_id" = $1 AND "creditor_payment_reference" = $2`,
      [tenantId, reference],
    );
  }

  async matchCreditorPayment(
    db: SqlRunner,
    tenantId: string,
    reference: string,
    paymentId: string,
    matchedBy: string,
  ) {
    await db.query(
      `UPDATE ${this.creditorPayments} SET "matched_payment_id" = $3, "matched_by" = $4
        WHERE "tenant_id" = $1 AND "creditor_payment_reference" = $2`,
      [tenantId, reference, paymentId, matchedBy],
    );
    await db.query(
      `UPDATE ${this.payments} SET "creditor_payment_reference" = $2
        WHERE "tenant_id" = $1 AND "payment_id" = $3`,
      [tenantId, reference, paymentId],
    );
  }

  /** Payments taken here on the case that no creditor report has claimed yet. */
  async unreconciledPayments(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
  ): Promise<UnreconciledPayment[]> {
    const rows = rowsOf<{
      payment_id: string;
      amount_minor: string;
      allocations: Allocation[];
      settled_at: Date;
    }>(
      await db.query(
        `SELECT "payment_id", "amount_minor", "allocations", "settled_at" FROM ${this.payments}
          WHERE "tenant_id" = $1 AND "case_id" = $2 AND "status" IN ('succeeded', 'partially_refunded')
            AND "creditor_payment_reference" IS NULL`,
        [tenantId, caseId],
      ),
    );
    return rows.map((row) => ({
      paymentId: row.payment_id,
      amountMinor: Number(row.amount_minor),
      allocations: row.allocations,
      settledAt: row.settled_at,
    }));
  }

  /** Payments the creditor took elsewhere on the account whose balance update is not booked yet. */
  async unbookedCreditorPayments(
    db: SqlRunner,
    tenantId: string,
    accountId: string,
  ): Promise<CreditorPaymentRow[]> {
    const rows = rowsOf<{
      creditor_payment_reference: string;
      case_id: string;
      account_id: string;
      amount_minor: string;
      currency: string;
      paid_at: Date;
      reversed: boolean;
      matched_payment_id: string | null;
      booked: boolean;
    }>(
      await db.query(
        `SELECT * FROM ${this.creditorPayments}
          WHERE "tenant_id" = $1 AND "account_id" = $2 AND NOT "booked" AND NOT "reversed"
            AND "matched_payment_id" IS NULL
          ORDER BY "paid_at", "creditor_payment_reference" FOR UPDATE`,
        [tenantId, accountId],
      ),
    );
    return rows.map((row) => ({
      reference: row.creditor_payment_reference,
      caseId: row.case_id,
      accountId: row.account_id,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      paidAt: row.paid_at,
      reversed: row.reversed,
      matchedPaymentId: row.matched_payment_id,
      booked: row.booked,
    }));
  }

  async markBooked(db: SqlRunner, tenantId: string, reference: string) {
    await db.query(
      `UPDATE ${this.creditorPayments} SET "booked" = true
        WHERE "tenant_id" = $1 AND "creditor_payment_reference" = $2`,
      [tenantId, reference],
    );
  }
}
