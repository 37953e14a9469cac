import type { Outbox } from '@clement/messaging';
import type { Principal } from '@clement/staff-api';
import type { DataSource } from 'typeorm';
import type { PlansRepository } from '../../plans/plans.repository';
import type { DirectDebitProvider } from '../../psp/psp-port';
import type { Clock } from '../../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import { mandateCancelledEvent } from '../direct-debit-events';
import type { MandateRecord, MandatesRepository } from '../mandates.repository';
import { pspFailure, requireDirectDebit } from '../psp-errors';

/**
 * Cancels a mandate at the PSP, then marks it cancelled here at once (MandateCancelled); the
 * PSP's mandate.cancelled webhook that follows finds it cancelled and changes nothing.
 */
export class CancelMandate {
  constructor(
    private readonly dataSource: DataSource,
    private readonly mandates: MandatesRepository,
    private readonly plans: PlansRepository,
    private readonly psp: DirectDebitProvider | null,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async execute(tenantId: string, mandateId: string, principal: Principal): Promise<MandateRecord> {
    const mandate = await this.mandates.find(this.dataSource, tenantId, mandateId);
    if (!mandate)
      throw new PaymentDomainError(PaymentErrorCode.MandateNotFound, `no mandate ${mandateId}`);
    if (mandate.status === 'cancelled' || mandate.status === 'failed') return mandate;
    if (mandate.pspMandateId) {
      try {
        await requireDirectDebit(this.psp).cancelMandate(
          mandate.pspMandateId,
          `${mandateId}:cancel`,
        );
      } catch (error) {
        throw pspFailure(error);
      }
    }
    const reason = principal.roles.includes('debtor-portal') ? 'debtor_request' : 'agent_request';
    return this.dataSource.transaction(async (db) => {
      const at = this.clock();
      const locked = (await this.mandates.lock(db, tenantId, mandateId)) as MandateRecord;
      if (
        !(await this.mandates.transition(
          db,
          tenantId,
          mandateId,
          ['pending', 'active'],
          'cancelled',
          at,
        ))
      ) {
        return locked;
      }
      if (locked.planId) await this.plans.clearMandate(db, tenantId, locked.planId, mandateId);
      await this.outbox.appendAll(db, [mandateCancelledEvent(locked, reason, at)]);
      return { ...locked, status: 'cancelled', updatedAt: at };
    });
  }
}
