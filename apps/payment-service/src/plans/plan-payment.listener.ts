import type { PendingEvent } from '@clement/messaging';
import type { Instalment } from '@clement/payment-plans';
import type { SqlRunner } from '@clement/persistence';
import type { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import type { PaymentListener } from '../payments/payment-listener';
import type { FailedPayment, ReversedPayment, SucceededPayment } from '../payments/payment-record';
import type { PaymentsRepository } from '../payments/payments.repository';
import type { Clock } from '../shared/clock';
import type { PaymentTenants } from '../tenants/payment-tenants';
import { debtorTimeZone, localDateAt } from '../shared/debtor-calendar';
import {
  applyPayment,
  evaluatePlan,
  type InstalmentProgress,
  LIVE_STATUSES,
  type PlanEvaluation,
  takeBack,
  withChanges,
} from './domain/plan-progress';
import { planBreachedEvent, planChangedEvent, planCompletedEvent } from './plan-events';
import type { PlanRecord, PlansRepository } from './plans.repository';

/** What remains due of each unpaid instalment. */
export function remainingInstalments(instalments: readonly InstalmentProgress[]): Instalment[] {
  return instalments
    .filter((i) => i.paidMinor < i.amountMinor)
    .map((i) => ({ dueDate: i.dueDate, amountMinor: i.amountMinor - i.paidMinor }));
}

/**
 * Payments count towards the case's live plan, whichever plan they name (or none): in due-date
 * order, the earliest unpaid instalment first. A refund or chargeback takes the money back from
 * the latest paid instalments; a completed plan it reopens becomes live again and is announced
 * with PlanChanged (its remaining instalments), since PlanCompleted had been published. Failed
 * payments change nothing here: missed instalments are the scheduler's to find.
 */
export class PlanPaymentListener implements PaymentListener {
  constructor(
    private readonly plans: PlansRepository,
    private readonly cases: CaseProjectionRepository,
    private readonly payments: PaymentsRepository,
    private readonly tenants: PaymentTenants,
    private readonly clock: Clock,
  ) {}

  async paymentSucceeded(db: SqlRunner, payment: SucceededPayment): Promise<PendingEvent[]> {
    const plan = await this.plans.lockLive(db, payment.tenantId, payment.caseId);
    if (!plan || plan.currency !== payment.currency) return [];
    const instalments = await this.plans.instalmentsOf(db, plan.tenantId, plan.planId);
    const { changes } = applyPayment(instalments, payment.amountMinor);
    if (changes.length === 0) return [];
    await this.plans.setPaid(db, plan.tenantId, plan.planId, changes);
    // Remembered on the payment, so a later refund or chargeback knows it counted here.
    await this.payments.attributeToPlan(db, payment.tenantId, payment.paymentId, plan.planId);
    const evaluation = await this.evaluate(db, plan, withChanges(instalments, changes));
    if (!evaluation) return [];
    return this.settle(db, plan, evaluation, payment.settledAt);
  }

  async paymentReversed(db: SqlRunner, payment: ReversedPayment): Promise<PendingEvent[]> {
    const plan = await this.planOf(db, payment);
    if (!plan) return [];
    const settled = await this.payments.find(db, payment.tenantId, payment.paymentId);
    // Only a payment that counted towards this plan (attributed when it succeeded) comes off it;
    // one taken before the plan existed never did.
    if (settled?.planId !== plan.planId) return [];
    const instalments = await this.plans.instalmentsOf(db, plan.tenantId, plan.planId);
    const { changes } = takeBack(instalments, payment.amountMinor);
    if (changes.length === 0) return [];
    await this.plans.setPaid(db, plan.tenantId, plan.planId, changes);
    const after = withChanges(instalments, changes);
    const evaluation = await this.evaluate(db, plan, after);
    if (!evaluation) return [];
    if (plan.status !== 'completed') return this.settle(db, plan, evaluation, payment.at);
    const reopened = evaluation.status;
    await this.plans.transition(
      db,
      plan.tenantId,
      plan.planId,
      ['completed'],
      reopened,
      payment.at,
      evaluation.missed,
    );
    const events = [planChangedEvent(plan, remainingInstalments(after), payment.at)];
    if (reopened === 'broken') events.push(planBreachedEvent(plan, evaluation.missed, payment.at));
    return events;
  }

  paymentFailed(_db: SqlRunner, _payment: FailedPayment): Promise<PendingEvent[]> {
    return Promise.resolve([]);
  }

  /** The plan a reversal concerns: the one it names, else the live one, else the last completed. */
  private async planOf(db: SqlRunner, payment: ReversedPayment): Promise<PlanRecord | undefined> {
    const live = await this.plans.lockLive(db, payment.tenantId, payment.caseId);
    if (payment.planId && payment.planId !== live?.planId) {
      const named = await this.plans.lock(db, payment.tenantId, payment.planId);
      // A completed plan cannot come back while another plan is live on the case.
      if (named && named.caseId === payment.caseId && named.status === 'completed' && !live) {
        return named;
      }
      if (named && LIVE_STATUSES.includes(named.status)) return named;
    }
    if (live) return live;
    return this.plans.lockLatestCompleted(db, payment.tenantId, payment.caseId);
  }

  private async evaluate(
    db: SqlRunner,
    plan: PlanRecord,
    instalments: readonly InstalmentProgress[],
  ): Promise<PlanEvaluation | undefined> {
    const tenant = this.tenants.find(plan.tenantId);
    if (!tenant) return undefined;
    const found = await this.cases.find(db, plan.tenantId, plan.caseId);
    const today = localDateAt(this.clock(), debtorTimeZone(found?.timeZone, tenant.timeZone));
    return evaluatePlan(instalments, today, tenant.plans);
  }

  /** A live plan after a payment or a reversal: completed, breached, or still live. */
  private async settle(
    db: SqlRunner,
    plan: PlanRecord,
    evaluation: PlanEvaluation,
    at: Date,
  ): Promise<PendingEvent[]> {
    const moved = await this.plans.transition(
      db,
      plan.tenantId,
      plan.planId,
      LIVE_STATUSES,
      evaluation.status,
      at,
      evaluation.missed,
    );
    if (!moved) return [];
    if (evaluation.status === 'completed') return [planCompletedEvent(plan, at)];
    if (evaluation.status === 'broken') return [planBreachedEvent(plan, evaluation.missed, at)];
    return [];
  }
}
