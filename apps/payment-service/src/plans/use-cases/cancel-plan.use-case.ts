import type { Outbox } from '@clement/messaging';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import { LIVE_STATUSES } from '../domain/plan-progress';
import { planCancelledEvent } from '../plan-events';
import type { PlanRecord, PlansRepository } from '../plans.repository';

/** Ends a live plan (PlanCancelled); cancelling a cancelled plan again changes nothing. */
export class CancelPlan {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  execute(tenantId: string, planId: string): Promise<PlanRecord> {
    return this.dataSource.transaction(async (db) => {
      const plan = await this.plans.lock(db, tenantId, planId);
      if (!plan) throw new PaymentDomainError(PaymentErrorCode.PlanNotFound, `no plan ${planId}`);
      if (plan.status === 'cancelled') return plan;
      const at = this.clock();
      if (!(await this.plans.transition(db, tenantId, planId, LIVE_STATUSES, 'cancelled', at))) {
        throw new PaymentDomainError(
          PaymentErrorCode.PlanNotLive,
          `plan ${planId} is ${plan.status}`,
        );
      }
      await this.outbox.appendAll(db, [planCancelledEvent(plan, at)]);
      return { ...plan, status: 'cancelled', updatedAt: at };
    });
  }
}
