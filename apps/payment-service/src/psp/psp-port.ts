/**
 * The payment service provider (PSP) port: what payment-service asks of a PSP and what it learns
 * back through webhooks, in its own words. Two adapters implement it: the sandbox PSP served by
 * provider-sim (cards and direct debit) and Stripe (cards, through the official SDK).
 *
 * Money is integer minor units. Every call that creates something takes an idempotency key, which
 * the adapter passes to the PSP (`Idempotency-Key`), so a retried call never charges twice.
 */

export type PspName = 'sandbox' | 'stripe';

/** Why a PSP call failed, as the service acts on it. */
export type PspErrorKind =
  /** The PSP refused the request as invalid (4xx): do not retry the same request. */
  | 'rejected'
  /** Timeout, network error or 5xx: the outcome is unknown; retry with the same idempotency key. */
  | 'unavailable';

export class PspError extends Error {
  constructor(
    readonly kind: PspErrorKind,
    message: string,
    readonly pspCode?: string,
  ) {
    super(message);
    this.name = 'PspError';
  }
}

/** The webhook could not be trusted: the service answers 400 (`malformed`) or 403 (the others). */
export type WebhookRejection = 'malformed' | 'bad_signature' | 'stale';

export class WebhookVerificationError extends Error {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export interface CheckoutRequest {
  /** Clement's payment id; the PSP echoes it in metadata on every webhook about the payment. */
  paymentId: string;
  tenantId: string;
  amountMinor: number;
  currency: string;
  /** Shown on the hosted page; never debt details beyond the brand. */
  description: string;
  /** Where the hosted page sends the debtor back to. */
  returnUrl: string;
  idempotencyKey: string;
}

export interface Checkout {
  /** The PSP's id for the payment (`pi_…`). */
  pspPaymentId: string;
  /** The hosted payment page to send the debtor to. */
  redirectUrl: string;
}

export interface RefundRequest {
  pspPaymentId: string;
  amountMinor: number;
  currency: string;
  /** Clement's refund id, echoed in metadata. */
  refundId: string;
  idempotencyKey: string;
}

export interface Refund {
  pspRefundId: string;
  status: 'succeeded' | 'pending' | 'failed';
}

export interface MandateSetupRequest {
  /** Clement's mandate id, echoed in metadata. */
  mandateId: string;
  tenantId: string;
  /** 1–28: the day of the month collections are made. */
  collectionDay: number;
  /** Where the hosted mandate page sends the debtor back to. */
  returnUrl: string;
  idempotencyKey: string;
}

export interface MandateSetup {
  pspMandateId: string;
  /** The hosted page where the debtor gives their bank details (never seen by Clement). */
  setupUrl: string;
}

export interface CollectionRequest {
  pspMandateId: string;
  /** Clement's payment id for the collection, echoed in metadata. */
  paymentId: string;
  tenantId: string;
  amountMinor: number;
  currency: string;
  /** "YYYY-MM-DD": the day the money is taken. */
  chargeDate: string;
  idempotencyKey: string;
}

export interface Collection {
  pspCollectionId: string;
}

/** What a verified webhook says, normalised. `eventId` is the PSP's id: the dedupe key. */
export type PspEvent =
  | {
      kind: 'payment.succeeded';
      eventId: string;
      occurredAt: Date;
      pspPaymentId: string;
      paymentId: string;
      amountMinor: number;
      currency: string;
    }
  | {
      kind: 'payment.failed';
      eventId: string;
      occurredAt: Date;
      pspPaymentId: string;
      paymentId: string;
      /** e.g. "card_declined", "insufficient_funds", "authentication_failed". */
      reason: string;
    }
  | {
      kind: 'refund.succeeded' | 'refund.failed';
      eventId: string;
      occurredAt: Date;
      pspRefundId: string;
      pspPaymentId: string;
      /** Clement's refund id when the refund was asked for by Clement. */
      refundId?: string;
      amountMinor: number;
      currency: string;
    }
  | {
      kind: 'chargeback.created';
      eventId: string;
      occurredAt: Date;
      pspChargebackId: string;
      pspPaymentId: string;
      amountMinor: number;
      currency: string;
      reason: string;
    }
  | {
      kind: 'mandate.active' | 'mandate.cancelled' | 'mandate.failed';
      eventId: string;
      occurredAt: Date;
      pspMandateId: string;
      mandateId: string;
      /** For cancelled and failed, e.g. "debtor_request", "bank_cancelled", "invalid_account". */
      reason?: string;
    }
  | {
      kind: 'collection.succeeded';
      eventId: string;
      occurredAt: Date;
      pspCollectionId: string;
      paymentId: string;
      amountMinor: number;
      currency: string;
    }
  | {
      kind: 'collection.failed' | 'collection.returned';
      eventId: string;
      occurredAt: Date;
      pspCollectionId: string;
      paymentId: string;
      amountMinor: number;
      currency: string;
      /** e.g. "insufficient_funds", "mandate_cancelled", "refer_to_payer". */
      reason: string;
    }
  /** A verified event of a type the service does not act on; acknowledged and ignored. */
  | { kind: 'ignored'; eventId: string; occurredAt: Date; type: string };

export interface PaymentServiceProvider {
  readonly name: PspName;
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  refund(request: RefundRequest): Promise<Refund>;
  /**
   * Checks the webhook's signature over the raw body and its timestamp against `now`, then
   * parses it. Throws WebhookVerificationError; never trusts a body it could not verify.
   */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PspEvent;
}

/** Direct debit; only the sandbox PSP offers it here (ADR 0014). */
export interface DirectDebitProvider {
  setUpMandate(request: MandateSetupRequest): Promise<MandateSetup>;
  changeCollectionDay(
    pspMandateId: string,
    collectionDay: number,
    idempotencyKey: string,
  ): Promise<void>;
  cancelMandate(pspMandateId: string, idempotencyKey: string): Promise<void>;
  createCollection(request: CollectionRequest): Promise<Collection>;
}
