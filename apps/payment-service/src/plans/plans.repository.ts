import type { Frequency, Instalment, LocalDate } from '@clement/payment-plans';
import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { StoredActor } from '../shared/actor';
import type { InstalmentChange, InstalmentProgress, PlanStatus } from './domain/plan-progress';

export interface PlanRecord {
  tenantId: string;
  planId: string;
  caseId: string;
  debtorId: string;
  offerId: string | null;
  frequency: Frequency;
  totalMinor: number;
  currency: string;
  settlement: boolean;
  status: PlanStatus;
  missedCount: number;
  mandateId: string | null;
  createdBy: StoredActor;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface InstalmentRecord extends InstalmentProgress {
  superseded: boolean;
}

interface PlanRow {
  tenant_id: string;
  plan_id: string;
  case_id: string;
  debtor_id: string;
  offer_id: string | null;
  frequency: Frequency;
  total_minor: string;
  currency: string;
  settlement: boolean;
  status: PlanStatus;
  missed_count: number;
  mandate_id: string | null;
  created_by: StoredActor;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const LIVE = `('active', 'in_arrears')`;

/** Plans and their instalments. Status changes are conditional UPDATEs: each happens once. */
export class PlansRepository {
  private readonly plans: string;
  private readonly instalments: string;
  private readonly debtors: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.plans = `"${s}"."plans"`;
    this.instalments = `"${s}"."plan_instalments"`;
    this.debtors = `"${s}"."debtors"`;
  }

  async insert(db: SqlRunner, plan: Omit<PlanRecord, 'missedCount' | 'version'>): Promise<void> {
    await db.query(
      `INSERT INTO ${this.plans} ("tenant_id", "plan_id", "case_id", "debtor_id", "offer_id", "frequency", "total_minor", "currency", "settlement", "status", "mandate_id", "created_by", "created_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14)`,
      [
        plan.tenantId,
        plan.planId,
        plan.caseId,
        plan.debtorId,
        plan.offerId,
        plan.frequency,
        plan.totalMinor,
        plan.currency,
        plan.settlement,
        plan.status,
        plan.mandateId,
        JSON.stringify(plan.createdBy),
        plan.createdAt,
        plan.updatedAt,
      ],
    );
  }

