import type { PendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import { LIVE_STATUSES } from '../plans/domain/plan-progress';
import type { PlansRepository } from '../plans/plans.repository';
import type { MandateEvent, MandateWebhookHandler } from '../psp/mandate-webhooks';
import { mandateCancelledEvent, mandateCreatedEvent } from './direct-debit-events';
import type { MandatesRepository } from './mandates.repository';

/**
 * The PSP's word on a mandate, in the webhook's transaction: active (MandateCreated; the plan it
 * was set up for is now paid by it), failed, or cancelled (MandateCancelled, unless it was
 * cancelled here first). Redeliveries find the change made and return no events.
 */
export class MandateWebhooks implements MandateWebhookHandler {
  constructor(
    private readonly mandates: MandatesRepository,
    private readonly plans: PlansRepository,
  ) {}

  async mandateEvent(db: SqlRunner, event: MandateEvent): Promise<PendingEvent[]> {
    const mandate = await this.mandates.lockForWebhook(db, event.pspMandateId, event.mandateId);
    if (!mandate) return [];
    const { tenantId, mandateId } = mandate;
    const at = event.occurredAt;
    if (!mandate.pspMandateId) {
      await this.mandates.attachPsp(db, tenantId, mandateId, event.pspMandateId, null, at);
    }
    switch (event.kind) {
      case 'mandate.active': {
        if (!(await this.mandates.transition(db, tenantId, mandateId, ['pending'], 'active', at)))
          return [];
        if (mandate.planId) {
          const plan = await this.plans.lock(db, tenantId, mandate.planId);
          if (plan && LIVE_STATUSES.includes(plan.status)) {
            await this.plans.setMandate(db, tenantId, plan.planId, mandateId);
          }
        }
        return [mandateCreatedEvent(mandate, at)];
      }
      case 'mandate.failed':
        await this.mandates.transition(db, tenantId, mandateId, ['pending'], 'failed', at);
        return [];
      case 'mandate.cancelled': {
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
          return [];
        }
        if (mandate.planId) await this.plans.clearMandate(db, tenantId, mandate.planId, mandateId);
        return [mandateCancelledEvent(mandate, event.reason ?? 'bank_cancelled', at)];
      }
    }
  }
}
