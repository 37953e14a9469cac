import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { StoredActor } from '../shared/actor';
import type { PromiseStatus } from './domain/promise-rules';

export interface PromiseRecord {
  tenantId: string;
  promiseId: string;
  caseId: string;
  debtorId: string;
  amountMinor: number;
  currency: string;
  dueDate: string;
  graceDays: number;
  deadlineAt: Date;
  status: PromiseStatus;
  paidMinor: number;
  madeBy: StoredActor;
  madeAt: Date;
  settledAt: Date | null;
}

interface PromiseRow {
  tenant_id: string;
  promise_id: string;
  case_id: string;
  debtor_id: string;
  amount_minor: string;
  currency: string;
  due_date: string;
  grace_days: number;
  deadline_at: Date;
  status: PromiseStatus;
  paid_minor: string;
  made_by: StoredActor;
  made_at: Date;
  settled_at: Date | null;
}

const COLUMNS = `"tenant_id", "promise_id", "case_id", "debtor_id", "amount_minor", "currency",
  to_char("due_date", 'YYYY-MM-DD') AS "due_date", "grace_days", "deadline_at", "status",
  "paid_minor", "made_by", "made_at", "settled_at"`;

/** Promises to pay. Status changes are conditional UPDATEs from 'open': each happens once. */
export class PromisesRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${assertSqlIdentifier(schema)}"."promises"`;
  }

  async insert(db: SqlRunner, promise: PromiseRecord): Promise<void> {
    await db.query(
      `INSERT INTO ${this.table} ("tenant_id", "promise_id", "case_id", "debtor_id", "amount_minor", "currency", "due_date", "grace_days", "deadline_at", "status", "paid_minor", "made_by", "made_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $11, $12::jsonb, $13)`,
      [
        promise.tenantId,
        promise.promiseId,
        promise.caseId,
        promise.debtorId,
        promise.amountMinor,
        promise.currency,
        promise.dueDate,
        promise.graceDays,
        promise.deadlineAt,
        promise.status,
        promise.paidMinor,
        JSON.stringify(promise.madeBy),
        promise.madeAt,
      ],
    );
  }

  async find(
    db: SqlRunner,
    tenantId: string,
    promiseId: string,
  ): Promise<PromiseRecord | undefined> {
    const [row] = rowsOf<PromiseRow>(
      await db.query(
        `SELECT ${COLUMNS} FROM ${this.table} WHERE "tenant_id" = $1 AND "promise_id" = $2`,
        [tenantId, promiseId],
      ),
    );
    return row ? promiseOf(row) : undefined;
  }

  async listForCase(db: SqlRunner, tenantId: string, caseId: string): Promise<PromiseRecord[]> {
    const rows = rowsOf<PromiseRow>(
      await db.query(
        `SELECT ${COLUMNS} FROM ${this.table} WHERE "tenant_id" = $1 AND "case_id" = $2 ORDER BY "made_at", "promise_id"`,
        [tenantId, caseId],
      ),
    );
    return rows.map(promiseOf);
  }

  /** The case's open promise (at most one), locked. */
  async lockOpen(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
  ): Promise<PromiseRecord | undefined> {
    const [row] = rowsOf<PromiseRow>(
      await db.query(
        `SELECT ${COLUMNS} FROM ${this.table} WHERE "tenant_id" = $1 AND "case_id" = $2 AND "status" = 'open'
          ORDER BY "made_at" LIMIT 1 FOR UPDATE`,
        [tenantId, caseId],
      ),
    );
    return row ? promiseOf(row) : undefined;
  }

  async setPaid(
    db: SqlRunner,
    tenantId: string,
    promiseId: string,
    paidMinor: number,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.table} SET "paid_minor" = $3 WHERE "tenant_id" = $1 AND "promise_id" = $2`,
      [tenantId, promiseId, paidMinor],
    );
  }

  /** open → kept | broken | cancelled; false when it was not open any more. */
  async close(
    db: SqlRunner,
    tenantId: string,
    promiseId: string,
    status: Exclude<PromiseStatus, 'open'>,
    at: Date,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.table} SET "status" = $3, "settled_at" = $4
          WHERE "tenant_id" = $1 AND "promise_id" = $2 AND "status" = 'open' RETURNING 1`,
        [tenantId, promiseId, status, at],
      ),
    );
    return rows.length === 1;
  }

  /** Open promises whose deadline has come, locked, skipping those another replica holds. */
  async lockPastDeadline(db: SqlRunner, now: Date, limit: number): Promise<PromiseRecord[]> {
    const rows = rowsOf<PromiseRow>(
      await db.query(
        `SELECT ${COLUMNS} FROM ${this.table}
          WHERE "status" = 'open' AND "deadline_at" <= $1
          ORDER BY "deadline_at", "tenant_id", "promise_id"
          LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      ),
    );
    return rows.map(promiseOf);
  }
}

function promiseOf(row: PromiseRow): PromiseRecord {
  return {
    tenantId: row.tenant_id,
    promiseId: row.promise_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    dueDate: row.due_date,
    graceDays: row.grace_days,
    deadlineAt: row.deadline_at,
    status: row.status,
    paidMinor: Number(row.paid_minor),
    madeBy: row.made_by,
    madeAt: row.made_at,
    settledAt: row.settled_at,
  };
}
