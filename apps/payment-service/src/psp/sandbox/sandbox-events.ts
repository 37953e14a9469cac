import { type PspEvent, WebhookVerificationError } from '../psp-port';

/**
 * Sandbox PSP events in the service's words. The body is trusted (its signature was checked);
 * a known type without the fields the service needs is `malformed`, an unknown type `ignored`.
 *
 * - `payment_intent.succeeded` / `.payment_failed`: the intent, `metadata.payment_id`, and for a
 *   failure `last_payment_error.code` (card_declined, insufficient_funds, authentication_failed).
 * - `refund.succeeded` / `.failed`: the refund with its `payment_intent` and `metadata.refund_id`.
 * - `charge.dispute.created`: the dispute (`dp_…`) with its `payment_intent`, amount and reason.
 * - `mandate.active` / `.failed` / `.cancelled`: `metadata.mandate_id`; the reason is
 *   `cancellation_reason` (debtor_request, bank_cancelled) or `failure_reason` (invalid_account).
 * - `collection.succeeded` / `.failed` / `.returned`: `metadata.payment_id`, and `failure_reason`
 *   for the last two.
 */
export function toSandboxPspEvent(event: unknown): PspEvent {
  if (!isObject(event) || event['object'] !== 'event') throw malformed('the body is not an event');
  const data = event['data'];
  if (!isObject(data) || !isObject(data['object'])) throw malformed('the event has no data.object');
  const object = data['object'];
  const eventId = requiredString(event, 'id');
  const occurredAt = new Date(requiredInteger(event, 'created') * 1000);
  const type = requiredString(event, 'type');
  const base = { eventId, occurredAt };

  switch (type) {
    case 'payment_intent.succeeded':
      return {
        kind: 'payment.succeeded',
        ...base,
        pspPaymentId: requiredString(object, 'id'),
        paymentId: requiredMetadata(object, 'payment_id'),
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
      };
    case 'payment_intent.payment_failed': {
      const error = object['last_payment_error'];
      if (!isObject(error)) throw malformed("'last_payment_error' is missing");
      return {
        kind: 'payment.failed',
        ...base,
        pspPaymentId: requiredString(object, 'id'),
        paymentId: requiredMetadata(object, 'payment_id'),
        reason: requiredString(error, 'code'),
      };
    }
    case 'refund.succeeded':
    case 'refund.failed': {
      const refundId = optionalMetadata(object, 'refund_id');
      return {
        kind: type,
        ...base,
        pspRefundId: requiredString(object, 'id'),
        pspPaymentId: requiredString(object, 'payment_intent'),
        ...(refundId === undefined ? {} : { refundId }),
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
      };
    }
    case 'charge.dispute.created':
      return {
        kind: 'chargeback.created',
        ...base,
        pspChargebackId: requiredString(object, 'id'),
        pspPaymentId: requiredString(object, 'payment_intent'),
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
        reason: requiredString(object, 'reason'),
      };
    case 'mandate.active':
      return {
        kind: 'mandate.active',
        ...base,
        pspMandateId: requiredString(object, 'id'),
        mandateId: requiredMetadata(object, 'mandate_id'),
      };
    case 'mandate.failed':
    case 'mandate.cancelled': {
      const reason =
        optionalString(object, 'cancellation_reason') ?? optionalString(object, 'failure_reason');
      return {
        kind: type,
        ...base,
        pspMandateId: requiredString(object, 'id'),
        mandateId: requiredMetadata(object, 'mandate_id'),
        ...(reason === undefined ? {} : { reason }),
      };
    }
    case 'collection.succeeded':
      return {
        kind: 'collection.succeeded',
        ...base,
        pspCollectionId: requiredString(object, 'id'),
        paymentId: requiredMetadata(object, 'payment_id'),
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
      };
    case 'collection.failed':
    case 'collection.returned':
      return {
        kind: type,
        ...base,
        pspCollectionId: requiredString(object, 'id'),
        paymentId: requiredMetadata(object, 'payment_id'),
        amountMinor: requiredInteger(object, 'amount'),
        currency: currencyOf(object),
        reason: requiredString(object, 'failure_reason'),
      };
    default:
      return { kind: 'ignored', ...base, type };
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(detail: string): WebhookVerificationError {
  return new WebhookVerificationError('malformed', `sandbox webhook: ${detail}`);
}

function optionalString(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function requiredString(object: JsonObject, key: string): string {
  const value = optionalString(object, key);
  if (value === undefined) throw malformed(`'${key}' is missing or not a string`);
  return value;
}

function requiredInteger(object: JsonObject, key: string): number {
  const value = object[key];
  if (!Number.isSafeInteger(value)) throw malformed(`'${key}' is missing or not an integer`);
  return value as number;
}

function optionalMetadata(object: JsonObject, key: string): string | undefined {
  const metadata = object['metadata'];
  return isObject(metadata) ? optionalString(metadata, key) : undefined;
}

function requiredMetadata(object: JsonObject, key: string): string {
  const value = optionalMetadata(object, key);
  if (value === undefined) throw malformed(`'metadata.${key}' is missing`);
  return value;
}

/** The service uses upper-case ISO 4217 codes. */
function currencyOf(object: JsonObject): string {
  const currency = requiredString(object, 'currency');
  if (!/^[A-Za-z]{3}$/.test(currency)) throw malformed("'currency' is not an ISO 4217 code");
  return currency.toUpperCase();
}
