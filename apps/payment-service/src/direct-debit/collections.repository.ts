import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';

/** The next unpaid instalment of a live plan paid by an active mandate. */
export interface DueCollection {
  tenantId: string;
  planId: string;
  caseId: string;
  debtorId: string;
  currency: string;
  mandateId: string;
  pspMandateId: string;
  dueDate: string;
  owedMinor: number;
  timeZone: string | null;
}

/** A collection recorded here whose submission to the PSP did not get an answer. */
export interface UnsentCollection {
  tenantId: string;
  paymentId: string;
  caseId: string;
  debtorId: string;
  planId: string;
  amountMinor: number;
  currency: string;
  chargeDate: string;
  pspMandateId: string;
}

/** What the collection scheduler reads across plans, mandates and payments. */
export class CollectionsRepository {
  private readonly plans: string;
  private readonly instalments: string;
  private readonly mandates: string;
  private readonly payments: string;
  private readonly debtors: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.plans = `"${s}"."plans"`;
    this.instalments = `"${s}"."plan_instalments"`;
    this.mandates = `"${s}"."mandates"`;
    this.payments = `"${s}"."payments"`;
    this.debtors = `"${s}"."debtors"`;
  }

  /**
   * Plans whose next unpaid instalment is due on or before `dueBy` (a coarse bound) with no
   * collection in flight and none made for it yet (charged on or after its due date); locked,
   * skipping plans another replica holds.
   */
  async lockDue(db: SqlRunner, dueBy: string, limit: number): Promise<DueCollection[]> {
    const rows = rowsOf<{
      tenant_id: string;
      plan_id: string;
      case_id: string;
      debtor_id: string;
      currency: string;
      mandate_id: string;
      psp_mandate_id: string;
      due_date: string;
      owed_minor: string;
      time_zone: string | null;
    }>(
      await db.query(
        `SELECT p."tenant_id", p."plan_id", p."case_id", p."debtor_id", p."currency",
                m."mandate_id", m."psp_mandate_id", to_char(i."due_date", 'YYYY-MM-DD') AS "due_date",
                i."amount_minor" - i."paid_minor" AS "owed_minor", d."time_zone"
           FROM ${this.plans} p
           JOIN ${this.mandates} m ON m."tenant_id" = p."tenant_id" AND m."mandate_id" = p."mandate_id"
                AND m."status" = 'active' AND m."psp_mandate_id" IS NOT NULL
           JOIN LATERAL (
                SELECT * FROM ${this.instalments} x
                 WHERE x."tenant_id" = p."tenant_id" AND x."plan_id" = p."plan_id" AND NOT x."superseded"
                   AND x."paid_minor" < x."amount_minor"
                 ORDER BY x."due_date", x."number" LIMIT 1) i ON true
           LEFT JOIN ${this.debtors} d ON d."tenant_id" = p."tenant_id" AND d."debtor_id" = p."debtor_id"
          WHERE p."status" IN ('active', 'in_arrears') AND i."due_date" <= $1::date
            AND NOT EXISTS (
                SELECT 1 FROM ${this.payments} c
                 WHERE c."tenant_id" = p."tenant_id" AND c."plan_id" = p."plan_id" AND c."method" = 'direct_debit'
                   AND (c."status" = 'initiated' OR c."charge_date" >= i."due_date"))
          ORDER BY i."due_date", p."tenant_id", p."plan_id"
          LIMIT $2
          FOR UPDATE OF p SKIP LOCKED`,
        [dueBy, limit],
      ),
    );
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      planId: row.plan_id,
      caseId: row.case_id,
      debtorId: row.debtor_id,
      currency: row.currency,
      mandateId: row.mandate_id,
      pspMandateId: row.psp_mandate_id,
      dueDate: row.due_date,
      owedMinor: Number(row.owed_minor),
      timeZone: row.time_zone,
    }));
  }

  /** Collections initiated here without the PSP's id: their submission is retried (same key). */
  async lockUnsent(db: SqlRunner, limit: number): Promise<UnsentCollection[]> {
    const rows = rowsOf<{
      tenant_id: string;
      payment_id: string;
      case_id: string;
      debtor_id: string;
      plan_id: string;
      amount_minor: string;
      currency: string;
      charge_date: string;
      psp_mandate_id: string;
    }>(
      await db.query(
        `SELECT c."tenant_id", c."payment_id", c."case_id", c."debtor_id", c."plan_id", c."amount_minor",
                c."currency", to_char(c."charge_date", 'YYYY-MM-DD') AS "charge_date", m."psp_mandate_id"
           FROM ${this.payments} c
           JOIN ${this.mandates} m ON m."tenant_id" = c."tenant_id" AND m."mandate_id" = c."mandate_id"
          WHERE c."method" = 'direct_debit' AND c."status" = 'initiated' AND c."psp_payment_id" IS NULL
            AND m."psp_mandate_id" IS NOT NULL
          ORDER BY c."initiated_at", c."payment_id"
          LIMIT $1
          FOR UPDATE OF c SKIP LOCKED`,
        [limit],
      ),
    );
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      paymentId: row.payment_id,
      caseId: row.case_id,
      debtorId: row.debtor_id,
      planId: row.plan_id,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      chargeDate: row.charge_date,
      pspMandateId: row.psp_mandate_id,
    }));
  }
}
