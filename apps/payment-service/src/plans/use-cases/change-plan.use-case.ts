import type { Outbox, PendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import type { DataSource } from 'typeorm';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import type { CaseContexts } from '../../shared/case-context';
import { evaluatePlan, LIVE_STATUSES } from '../domain/plan-progress';
import { onDayOfMonth, type PlanChange, reschedule } from '../domain/reschedule';
import { planChangedEvent } from '../plan-events';
import type { InstalmentRecord, PlanRecord, PlansRepository } from '../plans.repository';

export interface PlanDetail {
  plan: PlanRecord;
  instalments: InstalmentRecord[];
}

/**
 * Re-schedules what remains unpaid of a live plan (amount, count, frequency, next due date)
 * within the tenant's policy, and announces the remaining schedule (PlanChanged).
 */
export class ChangePlan {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: CaseContexts,
    private readonly plans: PlansRepository,
    private readonly outbox: Outbox,
  ) {}

  execute(tenantId: string, planId: string, change: PlanChange): Promise<PlanDetail> {
    return this.dataSource.transaction(async (db) => {
      const plan = await this.plans.lock(db, tenantId, planId);
      if (!plan) throw new PaymentDomainError(PaymentErrorCode.PlanNotFound, `no plan ${planId}`);
      const events = await this.rescheduleLocked(db, plan, () => change);
      await this.outbox.appendAll(db, events);
      const changed = (await this.plans.find(db, tenantId, planId)) as PlanRecord;
      return { plan: changed, instalments: await this.plans.instalmentsOf(db, tenantId, planId) };
    });
  }

  /** Moves a live monthly plan's remaining due dates to `day` of the month (a mandate's new day). */
  moveToDayOfMonth(db: SqlRunner, plan: PlanRecord, day: number): Promise<PendingEvent[]> {
    if (plan.frequency !== 'monthly') return Promise.resolve([]);
    return this.rescheduleLocked(db, plan, (firstOpenDue, today) => ({
      nextDueDate: onDayOfMonth(firstOpenDue, day, today),
      paymentDay: day,
    }));
  }

  /** In the caller's transaction, with the plan row locked; returns the events to publish. */
  async rescheduleLocked(
    db: SqlRunner,
    plan: PlanRecord,
    changeFor: (firstOpenDue: string, today: string) => PlanChange,
  ): Promise<PendingEvent[]> {
    if (!LIVE_STATUSES.includes(plan.status)) {
      throw new PaymentDomainError(
        PaymentErrorCode.PlanNotLive,
        `plan ${plan.planId} is ${plan.status}`,
      );
    }
    const context = await this.contexts.find(db, plan.tenantId, plan.caseId);
    const all = await this.plans.instalmentsOf(db, plan.tenantId, plan.planId, {
      includeSuperseded: true,
    });
    const live = all.filter((i) => !i.superseded);
    const firstOpen = live.find((i) => i.paidMinor < i.amountMinor);
    if (!firstOpen) {
      throw new PaymentDomainError(PaymentErrorCode.PlanNotLive, `plan ${plan.planId} is paid`);
    }
    const { policy, plans: rules } = context.tenant;
    const result = reschedule({
      instalments: live,
      frequency: plan.frequency,
      currency: plan.currency,
      today: context.today,
      planStart: all.reduce((first, i) => (i.dueDate < first ? i.dueDate : first), all[0].dueDate),
      minInstalmentMinor: policy.minInstalmentMinor,
      maxTermMonths: policy.maxTermMonths,
      change: changeFor(firstOpen.dueDate, context.today),
    });
    await this.plans.closeAndSupersede(
      db,
      plan.tenantId,
      plan.planId,
      result.close,
      result.supersede,
    );
    await this.plans.addInstalments(db, plan.tenantId, plan.planId, result.instalments);
    await this.plans.setSchedule(db, plan.tenantId, plan.planId, result.frequency, context.now);
    const after = await this.plans.instalmentsOf(db, plan.tenantId, plan.planId);
    const evaluation = evaluatePlan(after, context.today, rules);
    // A new schedule starts from today at the earliest: it cannot be broken or completed by itself.
    const status = evaluation.missed > 0 ? 'in_arrears' : 'active';
    await this.plans.transition(
      db,
      plan.tenantId,
      plan.planId,
      LIVE_STATUSES,
      status,
      context.now,
      evaluation.missed,
    );
    return [
      planChangedEvent({ ...plan, frequency: result.frequency }, result.instalments, context.now),
    ];
  }
}
