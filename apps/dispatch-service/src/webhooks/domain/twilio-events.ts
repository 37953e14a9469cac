import { InvalidWebhookPayloadError } from './invalid-webhook-payload.error';

/** Form parameters as posted, a repeated name giving every value in order. */
export type FormParams = Readonly<Record<string, string | readonly string[]>>;

export const TWILIO_MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'canceled',
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'read',
  'partially_delivered',
] as const;

export type TwilioMessageStatus = (typeof TWILIO_MESSAGE_STATUSES)[number];

export type TwilioChannel = 'sms' | 'whatsapp';

/** A status callback (`StatusCallback` of a sent message). */
export interface TwilioStatusEvent {
  readonly accountSid: string;
  readonly messageSid: string;
  readonly messageStatus: TwilioMessageStatus;
  /** Twilio's error code on `failed` / `undelivered` (e.g. 30003, 63016). */
  readonly errorCode?: number;
  /**
   * The message this reports on, from the StatusCallback URL dispatch gave (`?t=<tenant>&d=<id>`,
   * covered by the signature): a callback can arrive before the send's answer is recorded.
   */
  readonly dispatchRef?: DispatchRef;
}

export interface DispatchRef {
  readonly tenantId: string;
  readonly dispatchId: string;
}

const REF_TENANT = /^[a-z0-9][a-z0-9-]{1,62}$/;
const REF_DISPATCH = /^[A-Za-z0-9._:-]{1,64}$/;

/** The `t` and `d` query parameters of a status callback URL, when both are well-formed. */
export function dispatchRefOf(originalUrl: string): DispatchRef | undefined {
  const query = new URL(originalUrl, 'http://callback.invalid').searchParams;
  const tenantId = query.get('t');
  const dispatchId = query.get('d');
  return tenantId && dispatchId && REF_TENANT.test(tenantId) && REF_DISPATCH.test(dispatchId)
    ? { tenantId, dispatchId }
    : undefined;
}

/** The StatusCallback URL for a message: the webhook route plus the message's reference. */
export function statusCallbackUrl(publicBaseUrl: string, ref: DispatchRef): string {
  const query = new URLSearchParams({ t: ref.tenantId, d: ref.dispatchId });
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/twilio/status?${query.toString()}`;
}

/** A message a debtor sent to one of our numbers. `from`, `to` and `body` are personal data. */
export interface TwilioInboundEvent {
  readonly accountSid: string;
  readonly messageSid: string;
  readonly channel: TwilioChannel;
  /** As Twilio sends it, `whatsapp:` prefix included. */
  readonly from: string;
  readonly to: string;
  readonly body: string;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const ERROR_CODE = /^\d{1,6}$/;
const STATUSES: ReadonlySet<string> = new Set(TWILIO_MESSAGE_STATUSES);

export function twilioStatusEventOf(params: FormParams): TwilioStatusEvent {
  const messageStatus = single(params, 'MessageStatus') ?? single(params, 'SmsStatus');
  if (messageStatus === undefined || !STATUSES.has(messageStatus)) {
    throw new InvalidWebhookPayloadError('MessageStatus is missing or not a Twilio message status');
  }
  const errorCode = single(params, 'ErrorCode');
  if (errorCode !== undefined && errorCode !== '' && !ERROR_CODE.test(errorCode)) {
    throw new InvalidWebhookPayloadError('ErrorCode must be a number');
  }
  return {
    accountSid: required(params, 'AccountSid', ACCOUNT_SID),
    messageSid: messageSidOf(params),
    messageStatus: messageStatus as TwilioMessageStatus,
    ...(errorCode ? { errorCode: Number(errorCode) } : {}),
  };
}

export function twilioInboundEventOf(params: FormParams): TwilioInboundEvent {
  const from = required(params, 'From');
  const to = required(params, 'To');
  return {
    accountSid: required(params, 'AccountSid', ACCOUNT_SID),
    messageSid: messageSidOf(params),
    channel: from.startsWith('whatsapp:') ? 'whatsapp' : 'sms',
    from,
    to,
    // An empty body is legal (a media-only message).
    body: single(params, 'Body') ?? '',
  };
}

function messageSidOf(params: FormParams): string {
  const sid = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  if (sid === undefined || !MESSAGE_SID.test(sid)) {
    throw new InvalidWebhookPayloadError('MessageSid is missing or malformed');
  }
  return sid;
}

/** Messages name the parameter, never its value (it may be a phone number). */
function required(params: FormParams, name: string, pattern?: RegExp): string {
  const value = single(params, name);
  if (value === undefined || value === '' || (pattern && !pattern.test(value))) {
    throw new InvalidWebhookPayloadError(`${name} is missing or malformed`);
  }
  return value;
}

function single(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InvalidWebhookPayloadError(`${name} is repeated`);
  }
  return value;
}

/** Parses an `application/x-www-form-urlencoded` body exactly as sent (no nested-object magic). */
export function parseFormBody(body: string): FormParams {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = params[name];
    if (previous === undefined) {
      params[name] = value;
    } else if (typeof previous === 'string') {
      params[name] = [previous, value];
    } else {
      previous.push(value);
    }
  }
  return params;
}
