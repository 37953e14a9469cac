import type { FailedSendOutcome } from './provider-types';

/**
 * Pure mapping from what an SDK call threw to a `SendOutcome`. The question is always: could the
 * provider have taken the message? Only a definite refusal is retryable or rejected.
 */

/** Twilio error code: the recipient replied STOP (opted out). */
export const TWILIO_OPTED_OUT = 21610;
/** Twilio error code: too many requests. */
export const TWILIO_TOO_MANY_REQUESTS = 20429;

/** Network failures raised before anything reached the provider: resending cannot duplicate. */
const NOTHING_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export type HeaderBag = Record<string, unknown> | { get(name: string): unknown } | undefined;

export interface ClassificationContext {
  /** Response headers, when the failure was an HTTP answer (for Retry-After). */
  headers?: HeaderBag;
  /** Unix ms, for Retry-After dates and X-RateLimit-Reset. */
  nowMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** One header from a plain object (any case) or axios' AxiosHeaders. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const bag: unknown = headers;
  if (!isRecord(bag)) return undefined;
  const lower = name.toLowerCase();
  let value: unknown;
  const get = bag['get'];
  if (typeof get === 'function') {
    value = (get as (this: unknown, key: string) => unknown).call(bag, lower);
  } else {
    const key = Object.keys(bag).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : bag[key];
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `Retry-After`: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP date names its weekday and month; Date.parse alone would read '-3' as a year.
  const at = /[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Retry-After, else SendGrid's `X-RateLimit-Reset` (Unix seconds). */
function retryAfterFrom(headers: HeaderBag, nowMs: number): number | undefined {
  const retryAfter = parseRetryAfterMs(headerValue(headers, 'retry-after'), nowMs);
  if (retryAfter !== undefined) return retryAfter;
  const reset = headerValue(headers, 'x-ratelimit-reset');
  if (reset === undefined || !/^\d+$/.test(reset)) return undefined;
  return Math.max(0, Number(reset) * 1000 - nowMs);
}

function retryable(code: string, retryAfterMs: number | undefined): FailedSendOutcome {
  return retryAfterMs === undefined
    ? { kind: 'retryable', code }
    : { kind: 'retryable', code, retryAfterMs };
}

/** A failure with no HTTP answer: only a refused connection or failed DNS is known to have sent nothing. */
export function classifyNetworkFailure(error: unknown): FailedSendOutcome {
  const code = isRecord(error) && typeof error['code'] === 'string' ? error['code'] : undefined;
  if (code && NOTHING_SENT_CODES.has(code)) return { kind: 'retryable', code };
  // Timeouts (ECONNABORTED, ETIMEDOUT), resets and hang-ups happen after the request may have arrived.
  return { kind: 'ambiguous', code: code ?? 'unknown' };
}

/**
 * What `twilio` threw: a RestException (`status`, Twilio `code`) or a network error from axios.
 * 429/20429 retryable; 5xx ambiguous (Twilio may have queued it); 401 retryable (our credentials,
 * not the message); other 4xx rejected, 21610 as opted out.
 */
export function classifyTwilioFailure(
  error: unknown,
  context: ClassificationContext,
): FailedSendOutcome {
  const status =
    isRecord(error) && typeof error['status'] === 'number' ? error['status'] : undefined;
  if (status === undefined) return classifyNetworkFailure(error);
  const twilioCode =
    isRecord(error) && typeof error['code'] === 'number' ? error['code'] : undefined;
  const code = String(twilioCode ?? `http-${status}`);
  if (status === 429 || twilioCode === TWILIO_TOO_MANY_REQUESTS) {
    return retryable(code, retryAfterFrom(context.headers, context.nowMs));
  }
  if (status >= 500) return { kind: 'ambiguous', code };
  if (status === 401) return { kind: 'retryable', code };
  if (status >= 400) return { kind: 'rejected', code, optedOut: twilioCode === TWILIO_OPTED_OUT };
  return { kind: 'ambiguous', code };
}

/**
 * What `@sendgrid/mail` threw: a ResponseError (`code` = HTTP status, `response.headers`) or a
 * network error. SendGrid answers 202 only once it has the mail: 429 and 5xx are retryable, 401
 * retryable (credentials), other 4xx rejected (SendGrid has no opt-out refusal; it drops later).
 */
export function classifySendGridFailure(
  error: unknown,
  context: ClassificationContext,
): FailedSendOutcome {
  const response = isRecord(error) && isRecord(error['response']) ? error['response'] : undefined;
  const status =
    response && isRecord(error) && typeof error['code'] === 'number' ? error['code'] : undefined;
  if (status === undefined) return classifyNetworkFailure(error);
  const code = String(status);
  const headers = context.headers ?? (response?.['headers'] as HeaderBag);
  if (status === 429 || status >= 500)
    return retryable(code, retryAfterFrom(headers, context.nowMs));
  if (status === 401) return { kind: 'retryable', code };
  if (status >= 400) return { kind: 'rejected', code, optedOut: false };
  return { kind: 'ambiguous', code };
}
