/** The sandbox PSP's API objects, as they go over the wire (snake_case, Stripe-like). */

export type Metadata = Readonly<Record<string, string>>;

export type IntentStatus = 'requires_payment_method' | 'requires_action' | 'succeeded' | 'canceled';

export interface PaymentIntent {
  readonly id: string;
  readonly object: 'payment_intent';
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
  status: IntentStatus;
  amount_refunded: number;
  last_payment_error: { code: string; message: string } | null;
  readonly return_url: string;
  readonly hosted_url: string;
  readonly created: number;
  readonly metadata: Metadata;
}

export interface Refund {
  readonly id: string;
  readonly object: 'refund';
  readonly amount: number;
  readonly currency: string;
  readonly payment_intent: string;
  status: 'succeeded' | 'failed';
  failure_reason: string | null;
  readonly created: number;
  readonly metadata: Metadata;
}

export interface Dispute {
  readonly id: string;
  readonly object: 'dispute';
  readonly amount: number;
  readonly currency: string;
  readonly payment_intent: string;
  readonly reason: string;
  readonly status: 'needs_response';
  readonly created: number;
  /** The disputed payment's metadata (payment_id, tenant_id). */
  readonly metadata: Metadata;
}

export type MandateStatus = 'pending' | 'active' | 'failed' | 'cancelled';

export interface Mandate {
  readonly id: string;
  readonly object: 'mandate';
  status: MandateStatus;
  collection_day: number;
  /** Only the last four characters of the IBAN are kept. */
  bank_account_last4: string | null;
  failure_reason: string | null;
  cancellation_reason: 'debtor_request' | 'bank_cancelled' | null;
  readonly return_url: string;
  readonly setup_url: string;
  readonly created: number;
  readonly metadata: Metadata;
}

export type CollectionStatus = 'pending_submission' | 'succeeded' | 'failed' | 'returned';

export interface Collection {
  readonly id: string;
  readonly object: 'collection';
  readonly mandate: string;
  readonly amount: number;
  readonly currency: string;
  readonly charge_date: string;
  status: CollectionStatus;
  failure_reason: string | null;
  readonly created: number;
  readonly metadata: Metadata;
}

export type PspEventType =
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'refund.succeeded'
  | 'refund.failed'
  | 'charge.dispute.created'
  | 'mandate.active'
  | 'mandate.failed'
  | 'mandate.cancelled'
  | 'collection.succeeded'
  | 'collection.failed'
  | 'collection.returned';

/** An event to be sent: its type and a snapshot of the object it is about. */
export interface PspEventDraft {
  readonly type: PspEventType;
  readonly object: Readonly<Record<string, unknown>>;
}

/** A refusal, as the API answers it: `{ error: { code, message, param? } }` with `status`. */
export interface PspFailure {
  readonly status: 400 | 404;
  readonly code: string;
  readonly message: string;
  readonly param?: string;
}

export type PspResult<T> =
  | { readonly ok: true; readonly value: T; readonly events: readonly PspEventDraft[] }
  | { readonly ok: false; readonly failure: PspFailure };

export function succeeded<T>(value: T, events: readonly PspEventDraft[] = []): PspResult<T> {
  return { ok: true, value, events };
}

export function refused<T>(
  status: PspFailure['status'],
  code: string,
  message: string,
  param?: string,
): PspResult<T> {
  return { ok: false, failure: { status, code, message, ...(param ? { param } : {}) } };
}
