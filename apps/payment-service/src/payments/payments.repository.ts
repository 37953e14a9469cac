import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { Allocation } from '../ledger/domain/allocation';
import type { PaymentRecord, PaymentStatus } from './payment-record';

interface PaymentRow {
  tenant_id: string;
  payment_id: string;
  case_id: string;
  debtor_id: string;
  method: PaymentRecord['method'];
  purpose: PaymentRecord['purpose'];
  amount_minor: string;
  currency: string;
  status: PaymentStatus;
  psp: string;
  psp_payment_id: string | null;
  redirect_url: string | null;
  plan_id: string | null;
  promise_id: string | null;
  mandate_id: string | null;
  /** node-postgres reads DATE as local midnight. */
  charge_date: Date | string | null;
  failure_reason: string | null;
  allocations: Allocation[];
  unallocated_minor: string;
  reversed_minor: string;
  creditor_payment_reference: string | null;
  initiated_at: Date;
  settled_at: Date | null;
}

export type NewPayment = Omit<
  PaymentRecord,
  | 'status'
  | 'failureReason'
  | 'allocations'
  | 'unallocatedMinor'
  | 'reversedMinor'
  | 'creditorPaymentReference'
  | 'settledAt'
>;

/** Payments and their reversals. Status changes are conditional UPDATEs: each happens once. */
export class PaymentsRepository {
  private readonly table: string;
  private readonly reversals: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.table = `"${s}"."payments"`;
    this.reversals = `"${s}"."reversals"`;
  }

  async insert(db: SqlRunner, payment: NewPayment): Promise<void> {
    await db.query(
      `INSERT INTO ${this.table} ("tenant_id", "payment_id", "case_id", "debtor_id", "method", "purpose", "amount_minor", "currency", "status", "psp", "psp_payment_id", "redirect_url", "plan_id", "promise_id", "mandate_id", "charge_date", "initiated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'initiated', $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        payment.tenantId,
        payment.paymentId,
        payment.caseId,
        payment.debtorId,
        payment.method,
        payment.purpose,
        payment.amountMinor,
        payment.currency,
        payment.psp,
        payment.pspPaymentId,
        payment.redirectUrl,
        payment.planId,
        payment.promiseId,
        payment.mandateId,
        payment.chargeDate,
        payment.initiatedAt,
      ],
    );
  }

  /** The PSP's answer to the initiation: its id and the hosted page. */
  async attachPsp(
    db: SqlRunner,
    tenantId: string,
    paymentId: string,
    pspPaymentId: string,
    redirectUrl: string | null,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.table} SET "psp_payment_id" = $3, "redirect_url" = $4
        WHERE "tenant_id" = $1 AND "payment_id" = $2`,
      [tenantId, paymentId, pspPaymentId, redirectUrl],
    );
  }

  /** A payment that paid a plan's instalments without naming the plan is attributed to it. */
  async attributeToPlan(db: SqlRunner, tenantId: string, paymentId: string, planId: string) {
    await db.query(
      `UPDATE ${this.table} SET "plan_id" = $3
        WHERE "tenant_id" = $1 AND "payment_id" = $2 AND "plan_id" IS NULL`,
      [tenantId, paymentId, planId],
    );
  }

  /** The PSP may name the payment differently once paid (Stripe: a session, then its intent). */
  async updatePspId(db: SqlRunner, tenantId: string, paymentId: string, pspPaymentId: string) {
    await db.query(
      `UPDATE ${this.table} SET "psp_payment_id" = $3 WHERE "tenant_id" = $1 AND "payment_id" = $2`,
      [tenantId, paymentId, pspPaymentId],
    );
  }

  async find(
    db: SqlRunner,
    tenantId: string,
    paymentId: string,
  ): Promise<PaymentRecord | undefined> {
    const [row] = rowsOf<PaymentRow>(
      await db.query(`SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "payment_id" = $2`, [
        tenantId,
        paymentId,
      ]),
    );
    return row ? recordOf(row) : undefined;
  }

  /** By the PSP's id, locked for the rest of the transaction (webhooks about it serialise). */
  async lockByPspId(
    db: SqlRunner,
    psp: string,
    pspPaymentId: string,
  ): Promise<PaymentRecord | undefined> {
    const [row] = rowsOf<PaymentRow>(
      await db.query(
        `SELECT * FROM ${this.table} WHERE "psp" = $1 AND "psp_payment_id" = $2 FOR UPDATE`,
        [psp, pspPaymentId],
      ),
    );
    return row ? recordOf(row) : undefined;
  }

  /** By Clement's id alone (a webhook's metadata), locked for the rest of the transaction. */
  async lockById(db: SqlRunner, paymentId: string): Promise<PaymentRecord | undefined> {
    const [row] = rowsOf<PaymentRow>(
      await db.query(`SELECT * FROM ${this.table} WHERE "payment_id" = $1 FOR UPDATE`, [paymentId]),
    );
    return row ? recordOf(row) : undefined;
  }

  async lock(
    db: SqlRunner,
    tenantId: string,
    paymentId: string,
  ): Promise<PaymentRecord | undefined> {
    const [row] = rowsOf<PaymentRow>(
      await db.query(
        `SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "payment_id" = $2 FOR UPDATE`,
        [tenantId, paymentId],
      ),
    );
    return row ? recordOf(row) : undefined;
  }

  async listForCase(db: SqlRunner, tenantId: string, caseId: string): Promise<PaymentRecord[]> {
    const rows = rowsOf<PaymentRow>(
      await db.query(
        `SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "case_id" = $2 ORDER BY "initiated_at", "payment_id"`,
        [tenantId, caseId],
      ),
    );
    return rows.map(recordOf);
  }

  /**
   * initiated (or failed: the debtor tried another card on the same hosted page) → succeeded,
   * with its allocation; false when it had succeeded already.
   */
  async markSucceeded(
    db: SqlRunner,
    tenantId: string,
    paymentId: string,
    outcome: { allocations: Allocation[]; unallocatedMinor: number; settledAt: Date },
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.table} SET "status" = 'succeeded', "allocations" = $3::jsonb,
                "unallocated_minor" = $4, "settled_at" = $5, "failure_reason" = NULL
          WHERE "tenant_id" = $1 AND "payment_id" = $2 AND "status" IN ('initiated', 'failed')
          RETURNING 1`,
        [
          tenantId,
          paymentId,
          JSON.stringify(outcome.allocations),
          outcome.unallocatedMinor,
          outcome.settledAt,
        ],
      ),
    );
    return rows.length === 1;
  }

  async markFailed(
    db: SqlRunner,
    tenantId: string,
    paymentId: string,
    reason: string,
    at: Date,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.table} SET "status" = 'failed', "failure_reason" = $3, "settled_at" = $4
          WHERE "tenant_id" = $1 AND "payment_id" = $2 AND "status" = 'initiated'
          RETURNING 1`,
        [tenantId, paymentId, reason, at],
      ),
    );
    return rows.length === 1;
  }

  async recordReversal(
    db: SqlRunner,
    tenantId: string,
    paymentId: string,
    reversedMinor: number,
    status: PaymentStatus,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.table} SET "reversed_minor" = $3, "status" = $4
        WHERE "tenant_id" = $1 AND "payment_id" = $2`,
      [tenantId, paymentId, reversedMinor, status],
    );
  }

  /** A refund or chargeback; false when that PSP object was recorded already. */
  async insertReversal(
    db: SqlRunner,
    tenantId: string,
    reversal: {
      reversalId: string;
      paymentId: string;
      kind: 'refund' | 'chargeback';
      amountMinor: number;
      status: 'pending' | 'succeeded' | 'failed';
      pspReversalId: string | null;
      reason: string | null;
      at: Date;
    },
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `INSERT INTO ${this.reversals} ("tenant_id", "reversal_id", "payment_id", "kind", "amount_minor", "status", "psp_reversal_id", "reason", "created_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          tenantId,
          reversal.reversalId,
          reversal.paymentId,
          reversal.kind,
          reversal.amountMinor,
          reversal.status,
          reversal.pspReversalId,
          reversal.reason,
          reversal.at,
        ],
      ),
    );
    return rows.length === 1;
  }

  /** A refund by Clement's id or the PSP's, locked. */
  async lockRefund(
    db: SqlRunner,
    tenantId: string,
    ids: { reversalId?: string; pspReversalId: string },
  ): Promise<{ reversalId: string; status: string; amountMinor: number } | undefined> {
    const [row] = rowsOf<{ reversal_id: string; status: string; amount_minor: string }>(
      await db.query(
        `SELECT "reversal_id", "status", "amount_minor" FROM ${this.reversals}
          WHERE "tenant_id" = $1 AND "kind" = 'refund'
            AND ("reversal_id" = $2 OR "psp_reversal_id" = $3)
          ORDER BY ("reversal_id" = $2) DESC LIMIT 1 FOR UPDATE`,
        [tenantId, ids.reversalId ?? '', ids.pspReversalId],
      ),
    );
    return row
      ? { reversalId: row.reversal_id, status: row.status, amountMinor: Number(row.amount_minor) }
      : undefined;
  }

  /** pending → succeeded | failed (with the PSP's id); false when it was settled already. */
  async settleReversal(
    db: SqlRunner,
    tenantId: string,
    reversalId: string,
    status: 'succeeded' | 'failed',
    pspReversalId: string,
    at: Date,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.reversals} SET "status" = $3, "psp_reversal_id" = $4, "settled_at" = $5
          WHERE "tenant_id" = $1 AND "reversal_id" = $2 AND "status" = 'pending' RETURNING 1`,
        [tenantId, reversalId, status, pspReversalId, at],
      ),
    );
    return rows.length === 1;
  }

  /** Refunds asked for and not failed: what is no longer refundable. */
  async committedRefundsMinor(db: SqlRunner, tenantId: string, paymentId: string): Promise<number> {
    const [row] = rowsOf<{ total: string }>(
      await db.query(
        `SELECT COALESCE(SUM("amount_minor"), 0) AS "total" FROM ${this.reversals}
          WHERE "tenant_id" = $1 AND "payment_id" = $2 AND "status" <> 'failed'`,
        [tenantId, paymentId],
      ),
    );
    return Number(row?.total ?? 0);
  }
}

function recordOf(row: PaymentRow): PaymentRecord {
  return {
    tenantId: row.tenant_id,
    paymentId: row.payment_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    method: row.method,
    purpose: row.purpose,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    status: row.status,
    psp: row.psp,
    pspPaymentId: row.psp_payment_id,
    redirectUrl: row.redirect_url,
    planId: row.plan_id,
    promiseId: row.promise_id,
    mandateId: row.mandate_id,
    chargeDate: localDate(row.charge_date),
    failureReason: row.failure_reason,
    allocations: row.allocations,
    unallocatedMinor: Number(row.unallocated_minor),
    reversedMinor: Number(row.reversed_minor),
    creditorPaymentReference: row.creditor_payment_reference,
    initiatedAt: row.initiated_at,
    settledAt: row.settled_at,
  };
}

function localDate(value: Date | string | null): string | null {
  if (value === null || typeof value === 'string') return value;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}
