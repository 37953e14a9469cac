import { Inject, Injectable } from '@nestjs/common';
import { Scheduler } from '../scheduler';
import { SimState } from '../sim-state';
import type {
  Collection,
  Dispute,
  Mandate,
  PaymentIntent,
  PspResult,
  Refund,
} from './domain/psp-objects';
import type {
  CreateCollectionInput,
  CreateIntentInput,
  CreateMandateInput,
  CreateRefundInput,
  DisputeInput,
  NextCollectionInput,
  ThreeDsResult,
} from './domain/psp-requests';
import { PspState } from './psp-state';
import { PspWebhooks } from './psp-webhooks';

/** The sandbox PSP's use cases: the ledger's state changes, their webhooks and timed settlements. */
@Injectable()
export class PspSandbox {
  constructor(
    @Inject(SimState) private readonly state: SimState,
    @Inject(PspState) private readonly psp: PspState,
    @Inject(PspWebhooks) private readonly webhooks: PspWebhooks,
    @Inject(Scheduler) private readonly scheduler: Scheduler,
  ) {}

  createIntent(input: CreateIntentInput): PaymentIntent {
    return this.psp.ledger.createIntent(input);
  }

  intent(id: string): PspResult<PaymentIntent> {
    return this.psp.ledger.intent(id);
  }

  confirmIntent(id: string, cardNumber: string): PspResult<PaymentIntent> {
    return this.commit(this.psp.ledger.confirmIntent(id, cardNumber));
  }

  authenticateIntent(id: string, result: ThreeDsResult): PspResult<PaymentIntent> {
    return this.commit(this.psp.ledger.authenticateIntent(id, result));
  }

  /** Control API: pay with a card and, for a 3-D Secure card, answer the challenge at once. */
  confirmIntentAs(
    id: string,
    cardNumber: string | undefined,
    threeDs: ThreeDsResult | undefined,
  ): PspResult<PaymentIntent> {
    const current = this.psp.ledger.intent(id);
    if (current.ok && current.value.status === 'requires_action' && threeDs) {
      return this.authenticateIntent(id, threeDs);
    }
    const confirmed = this.confirmIntent(id, cardNumber ?? '');
    if (!confirmed.ok || confirmed.value.status !== 'requires_action' || !threeDs) return confirmed;
    return this.authenticateIntent(id, threeDs);
  }

  createRefund(input: CreateRefundInput): PspResult<Refund> {
    return this.commit(this.psp.ledger.createRefund(input));
  }

  failRefund(id: string): PspResult<Refund> {
    return this.commit(this.psp.ledger.failRefund(id));
  }

  dispute(intentId: string, input: DisputeInput): PspResult<Dispute> {
    return this.commit(this.psp.ledger.createDispute(intentId, input));
  }

  createMandate(input: CreateMandateInput): Mandate {
    return this.psp.ledger.createMandate(input);
  }

  mandate(id: string): PspResult<Mandate> {
    return this.psp.ledger.mandate(id);
  }

  confirmMandate(id: string, iban?: string): PspResult<Mandate> {
    return this.commit(this.psp.ledger.confirmMandate(id, iban));
  }

  changeCollectionDay(id: string, collectionDay: number): PspResult<Mandate> {
    return this.psp.ledger.changeCollectionDay(id, collectionDay);
  }

  cancelMandate(id: string, reason: 'debtor_request' | 'bank_cancelled'): PspResult<Mandate> {
    return this.commit(this.psp.ledger.cancelMandate(id, reason));
  }

  setNextCollectionOutcome(id: string, plan: NextCollectionInput): PspResult<Mandate> {
    return this.psp.ledger.setNextCollectionOutcome(id, plan);
  }

  /** Creates a pending collection; it settles PSP_COLLECTION_SETTLE_AFTER_MS later (a return as long again). */
  createCollection(input: CreateCollectionInput): PspResult<Collection> {
    const created = this.psp.ledger.createCollection(input);
    if (!created.ok) return created;
    const id = created.value.id;
    this.scheduler.run(async (wait) => {
      await wait(this.state.settings.pspCollectionSettleAfterMs);
      const settled = this.commit(this.psp.ledger.settleCollection(id));
      if (!settled.ok || !settled.value.returnsLater) return;
      await wait(this.state.settings.pspCollectionSettleAfterMs);
      this.commit(this.psp.ledger.returnCollection(id));
    });
    return created;
  }

  collection(id: string): PspResult<Collection> {
    return this.psp.ledger.collection(id);
  }

  private commit<T>(result: PspResult<T>): PspResult<T> {
    if (result.ok) this.webhooks.emit(result.events);
    return result;
  }
}
