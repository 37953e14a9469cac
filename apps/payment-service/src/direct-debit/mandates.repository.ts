import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';

export type MandateStatus = 'pending' | 'active' | 'failed' | 'cancelled';

export interface MandateRecord {
  tenantId: string;
  mandateId: string;
  caseId: string;
  debtorId: string;
  planId: string | null;
  pspMandateId: string | null;
  setupUrl: string | null;
  status: MandateStatus;
  collectionDay: number;
  createdAt: Date;
  updatedAt: Date;
}

interface MandateRow {
  tenant_id: string;
  mandate_id: string;
  case_id: string;
  debtor_id: string;
  plan_id: string | null;
  psp_mandate_id: string | null;
  setup_url: string | null;
  status: MandateStatus;
  collection_day: number;
  created_at: Date;
  updated_at: Date;
}

/** Direct debit mandates; the bank details stay with the PSP. */
export class MandatesRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${assertSqlIdentifier(schema)}"."mandates"`;
  }

  async insert(db: SqlRunner, mandate: MandateRecord): Promise<void> {
    await db.query(
      `INSERT INTO ${this.table} ("tenant_id", "mandate_id", "case_id", "debtor_id", "plan_id", "psp_mandate_id", "setup_url", "status", "collection_day", "created_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        mandate.tenantId,
        mandate.mandateId,
        mandate.caseId,
        mandate.debtorId,
        mandate.planId,
        mandate.pspMandateId,
        mandate.setupUrl,
        mandate.status,
        mandate.collectionDay,
        mandate.createdAt,
        mandate.updatedAt,
      ],
    );
  }

  async find(
    db: SqlRunner,
    tenantId: string,
    mandateId: string,
  ): Promise<MandateRecord | undefined> {
    const [row] = rowsOf<MandateRow>(
      await db.query(`SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "mandate_id" = $2`, [
        tenantId,
        mandateId,
      ]),
    );
    return row ? mandateOf(row) : undefined;
  }

  async lock(
    db: SqlRunner,
    tenantId: string,
    mandateId: string,
  ): Promise<MandateRecord | undefined> {
    const [row] = rowsOf<MandateRow>(
      await db.query(
        `SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "mandate_id" = $2 FOR UPDATE`,
        [tenantId, mandateId],
      ),
    );
    return row ? mandateOf(row) : undefined;
  }

  /**
   * For a webhook: by the PSP's id, else by Clement's id echoed in the PSP's metadata (the PSP
   * answered the set-up but the answer was lost), locked.
   */
  async lockForWebhook(
    db: SqlRunner,
    pspMandateId: string,
    mandateId: string,
  ): Promise<MandateRecord | undefined> {
    const [row] = rowsOf<MandateRow>(
      await db.query(
        `SELECT * FROM ${this.table}
          WHERE "psp_mandate_id" = $1 OR ("psp_mandate_id" IS NULL AND "mandate_id" = $2)
          ORDER BY ("psp_mandate_id" IS NULL) LIMIT 1 FOR UPDATE`,
        [pspMandateId, mandateId],
      ),
    );
    return row ? mandateOf(row) : undefined;
  }

  async attachPsp(
    db: SqlRunner,
    tenantId: string,
    mandateId: string,
    pspMandateId: string,
    setupUrl: string | null,
    at: Date,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.table} SET "psp_mandate_id" = $3, "setup_url" = COALESCE($4, "setup_url"), "updated_at" = $5
        WHERE "tenant_id" = $1 AND "mandate_id" = $2`,
      [tenantId, mandateId, pspMandateId, setupUrl, at],
    );
  }

  /** From one of `from` to `to`; false when it was in none of them (the change happened already). */
  async transition(
    db: SqlRunner,
    tenantId: string,
    mandateId: string,
    from: readonly MandateStatus[],
    to: MandateStatus,
    at: Date,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.table} SET "status" = $4, "updated_at" = $5
          WHERE "tenant_id" = $1 AND "mandate_id" = $2 AND "status" = ANY($3::text[]) RETURNING 1`,
        [tenantId, mandateId, [...from], to, at],
      ),
    );
    return rows.length === 1;
  }

  /** Conditional on the day it had, so a concurrent change is not announced twice. */
  async changeCollectionDay(
    db: SqlRunner,
    tenantId: string,
    mandateId: string,
    previous: number,
    day: number,
    at: Date,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.table} SET "collection_day" = $4, "updated_at" = $5
          WHERE "tenant_id" = $1 AND "mandate_id" = $2 AND "collection_day" = $3 RETURNING 1`,
        [tenantId, mandateId, previous, day, at],
      ),
    );
    return rows.length === 1;
  }
}

function mandateOf(row: MandateRow): MandateRecord {
  return {
    tenantId: row.tenant_id,
    mandateId: row.mandate_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    planId: row.plan_id,
    pspMandateId: row.psp_mandate_id,
    setupUrl: row.setup_url,
    status: row.status,
    collectionDay: row.collection_day,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