  /** Appends instalments numbered from after the plan's highest number. */
  async addInstalments(
    db: SqlRunner,
    tenantId: string,
    planId: string,
    instalments: readonly Instalment[],
  ): Promise<void> {
    const [row] = rowsOf<{ last: number | null }>(
      await db.query(
        `SELECT MAX("number") AS "last" FROM ${this.instalments} WHERE "tenant_id" = $1 AND "plan_id" = $2`,
        [tenantId, planId],
      ),
    );
    const first = (row?.last ?? 0) + 1;
    const values: unknown[] = [tenantId, planId];
    const tuples = instalments.map((instalment, index) => {
      values.push(first + index, instalment.dueDate, instalment.amountMinor);
      const n = 3 + index * 3;
      return `($1, $2, $${n}, $${n + 1}::date, $${n + 2})`;
    });
    await db.query(
      `INSERT INTO ${this.instalments} ("tenant_id", "plan_id", "number", "due_date", "amount_minor") VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  async find(db: SqlRunner, tenantId: string, planId: string): Promise<PlanRecord | undefined> {
    const [row] = rowsOf<PlanRow>(
      await db.query(`SELECT * FROM ${this.plans} WHERE "tenant_id" = $1 AND "plan_id" = $2`, [
        tenantId,
        planId,
      ]),
    );
    return row ? planOf(row) : undefined;
  }

  async lock(db: SqlRunner, tenantId: string, planId: string): Promise<PlanRecord | undefined> {
    const [row] = rowsOf<PlanRow>(
      await db.query(
        `SELECT * FROM ${this.plans} WHERE "tenant_id" = $1 AND "plan_id" = $2 FOR UPDATE`,
        [tenantId, planId],
      ),
    );
    return row ? planOf(row) : undefined;
  }

  async listForCase(db: SqlRunner, tenantId: string, caseId: string): Promise<PlanRecord[]> {
    const rows = rowsOf<PlanRow>(
      await db.query(
        `SELECT * FROM ${this.plans} WHERE "tenant_id" = $1 AND "case_id" = $2 ORDER BY "created_at", "plan_id"`,
        [tenantId, caseId],
      ),
    );
    return rows.map(planOf);
  }

  /** The case's live plan (at most one), locked. */
  async lockLive(db: SqlRunner, tenantId: string, caseId: string): Promise<PlanRecord | undefined> {
    const [row] = rowsOf<PlanRow>(
      await db.query(
        `SELECT * FROM ${this.plans} WHERE "tenant_id" = $1 AND "case_id" = $2 AND "status" IN ${LIVE} FOR UPDATE`,
        [tenantId, caseId],
      ),
    );
    return row ? planOf(row) : undefined;
  }

  /** The case's most recently completed plan, locked. */
  async lockLatestCompleted(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
  ): Promise<PlanRecord | undefined> {
    const [row] = rowsOf<PlanRow>(
      await db.query(
        `SELECT * FROM ${this.plans} WHERE "tenant_id" = $1 AND "case_id" = $2 AND "status" = 'completed'
          ORDER BY "updated_at" DESC, "plan_id" DESC LIMIT 1 FOR UPDATE`,
        [tenantId, caseId],
      ),
    );
    return row ? planOf(row) : undefined;
  }

  /** Its instalments in due-date order; superseded ones only when asked for. */
  async instalmentsOf(
    db: SqlRunner,
    tenantId: string,
    planId: string,
    options: { includeSuperseded?: boolean } = {},
  ): Promise<InstalmentRecord[]> {
    const rows = rowsOf<{
      number: number;
      due_date: string;
      amount_minor: string;
      paid_minor: string;
      superseded: boolean;
    }>(
      await db.query(
        `SELECT "number", to_char("due_date", 'YYYY-MM-DD') AS "due_date", "amount_minor", "paid_minor", "superseded"
           FROM ${this.instalments}
          WHERE "tenant_id" = $1 AND "plan_id" = $2 ${options.includeSuperseded ? '' : 'AND NOT "superseded"'}
          ORDER BY "due_date", "number"`,
        [tenantId, planId],
      ),
    );
    return rows.map((row) => ({
      number: row.number,
      dueDate: row.due_date,
      amountMinor: Number(row.amount_minor),
      paidMinor: Number(row.paid_minor),
      superseded: row.superseded,
    }));
  }

  async setPaid(
    db: SqlRunner,
    tenantId: string,
    planId: string,
    changes: readonly InstalmentChange[],
  ): Promise<void> {
    for (const change of changes) {
      await db.query(
        `UPDATE ${this.instalments} SET "paid_minor" = $4 WHERE "tenant_id" = $1 AND "plan_id" = $2 AND "number" = $3`,
        [tenantId, planId, change.number, change.paidMinor],
      );
    }
  }

  /** A re-scheduling: partly paid instalments close at what was paid, unpaid ones are superseded. */
  async closeAndSupersede(
    db: SqlRunner,
    tenantId: string,
    planId: string,
    close: readonly { number: number; amountMinor: number }[],
    supersede: readonly number[],
  ): Promise<void> {
    for (const closed of close) {
      await db.query(
        `UPDATE ${this.instalments} SET "amount_minor" = $4 WHERE "tenant_id" = $1 AND "plan_id" = $2 AND "number" = $3`,
        [tenantId, planId, closed.number, closed.amountMinor],
      );
    }
    if (supersede.length > 0) {
      await db.query(
        `UPDATE ${this.instalments} SET "superseded" = true WHERE "tenant_id" = $1 AND "plan_id" = $2 AND "number" = ANY($3::int[])`,
        [tenantId, planId, [...supersede]],
      );
    }
  }

  /**
   * Moves the plan from one of `from` to `to`; false when it was in none of them (someone else
   * moved it first), which is what makes each plan event happen once.
   */
  async transition(
    db: SqlRunner,
    tenantId: string,
    planId: string,
    from: readonly PlanStatus[],
    to: PlanStatus,
    at: Date,
    missedCount?: number,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `UPDATE ${this.plans} SET "status" = $4, "updated_at" = $5, "missed_count" = COALESCE($6, "missed_count")
          WHERE "tenant_id" = $1 AND "plan_id" = $2 AND "status" = ANY($3::text[]) RETURNING 1`,
        [tenantId, planId, [...from], to, at, missedCount ?? null],
      ),
    );
    return rows.length === 1;
  }

  async setSchedule(
    db: SqlRunner,
    tenantId: string,
    planId: string,
    frequency: Frequency,
    at: Date,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.plans} SET "frequency" = $3, "updated_at" = $4, "version" = "version" + 1
        WHERE "tenant_id" = $1 AND "plan_id" = $2`,
      [tenantId, planId, frequency, at],
    );
  }

