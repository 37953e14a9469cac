import { addDays } from '@clement/payment-plans';
import type { Outbox } from '@clement/messaging';
import type { DataSource } from 'typeorm';
import type { PaymentTenants } from '../tenants/payment-tenants';
import { debtorTimeZone, localDateAt } from '../shared/debtor-calendar';
import { evaluatePlan, LIVE_STATUSES } from './domain/plan-progress';
import type { DueWork } from '../shared/periodic-task';
import { planBreachedEvent } from './plan-events';
import type { PlansRepository } from './plans.repository';

const BATCH = 100;

/**
 * Finds live plans with instalments past due + grace and moves them to in_arrears, or breaks them
 * (PlanBreached, once) when enough are missed. Rows are locked with SKIP LOCKED, so replicas
 * share the work, and status changes are conditional, so each event is emitted once.
 */
export class PlanEvaluation implements DueWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly tenants: PaymentTenants,
    private readonly outbox: Outbox,
  ) {}

  async evaluateDue(now: Date): Promise<number> {
    // No zone's local date is later than UTC's + 1: a coarse bound, refined per debtor below.
    const before = addDays(now.toISOString().slice(0, 10), 1);
    let after: { tenantId: string; planId: string } | undefined;
    let handled = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (db) => {
        const plans = await this.plans.lockDue(db, before, after, BATCH);
        for (const plan of plans) {
          const tenant = this.tenants.find(plan.tenantId);
          if (!tenant) continue;
          const today = localDateAt(now, debtorTimeZone(plan.timeZone, tenant.timeZone));
          const instalments = await this.plans.instalmentsOf(db, plan.tenantId, plan.planId);
          const { status, missed } = evaluatePlan(instalments, today, tenant.plans);
          if (status === 'broken') {
            if (
              await this.plans.transition(
                db,
                plan.tenantId,
                plan.planId,
                LIVE_STATUSES,
                'broken',
                now,
                missed,
              )
            ) {
              await this.outbox.appendAll(db, [planBreachedEvent(plan, missed, now)]);
              handled += 1;
            }
          } else if (status === 'in_arrears' && missed !== plan.missedCount) {
            await this.plans.transition(
              db,
              plan.tenantId,
              plan.planId,
              LIVE_STATUSES,
              'in_arrears',
              now,
              missed,
            );
            handled += 1;
          }
        }
        return plans;
      });
      if (batch.length < BATCH) return handled;
      const last = batch[batch.length - 1];
      after = { tenantId: last.tenantId, planId: last.planId };
    }
  }
}
