import { InvalidWebhookPayloadError } from './invalid-webhook-payload.error';

export const SENDGRID_EVENT_TYPES = [
  'processed',
  'deferred',
  'delivered',
  'open',
  'click',
  'bounce',
  'dropped',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
] as const;

export type SendGridEventType = (typeof SENDGRID_EVENT_TYPES)[number];

/** One Event Webhook event. `email` is personal data. */
export interface SendGridEvent {
  /** Unique per event: the sink's dedupe key (SendGrid redelivers batches). */
  readonly sgEventId: string;
  /** `<X-Message-Id>.<filter>…`; SendGrid omits it on some events (e.g. some async bounces). */
  readonly sgMessageId?: string;
  readonly event: SendGridEventType;
  readonly timestamp: Date;
  readonly email: string;
  /** Custom args dispatch sends with every email (`dispatch_id`, `tenant_id`). */
  readonly dispatchId?: string;
  readonly tenantId?: string;
}

export interface ParsedSendGridEvents {
  readonly events: SendGridEvent[];
  /** Event types this code does not know (SendGrid adds some now and then), skipped. */
  readonly skippedTypes: string[];
}

const TYPES: ReadonlySet<string> = new Set(SENDGRID_EVENT_TYPES);

/**
 * Validates a parsed Event Webhook body. A malformed event fails the whole batch (the batch is
 * signed as one); an event of an unknown type is skipped, so a new SendGrid event type does not
 * make SendGrid retry the batch for three days.
 */
export function sendgridEventsOf(body: unknown): ParsedSendGridEvents {
  if (!Array.isArray(body)) {
    throw new InvalidWebhookPayloadError('the body must be a JSON array of events');
  }
  const events: SendGridEvent[] = [];
  const skippedTypes: string[] = [];
  body.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new InvalidWebhookPayloadError(`event ${index} is not an object`);
    }
    const fields = item as Record<string, unknown>;
    const event = nonEmptyString(fields, 'event', index);
    const sgEventId = nonEmptyString(fields, 'sg_event_id', index);
    const email = nonEmptyString(fields, 'email', index);
    const {
      timestamp,
      sg_message_id: sgMessageId,
      dispatch_id: dispatchId,
      tenant_id: tenantId,
    } = fields;
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new InvalidWebhookPayloadError(`event ${index}: timestamp must be Unix seconds`);
    }
    if (sgMessageId !== undefined && (typeof sgMessageId !== 'string' || sgMessageId === '')) {
      throw new InvalidWebhookPayloadError(`event ${index}: sg_message_id must be a string`);
    }
    if (!TYPES.has(event)) {
      skippedTypes.push(event);
      return;
    }
    events.push({
      sgEventId,
      ...(sgMessageId === undefined ? {} : { sgMessageId }),
      event: event as SendGridEventType,
      timestamp: new Date(timestamp * 1000),
      email,
      ...(typeof dispatchId === 'string' && dispatchId !== '' ? { dispatchId } : {}),
      ...(typeof tenantId === 'string' && tenantId !== '' ? { tenantId } : {}),
    });
  });
  return { events, skippedTypes };
}

function nonEmptyString(fields: Record<string, unknown>, name: string, index: number): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidWebhookPayloadError(`event ${index}: ${name} is missing or not a string`);
  }
  return value;
}
