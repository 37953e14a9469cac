import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { AllocationLine } from './domain/payment-decisions';

export type MovementKind = 'payment' | 'refund' | 'chargeback';

/** A payment, refund or chargeback applied to a case's accounts. */
export interface MovementRecord {
  readonly kind: MovementKind;
  /** The payment id, refund id or chargeback id. */
  readonly movementId: string;
  readonly paymentId: string;
  readonly caseId: string;
  /** Signed per account: positive for a payment, negative for a reversal. */
  readonly allocations: readonly AllocationLine[];
  readonly currency: string;
  readonly occurredAt: Date;
}

export type PlanStatus = 'active' | 'breached' | 'cancelled' | 'completed';

export interface PlanRecord {
  readonly planId: string;
  readonly caseId: string;
  readonly settlement: boolean;
  readonly totalMinor: bigint;
  readonly currency: string;
  readonly status: PlanStatus;
}

export type PromiseStatus = 'open' | 'kept' | 'broken';

export interface PromiseRecord {
  readonly promiseId: string;
  readonly caseId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: PromiseStatus;
}

/**
 * What case-service keeps of payment-service's events: payments and reversals applied (each once,
 * by its own id), plans and promises. Every statement is scoped to one tenant.
 */
export class PaymentLedgerRepository {
  private readonly movements: string;
  private readonly plans: string;
  private readonly promises: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.movements = `"${s}"."payment_movements"`;
    this.plans = `"${s}"."payment_plans"`;
    this.promises = `"${s}"."payment_promises"`;
  }

  // ---- payments and reversals ----------------------------------------------------------------

  /** Records a movement; false when one of that kind and id was recorded before. */
  async recordMovement(
    db: SqlRunner,
    scope: TenantScope,
    movement: MovementRecord,
  ): Promise<boolean> {
    const allocated = movement.allocations.reduce((sum, line) => sum + line.amountMinor, 0n);
    const inserted = rowsOf(
      await db.query(
        `INSERT INTO ${this.movements} ("tenant_id", "kind", "movement_id", "payment_id", "case_id",
           "allocated_minor", "allocations", "currency", "occurred_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          scope.tenantId,
          movement.kind,
          movement.movementId,
          movement.paymentId,
          movement.caseId,
          allocated.toString(),
          JSON.stringify(
            movement.allocations.map((line) => ({
              accountId: line.accountId,
              amountMinor: line.amountMinor.toString(),
            })),
          ),
          movement.currency,
          movement.occurredAt,
        ],
      ),
    );
    return inserted.length > 0;
  }

  async hasMovement(
    db: SqlRunner,
    scope: TenantScope,
    kind: MovementKind,
    movementId: string,
  ): Promise<boolean> {
    const rows = rowsOf(
      await db.query(
        `SELECT 1 FROM ${this.movements} WHERE "tenant_id" = $1 AND "kind" = $2 AND "movement_id" = $3`,
        [scope.tenantId, kind, movementId],
      ),
    );
    return rows.length > 0;
  }

  /** The payment and its reversals so far, oldest first. */
  async movementsOfPayment(
    db: SqlRunner,
    scope: TenantScope,
    paymentId: string,
  ): Promise<MovementRecord[]> {
    const rows = rowsOf<MovementRow>(
      await db.query(
        `SELECT "kind", "movement_id", "payment_id", "case_id", "allocations", "currency", "occurred_at"
         FROM ${this.movements} WHERE "tenant_id" = $1 AND "payment_id" = $2 ORDER BY "recorded_at", "kind"`,
        [scope.tenantId, paymentId],
      ),
    );
    return rows.map((row) => ({
      kind: row.kind,
      movementId: row.movement_id,
      paymentId: row.payment_id,
      caseId: row.case_id,
      allocations: row.allocations.map((line) => ({
        accountId: line.accountId,
        amountMinor: BigInt(line.amountMinor),
      })),
      currency: row.currency,
      occurredAt: row.occurred_at,
    }));
  }

  /** What payments through Clement put on the case's accounts, less what was taken back. */
  async collectedOn(db: SqlRunner, scope: TenantScope, caseId: string): Promise<bigint> {
    const [row] = rowsOf<{ collected: string }>(
      await db.query(
        `SELECT COALESCE(sum("allocated_minor"), 0) AS "collected" FROM ${this.movements}
         WHERE "tenant_id" = $1 AND "case_id" = $2`,
        [scope.tenantId, caseId],
      ),
    );
    return BigInt(row?.collected ?? 0);
  }

  // ---- plans ---------------------------------------------------------------------------------

  /** Records a plan; false when one with its id was recorded before. */
  async insertPlan(db: SqlRunner, scope: TenantScope, plan: PlanRecord): Promise<boolean> {
    const inserted = rowsOf(
      await db.query(
        `INSERT INTO ${this.plans} ("tenant_id", "plan_id", "case_id", "settlement", "total_minor", "currency", "status")
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          scope.tenantId,
          plan.planId,
          plan.caseId,
          plan.settlement,
          plan.totalMinor.toString(),
          plan.currency,
          plan.status,
        ],
      ),
    );
    return inserted.length > 0;
  }

  async findPlan(
    db: SqlRunner,
    scope: TenantScope,
    planId: string,
  ): Promise<PlanRecord | undefined> {
    const [row] = rowsOf<PlanRow>(
      await db.query(
        `SELECT "plan_id", "case_id", "settlement", "total_minor", "currency", "status" FROM ${this.plans}
         WHERE "tenant_id" = $1 AND "plan_id" = $2 FOR UPDATE`,
        [scope.tenantId, planId],
      ),
    );
    return (
      row && {
        planId: row.plan_id,
        caseId: row.case_id,
        settlement: row.settlement,
        totalMinor: BigInt(row.total_minor),
        currency: row.currency,
        status: row.status,
      }
    );
  }

  async endPlan(
    db: SqlRunner,
    scope: TenantScope,
    planId: string,
    status: Exclude<PlanStatus, 'active'>,
    endedAt: Date,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.plans} SET "status" = $3, "ended_at" = $4 WHERE "tenant_id" = $1 AND "plan_id" = $2`,
      [scope.tenantId, planId, status, endedAt],
    );
  }

  async activePlansOf(db: SqlRunner, scope: TenantScope, caseId: string): Promise<number> {
    const [row] = rowsOf<{ count: number }>(
      await db.query(
        `SELECT count(*)::int AS "count" FROM ${this.plans}
         WHERE "tenant_id" = $1 AND "case_id" = $2 AND "status" = 'active'`,
        [scope.tenantId, caseId],
      ),
    );
    return row?.count ?? 0;
  }

  // ---- promises ------------------------------------------------------------------------------

  /** Records a promise; false when one with its id was recorded before. */
  async insertPromise(db: SqlRunner, scope: TenantScope, promise: PromiseRecord): Promise<boolean> {
    const inserted = rowsOf(
      await db.query(
        `INSERT INTO ${this.promises} ("tenant_id", "promise_id", "case_id", "amount_minor", "currency", "status")
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
        [
          scope.tenantId,
          promise.promiseId,
          promise.caseId,
          promise.amountMinor.toString(),
          promise.currency,
          promise.status,
        ],
      ),
    );
    return inserted.length > 0;
  }

  async findPromise(
    db: SqlRunner,
    scope: TenantScope,
    promiseId: string,
  ): Promise<PromiseRecord | undefined> {
    const [row] = rowsOf<PromiseRow>(
      await db.query(
        `SELECT "promise_id", "case_id", "amount_minor", "currency", "status" FROM ${this.promises}
         WHERE "tenant_id" = $1 AND "promise_id" = $2 FOR UPDATE`,
        [scope.tenantId, promiseId],
      ),
    );
    return (
      row && {
        promiseId: row.promise_id,
        caseId: row.case_id,
        amountMinor: BigInt(row.amount_minor),
        currency: row.currency,
        status: row.status,
      }
    );
  }

  async endPromise(
    db: SqlRunner,
    scope: TenantScope,
    promiseId: string,
    status: Exclude<PromiseStatus, 'open'>,
    endedAt: Date,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.promises} SET "status" = $3, "ended_at" = $4 WHERE "tenant_id" = $1 AND "promise_id" = $2`,
      [scope.tenantId, promiseId, status, endedAt],
    );
  }
}

interface MovementRow {
  kind: MovementKind;
  movement_id: string;
  payment_id: string;
  case_id: string;
  allocations: { accountId: string; amountMinor: string }[];
  currency: string;
  occurred_at: Date;
}

interface PlanRow {
  plan_id: string;
  case_id: string;
  settlement: boolean;
  total_minor: string;
  currency: string;
  status: PlanStatus;
}

interface PromiseRow {
  promise_id: string;
  case_id: string;
  amount_minor: string;
  currency: string;
  status: PromiseStatus;
}
