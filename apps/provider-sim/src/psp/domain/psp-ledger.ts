import { randomBytes } from 'node:crypto';
import {
  type Collection,
  type Dispute,
  type Mandate,
  type PaymentIntent,
  type PspEventDraft,
  type PspEventType,
  type PspResult,
  type Refund,
  refused,
  succeeded,
} from './psp-objects';
import type {
  CollectionOutcome,
  CreateCollectionInput,
  CreateIntentInput,
  CreateMandateInput,
  CreateRefundInput,
  DisputeInput,
  NextCollectionInput,
  ThreeDsResult,
} from './psp-requests';
import { cardOutcome, DECLINE_MESSAGES, type DeclineCode } from './test-cards';

export interface PspLedgerOptions {
  /** The simulator's public origin: hosted pages live under it. */
  readonly publicUrl: string;
  readonly clock?: () => Date;
  readonly newId?: (prefix: string) => string;
}

/** Ids are random, not seeded: a restarted simulator must not reuse an id a consumer stored. */
export function randomPspId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** A collection's planned outcome, fixed when it is created. */
interface CollectionPlan {
  readonly outcome: CollectionOutcome;
  readonly reason?: string;
}

export interface SettledCollection {
  readonly collection: Collection;
  /** True when the control API asked for a return: settle it with returnCollection later. */
  readonly returnsLater: boolean;
}

const DEFAULT_IBAN = 'DE89370400440532013000';

function snapshot<T extends object>(object: T): Readonly<Record<string, unknown>> {
  return structuredClone(object) as unknown as Record<string, unknown>;
}

function event(type: PspEventType, object: object): PspEventDraft {
  return { type, object: snapshot(object) };
}

function copy<T>(object: T): T {
  return structuredClone(object);
}

/**
 * The sandbox PSP's state machine: payment intents (cards, 3-D Secure), refunds, disputes,
 * mandates and collections. No I/O: every change returns the events it causes; the caller
 * records and delivers them. Returned objects are copies.
 */
export class PspLedger {
  private readonly intents = new Map<string, PaymentIntent>();
  private readonly refunds = new Map<string, Refund>();
  private readonly mandates = new Map<string, Mandate>();
  private readonly collections = new Map<string, Collection>();
  private readonly nextOutcomes = new Map<string, CollectionPlan>();
  private readonly plans = new Map<string, CollectionPlan>();
  private readonly clock: () => Date;
  private readonly newId: (prefix: string) => string;

  constructor(private readonly options: PspLedgerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomPspId;
  }

  // Payment intents

  createIntent(input: CreateIntentInput): PaymentIntent {
    const id = this.newId('pi');
    const intent: PaymentIntent = {
      id,
      object: 'payment_intent',
      amount: input.amount,
      currency: input.currency,
      description: input.description,
      status: 'requires_payment_method',
      amount_refunded: 0,
      last_payment_error: null,
      return_url: input.returnUrl,
      hosted_url: `${this.options.publicUrl}/psp/pay/${id}`,
      created: this.now(),
      metadata: input.metadata,
    };
    this.intents.set(id, intent);
    return copy(intent);
  }

  intent(id: string): PspResult<PaymentIntent> {
    const intent = this.intents.get(id);
    return intent ? succeeded(copy(intent)) : this.missing('payment_intent', id);
  }

  listIntents(): PaymentIntent[] {
    return [...this.intents.values()].map(copy);
  }

  /** Pays with a test card: succeeds, declines (the debtor may try again) or asks for 3-D Secure. */
  confirmIntent(id: string, cardNumber: string): PspResult<PaymentIntent> {
    const intent = this.intents.get(id);
    if (!intent) return this.missing('payment_intent', id);
    if (intent.status !== 'requires_payment_method') {
      return this.unexpectedState(intent, 'requires_payment_method');
    }
    const outcome = cardOutcome(cardNumber);
    switch (outcome.kind) {
      case 'unknown_card':
        return refused(
          400,
          'invalid_number',
          'Not a sandbox test card: use one of the listed card numbers.',
          'card_number',
        );
      case 'approved':
        return this.succeedIntent(intent);
      case 'declined':
        return this.declineIntent(intent, outcome.code);
      case 'requires_authentication':
        intent.status = 'requires_action';
        intent.last_payment_error = null;
        return succeeded(copy(intent));
    }
  }

  /** The debtor's answer to the 3-D Secure challenge. */
  authenticateIntent(id: string, result: ThreeDsResult): PspResult<PaymentIntent> {
    const intent = this.intents.get(id);
    if (!intent) return this.missing('payment_intent', id);
    if (intent.status !== 'requires_action') return this.unexpectedState(intent, 'requires_action');
    return result === 'approve'
      ? this.succeedIntent(intent)
      : this.declineIntent(intent, 'authentication_failed');
  }

  // Refunds and disputes