  async setMandate(db: SqlRunner, tenantId: string, planId: string, mandateId: string | null) {
    await db.query(
      `UPDATE ${this.plans} SET "mandate_id" = $3 WHERE "tenant_id" = $1 AND "plan_id" = $2`,
      [tenantId, planId, mandateId],
    );
  }

  /** Detaches the mandate from the plan, if it is still the plan's. */
  async clearMandate(db: SqlRunner, tenantId: string, planId: string, mandateId: string) {
    await db.query(
      `UPDATE ${this.plans} SET "mandate_id" = NULL WHERE "tenant_id" = $1 AND "plan_id" = $2 AND "mandate_id" = $3`,
      [tenantId, planId, mandateId],
    );
  }

  /**
   * Live plans with more unpaid instalments due before `before` than missed so far, after the
   * key `after`, locked and skipping those another replica holds. `before` is a coarse bound
   * (the latest local date anywhere); the caller evaluates each in its debtor's calendar.
   */
  async lockDue(
    db: SqlRunner,
    before: LocalDate,
    after: { tenantId: string; planId: string } | undefined,
    limit: number,
  ): Promise<(PlanRecord & { timeZone: string | null })[]> {
    const rows = rowsOf<PlanRow & { time_zone: string | null }>(
      await db.query(
        `SELECT p.*, d."time_zone" FROM ${this.plans} p
           LEFT JOIN ${this.debtors} d ON d."tenant_id" = p."tenant_id" AND d."debtor_id" = p."debtor_id"
          WHERE p."status" IN ${LIVE}
            AND (p."tenant_id", p."plan_id") > ($2, $3)
            AND (SELECT count(*) FROM ${this.instalments} i
                  WHERE i."tenant_id" = p."tenant_id" AND i."plan_id" = p."plan_id" AND NOT i."superseded"
                    AND i."paid_minor" < i."amount_minor" AND i."due_date" < $1::date) > p."missed_count"
          ORDER BY p."tenant_id", p."plan_id"
          LIMIT $4
          FOR UPDATE OF p SKIP LOCKED`,
        [before, after?.tenantId ?? '', after?.planId ?? '', limit],
      ),
    );
    return rows.map((row) => ({ ...planOf(row), timeZone: row.time_zone }));
  }
}

function planOf(row: PlanRow): PlanRecord {
  return {
    tenantId: row.tenant_id,
    planId: row.plan_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    offerId: row.offer_id,
    frequency: row.frequency,
    totalMinor: Number(row.total_minor),
    currency: row.currency,
    settlement: row.settlement,
    status: row.status,
    missedCount: row.missed_count,
    mandateId: row.mandate_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
