import type { Outbox, PendingEvent } from '@clement/messaging';
import type { DataSource } from 'typeorm';
import { LIVE_STATUSES } from '../../plans/domain/plan-progress';
import type { PlansRepository } from '../../plans/plans.repository';
import type { ChangePlan } from '../../plans/use-cases/change-plan.use-case';
import type { DirectDebitProvider } from '../../psp/psp-port';
import type { Clock } from '../../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import { collectionDateChangedEvent } from '../direct-debit-events';
import type { MandateRecord, MandatesRepository } from '../mandates.repository';
import { pspFailure, requireDirectDebit } from '../psp-errors';

/**
 * Moves a mandate's collections to another day of the month (typically just after payday):
 * at the PSP first, then here (CollectionDateChanged); a live monthly plan the mandate pays has
 * its remaining due dates moved to that day (PlanChanged).
 */
export class ChangeCollectionDay {
  constructor(
    private readonly dataSource: DataSource,
    private readonly mandates: MandatesRepository,
    private readonly plans: PlansRepository,
    private readonly changePlan: ChangePlan,
    private readonly psp: DirectDebitProvider | null,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async execute(
    tenantId: string,
    mandateId: string,
    collectionDay: number,
  ): Promise<MandateRecord> {
    const mandate = await this.mandates.find(this.dataSource, tenantId, mandateId);
    if (!mandate)
      throw new PaymentDomainError(PaymentErrorCode.MandateNotFound, `no mandate ${mandateId}`);
    if (mandate.collectionDay === collectionDay) return mandate;
    if (!(mandate.status === 'active' || mandate.status === 'pending') || !mandate.pspMandateId) {
      throw new PaymentDomainError(
        PaymentErrorCode.MandateNotActive,
        `mandate ${mandateId} is ${mandate.status}`,
      );
    }
    try {
      await requireDirectDebit(this.psp).changeCollectionDay(
        mandate.pspMandateId,
        collectionDay,
        // Per mandate state: a retry reuses it, a later change back and forth does not.
        `${mandateId}:collection-day:${collectionDay}:${mandate.updatedAt.getTime()}`,
      );
    } catch (error) {
      throw pspFailure(error);
    }
    return this.dataSource.transaction(async (db) => {
      const locked = await this.mandates.lock(db, tenantId, mandateId);
      if (!locked)
        throw new PaymentDomainError(PaymentErrorCode.MandateNotFound, `no mandate ${mandateId}`);
      const at = this.clock();
      if (
        !(await this.mandates.changeCollectionDay(
          db,
          tenantId,
          mandateId,
          locked.collectionDay,
          collectionDay,
          at,
        ))
      ) {
        return locked;
      }
      const events: PendingEvent[] = [collectionDateChangedEvent(locked, collectionDay, at)];
      if (locked.planId) {
        const plan = await this.plans.lock(db, tenantId, locked.planId);
        if (plan && LIVE_STATUSES.includes(plan.status)) {
          events.push(...(await this.changePlan.moveToDayOfMonth(db, plan, collectionDay)));
        }
      }
      await this.outbox.appendAll(db, events);
      return { ...locked, collectionDay, updatedAt: at };
    });
  }
}