  createRefund(input: CreateRefundInput): PspResult<Refund> {
    const intent = this.intents.get(input.paymentIntent);
    if (!intent) return this.missing('payment_intent', input.paymentIntent, 400);
    if (intent.status !== 'succeeded') {
      return refused(
        400,
        'payment_not_succeeded',
        `Payment intent ${intent.id} has not succeeded; there is nothing to refund.`,
        'payment_intent',
      );
    }
    const refundable = intent.amount - intent.amount_refunded;
    const amount = input.amount ?? refundable;
    if (amount > refundable || amount < 1) {
      return refused(
        400,
        'amount_too_large',
        `Refund amount ${amount} is greater than the unrefunded amount ${refundable}.`,
        'amount',
      );
    }
    const refund: Refund = {
      id: this.newId('re'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      status: 'succeeded',
      failure_reason: null,
      created: this.now(),
      metadata: input.metadata,
    };
    this.refunds.set(refund.id, refund);
    intent.amount_refunded += amount;
    return succeeded(copy(refund), [event('refund.succeeded', refund)]);
  }

  /** A refund the bank could not complete (control API): the amount is refundable again. */
  failRefund(id: string, reason = 'expired_or_canceled_card'): PspResult<Refund> {
    const refund = this.refunds.get(id);
    if (!refund) return this.missing('refund', id);
    if (refund.status !== 'succeeded') {
      return refused(400, 'refund_unexpected_state', `Refund ${id} has already failed.`);
    }
    refund.status = 'failed';
    refund.failure_reason = reason;
    const intent = this.intents.get(refund.payment_intent);
    if (intent) intent.amount_refunded -= refund.amount;
    return succeeded(copy(refund), [event('refund.failed', refund)]);
  }

  /** The debtor's bank disputes a payment (control API). */
  createDispute(intentId: string, input: DisputeInput): PspResult<Dispute> {
    const intent = this.intents.get(intentId);
    if (!intent) return this.missing('payment_intent', intentId);
    if (intent.status !== 'succeeded') {
      return refused(
        400,
        'payment_not_succeeded',
        `Payment intent ${intent.id} has not succeeded; there is nothing to dispute.`,
      );
    }
    const amount = input.amount ?? intent.amount;
    if (amount > intent.amount) {
      return refused(
        400,
        'amount_too_large',
        `Dispute amount ${amount} is greater than the payment's ${intent.amount}.`,
        'amount',
      );
    }
    const dispute: Dispute = {
      id: this.newId('dp'),
      object: 'dispute',
      amount,
      currency: intent.currency,
      payment_intent: intent.id,
      reason: input.reason,
      status: 'needs_response',
      created: this.now(),
      metadata: intent.metadata,
    };
    return succeeded(copy(dispute), [event('charge.dispute.created', dispute)]);
  }

  // Mandates

  createMandate(input: CreateMandateInput): Mandate {
    const id = this.newId('md');
    const mandate: Mandate = {
      id,
      object: 'mandate',
      status: 'pending',
      collection_day: input.collectionDay,
      bank_account_last4: null,
      failure_reason: null,
      cancellation_reason: null,
      return_url: input.returnUrl,
      setup_url: `${this.options.publicUrl}/psp/mandate/${id}`,
      created: this.now(),
      metadata: input.metadata,
    };
    this.mandates.set(id, mandate);
    return copy(mandate);
  }

  mandate(id: string): PspResult<Mandate> {
    const mandate = this.mandates.get(id);
    return mandate ? succeeded(copy(mandate)) : this.missing('mandate', id);
  }

  listMandates(): Mandate[] {
    return [...this.mandates.values()].map(copy);
  }

  /** The debtor gives their IBAN on the hosted page: one containing "FAIL" is refused by the bank. */
  confirmMandate(id: string, iban: string = DEFAULT_IBAN): PspResult<Mandate> {
    const mandate = this.mandates.get(id);
    if (!mandate) return this.missing('mandate', id);
    if (mandate.status !== 'pending') {
      return refused(
        400,
        'mandate_unexpected_state',
        `Mandate ${id} is ${mandate.status}; only a pending mandate can be confirmed.`,
      );
    }
    const normalised = iban.replace(/\s/g, '').toUpperCase();
    if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}$/.test(normalised)) {
      return refused(
        400,
        'invalid_iban',
        'Enter an IBAN, e.g. DE89 3704 0044 0532 0130 00.',
        'iban',
      );
    }
    mandate.bank_account_last4 = normalised.slice(-4);
    if (normalised.includes('FAIL')) {
      mandate.status = 'failed';
      mandate.failure_reason = 'invalid_account';
      return succeeded(copy(mandate), [event('mandate.failed', mandate)]);
    }
    mandate.status = 'active';
    return succeeded(copy(mandate), [event('mandate.active', mandate)]);
  }

  changeCollectionDay(id: string, collectionDay: number): PspResult<Mandate> {
    const mandate = this.mandates.get(id);
    if (!mandate) return this.missing('mandate', id);
    if (mandate.status === 'cancelled' || mandate.status === 'failed') {
      return refused(
        400,
        `mandate_${mandate.status}`,
        `Mandate ${id} is ${mandate.status}; its collection day cannot change.`,
      );
    }
    mandate.collection_day = collectionDay;
    return succeeded(copy(mandate));
  }

  /** Cancelling a mandate that is already cancelled or failed changes nothing and sends nothing. */
  cancelMandate(id: string, reason: 'debtor_request' | 'bank_cancelled'): PspResult<Mandate> {
    const mandate = this.mandates.get(id);
    if (!mandate) return this.missing('mandate', id);
    if (mandate.status === 'cancelled' || mandate.status === 'failed') {
      return succeeded(copy(mandate));
    }
    mandate.status = 'cancelled';
    mandate.cancellation_reason = reason;
    return succeeded(copy(mandate), [event('mandate.cancelled', mandate)]);
  }

  /** What the mandate's next collection will do (control API); used once. */
  setNextCollectionOutcome(id: string, plan: NextCollectionInput): PspResult<Mandate> {
    const mandate = this.mandates.get(id);
    if (!mandate) return this.missing('mandate', id);
    this.nextOutcomes.set(id, plan);
    return succeeded(copy(mandate));
  }

  // Collections

  createCollection(input: CreateCollectionInput): PspResult<Collection> {
    const mandate = this.mandates.get(input.mandate);
    if (!mandate) return this.missing('mandate', input.mandate, 400);
    if (mandate.status !== 'active') {
      return refused(
        400,
        'mandate_not_active',
        `Mandate ${mandate.id} is ${mandate.status}; collections need an active mandate.`,
        'mandate',
      );
    }
    const collection: Collection = {
      id: this.newId('col'),
      object: 'collection',
      mandate: mandate.id,
      amount: input.amount,
      currency: input.currency,
      charge_date: input.chargeDate,
      status: 'pending_submission',
      failure_reason: null,
      created: this.now(),
      metadata: input.metadata,
    };
    this.collections.set(collection.id, collection);
    this.plans.set(collection.id, this.nextOutcomes.get(mandate.id) ?? { outcome: 'succeed' });
    this.nextOutcomes.delete(mandate.id);
    return succeeded(copy(collection));
  }

  collection(id: string): PspResult<Collection> {
    const collection = this.collections.get(id);
    return collection ? succeeded(copy(collection)) : this.missing('collection', id);
  }

  /** The bank's answer to a pending collection; a mandate cancelled meanwhile fails it. */
  settleCollection(id: string): PspResult<SettledCollection> {
    const collection = this.collections.get(id);
    if (!collection) return this.missing('collection', id);
    if (collection.status !== 'pending_submission') {
      return succeeded({ collection: copy(collection), returnsLater: false });
    }
    const plan = this.plans.get(id) ?? { outcome: 'succeed' };
    const mandateActive = this.mandates.get(collection.mandate)?.status === 'active';
    if (!mandateActive || plan.outcome === 'fail') {
      collection.status = 'failed';
      collection.failure_reason = mandateActive
        ? (plan.reason ?? 'insufficient_funds')
        : 'mandate_cancelled';
      return succeeded({ collection: copy(collection), returnsLater: false }, [
        event('collection.failed', collection),
      ]);
    }
    collection.status = 'succeeded';
    return succeeded({ collection: copy(collection), returnsLater: plan.outcome === 'return' }, [
      event('collection.succeeded', collection),
    ]);
  }

  /** The debtor's bank takes back a collection that had succeeded. */
  returnCollection(id: string): PspResult<Collection> {
    const collection = this.collections.get(id);
    if (!collection) return this.missing('collection', id);
    if (collection.status !== 'succeeded') {
      return refused(
        400,
        'collection_unexpected_state',
        `Collection ${id} is ${collection.status}; only a succeeded collection can be returned.`,
      );
    }
    collection.status = 'returned';
    collection.failure_reason = this.plans.get(id)?.reason ?? 'refer_to_payer';
    return succeeded(copy(collection), [event('collection.returned', collection)]);
  }

  reset(): void {
    for (const map of [
      this.intents,
      this.refunds,
      this.mandates,
      this.collections,
      this.nextOutcomes,
      this.plans,
    ]) {
      map.clear();
    }
  }

  private succeedIntent(intent: PaymentIntent): PspResult<PaymentIntent> {
    intent.status = 'succeeded';
    intent.last_payment_error = null;
    return succeeded(copy(intent), [event('payment_intent.succeeded', intent)]);
  }

  private declineIntent(intent: PaymentIntent, code: DeclineCode): PspResult<PaymentIntent> {
    intent.status = 'requires_payment_method';
    intent.last_payment_error = { code, message: DECLINE_MESSAGES[code] };
    return succeeded(copy(intent), [event('payment_intent.payment_failed', intent)]);
  }

  private unexpectedState<T>(intent: PaymentIntent, expected: string): PspResult<T> {
    return refused(
      400,
      'payment_intent_unexpected_state',
      `Payment intent ${intent.id} is ${intent.status}, not ${expected}.`,
    );
  }

  /** 404 for the object a path names; 400 for one a body refers to, as Stripe does. */
  private missing<T>(object: string, id: string, status: 400 | 404 = 404): PspResult<T> {
    return refused(status, 'resource_missing', `No such ${object}: '${id}'`);
  }

  private now(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }
}
