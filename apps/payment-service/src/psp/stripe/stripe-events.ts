import { type PspEvent, WebhookVerificationError } from '../psp-port';

/**
 * Stripe events, in the service's words. The webhook endpoint in the Stripe dashboard should send
 * exactly these types (anything else is acknowledged as `ignored`):
 *
 * - `payment_intent.succeeded` / `payment_intent.payment_failed`: the PaymentIntent carries
 *   `metadata.payment_id` because createCheckout sets it through `payment_intent_data.metadata`.
 *   `checkout.session.completed` is not used: for cards it says the same thing a second time.
 * - `refund.created` and `refund.updated`: both carry the Refund itself (id, amount,
 *   `metadata.refund_id`, status). A refund is reported when it is created already settled
 *   (card refunds usually are) and when an update changes its status (`previous_attributes.status`
 *   present), so an update of other fields does not report it again. `charge.refunded` is not
 *   used: it carries the Charge, with a cumulative `amount_refunded` and no refund id.
 *   `refund.failed` and the legacy `charge.refund.updated` are not used either: `refund.updated`
 *   reports the same change. The service should still apply refund outcomes idempotently per
 *   `pspRefundId`, as Stripe does not promise one event per change.
 * - `charge.dispute.created`: the Dispute names its PaymentIntent but carries no metadata of ours,
 *   so the service finds the payment by `pspPaymentId` (the `pi_…` it learnt from
 *   `payment.succeeded`).
 *
 * Events about payments Clement did not start (no `metadata.payment_id`, e.g. made in the Stripe
 * dashboard) are `ignored`.
 */
export function toPspEvent(event: unknown): PspEvent {
  const envelope = readEnvelope(event);
  const { eventId, occurredAt, type, object } = envelope;
  const ignored: PspEvent = { kind: 'ignored', eventId, occurredAt, type };

  switch (type) {
    case 'payment_intent.succeeded': {
      const paymentId = metadataValue(object, 'payment_id');
      if (paymentId === undefined) return ignored;
      // amount_received is what was actually captured; it equals amount for a full card payment.
      const received = optionalInteger(object, 'amount_received');
      return {
        kind: 'payment.succeeded',
        eventId,
        occurredAt,
        pspPaymentId: requiredString(object, 'id'),
        paymentId,
        amountMinor:
          received !== undefined && received > 0 ? received : requiredInteger(object, 'amount'),
        currency: currencyOf(object),
      };
    }
    case 'payment_intent.payment_failed': {
      const paymentId = metadataValue(object, 'payment_id');
      if (paymentId === undefined) return ignored;
      return {
        kind: 'payment.failed',
        eventId,
        occurredAt,
        pspPaymentId: requiredString(object, 'id'),
        paymentId,
        reason: failureReason(object.last_payment_error),
      };
    }
    case 'refund.created':
    case 'refund.updated': {
      if (type === 'refund.updated' && !statusChanged(envelope.previousAttributes)) return ignored;
      const kind = refundOutcome(requiredString(object, 'status'));
      const pspPaymentId = idOf(object.payment_intent);
      // Refunds of charges made without a PaymentIntent are not Clement's.
      if (kind === undefined || pspPaymentId === undefined) return ignored;
      return {
        kind,
        eventId,
        occurredAt,
        pspRefundId: requiredString(object, 'id'),
        pspPaymentId,
        refundId: metadataValue(object, 'refund_id'),
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
      };
    }
    case 'charge.dispute.created': {
      const pspPaymentId = idOf(object.payment_intent);
      if (pspPaymentId === undefined) return ignored;
      return {
        kind: 'chargeback.created',
        eventId,
        occurredAt,
        pspChargebackId: requiredString(object, 'id'),
        pspPaymentId,
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
        reason: optionalString(object, 'reason') ?? 'unknown',
      };
    }
    default:
      return ignored;
  }
}

type JsonObject = Record<string, unknown>;

interface Envelope {
  eventId: string;
  occurredAt: Date;
  type: string;
  object: JsonObject;
  previousAttributes: JsonObject | undefined;
}

function readEnvelope(event: unknown): Envelope {
  if (!isObject(event) || event.object !== 'event')
    throw malformed('the body is not a Stripe event');
  const data = event.data;
  if (!isObject(data) || !isObject(data.object)) throw malformed('the event has no data.object');
  const created = requiredInteger(event, 'created');
  return {
    eventId: requiredString(event, 'id'),
    occurredAt: new Date(created * 1000),
    type: requiredString(event, 'type'),
    object: data.object,
    previousAttributes: isObject(data.previous_attributes) ? data.previous_attributes : undefined,
  };
}

/** Stripe's `decline_code` is the most specific reason; else its error `code`. */
function failureReason(lastPaymentError: unknown): string {
  if (!isObject(lastPaymentError)) return 'unknown';
  const declineCode = optionalString(lastPaymentError, 'decline_code');
  if (declineCode !== undefined && declineCode !== 'generic_decline') return declineCode;
  const code = optionalString(lastPaymentError, 'code');
  // Stripe's name for a failed 3-D Secure challenge; the service's vocabulary (and the sandbox's).
  if (code === 'payment_intent_authentication_failure') return 'authentication_failed';
  return code ?? declineCode ?? 'unknown';
}

function refundOutcome(status: string): 'refund.succeeded' | 'refund.failed' | undefined {
  if (status === 'succeeded') return 'refund.succeeded';
  if (status === 'failed' || status === 'canceled') return 'refund.failed';
  // pending, requires_action: the outcome comes with a later refund.updated.
  return undefined;
}

function statusChanged(previousAttributes: JsonObject | undefined): boolean {
  return previousAttributes !== undefined && 'status' in previousAttributes;
}

/** Stripe sends lower-case ISO 4217 codes; the service uses upper case. */
function currencyOf(object: JsonObject): string {
  return requiredString(object, 'currency').toUpperCase();
}

/** An expandable field: an id, or the expanded object with its id. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (isObject(value) && typeof value.id === 'string') return value.id;
  return undefined;
}

function metadataValue(object: JsonObject, key: string): string | undefined {
  const metadata = object.metadata;
  if (!isObject(metadata)) return undefined;
  const value = metadata[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function requiredString(object: JsonObject, key: string): string {
  const value = optionalString(object, key);
  if (value === undefined) throw malformed(`'${key}' is missing or not a string`);
  return value;
}

function optionalString(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function requiredInteger(object: JsonObject, key: string): number {
  const value = optionalInteger(object, key);
  if (value === undefined) throw malformed(`'${key}' is missing or not an integer`);
  return value;
}

function optionalInteger(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return Number.isSafeInteger(value) ? (value as number) : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(detail: string): WebhookVerificationError {
  return new WebhookVerificationError('malformed', `stripe webhook: ${detail}`);
}
