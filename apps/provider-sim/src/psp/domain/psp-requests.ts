import { type Metadata, type PspResult, refused, succeeded } from './psp-objects';

/** Validated request bodies of the sandbox PSP API; the first problem is reported, with its `param`. */

export interface CreateIntentInput {
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
  readonly returnUrl: string;
  readonly metadata: Metadata;
}

export interface CreateRefundInput {
  readonly paymentIntent: string;
  /** Unset: whatever is still unrefunded. */
  readonly amount?: number;
  readonly metadata: Metadata;
}

export interface CreateMandateInput {
  readonly collectionDay: number;
  readonly returnUrl: string;
  readonly metadata: Metadata;
}

export interface CreateCollectionInput {
  readonly mandate: string;
  readonly amount: number;
  readonly currency: string;
  readonly chargeDate: string;
  readonly metadata: Metadata;
}

export interface DisputeInput {
  readonly reason: string;
  readonly amount?: number;
}

export type CollectionOutcome = 'succeed' | 'fail' | 'return';

export interface NextCollectionInput {
  readonly outcome: CollectionOutcome;
  readonly reason?: string;
}

type Body = Readonly<Record<string, unknown>>;

class Invalid extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(read: () => T): PspResult<T> {
  try {
    return succeeded(read());
  } catch (error: unknown) {
    if (error instanceof Invalid) {
      return refused(400, 'parameter_invalid', error.message, error.param);
    }
    throw error;
  }
}

function text(body: Body, param: string): string {
  const value = body[param];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Invalid(param, `${param}: a non-empty string is required`);
  }
  return value;
}

function optionalText(body: Body, param: string): string | undefined {
  return body[param] === undefined ? undefined : text(body, param);
}

/** Integer minor units, 1 up to the largest safe integer. Forms send numbers as text. */
function amount(body: Body, param: string): number {
  const raw = body[param];
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new Invalid(param, `${param}: a positive integer in minor units is required`);
  }
  return value;
}

function optionalAmount(body: Body, param: string): number | undefined {
  return body[param] === undefined ? undefined : amount(body, param);
}

function currency(body: Body): string {
  const value = body['currency'];
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) {
    throw new Invalid('currency', 'currency: a three-letter ISO 4217 code is required');
  }
  return value;
}

function httpUrl(body: Body, param: string): string {
  const value = text(body, param);
  try {
    const { protocol } = new URL(value);
    if (protocol === 'http:' || protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new Invalid(param, `${param}: an http(s) URL is required`);
}

function collectionDay(body: Body): number {
  const raw = body['collection_day'];
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 28) {
    throw new Invalid('collection_day', 'collection_day: an integer from 1 to 28 is required');
  }
  return value;
}

function chargeDate(body: Body): string {
  const value = body['charge_date'];
  const valid =
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid) throw new Invalid('charge_date', 'charge_date: a date YYYY-MM-DD is required');
  return value;
}

const MAX_METADATA_KEYS = 50;

function metadata(body: Body): Metadata {
  const value = body['metadata'];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Invalid('metadata', 'metadata: an object of strings is required');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_METADATA_KEYS || entries.some(([, item]) => typeof item !== 'string')) {
    throw new Invalid('metadata', `metadata: at most ${MAX_METADATA_KEYS} string values`);
  }
  return Object.fromEntries(entries) as Metadata;
}

export function parseCreateIntent(body: Body): PspResult<CreateIntentInput> {
  return parse(() => ({
    amount: amount(body, 'amount'),
    currency: currency(body),
    description: text(body, 'description'),
    returnUrl: httpUrl(body, 'return_url'),
    metadata: metadata(body),
  }));
}

export function parseCreateRefund(body: Body): PspResult<CreateRefundInput> {
  return parse(() => {
    const refundAmount = optionalAmount(body, 'amount');
    return {
      paymentIntent: text(body, 'payment_intent'),
      ...(refundAmount === undefined ? {} : { amount: refundAmount }),
      metadata: metadata(body),
    };
  });
}

export function parseCreateMandate(body: Body): PspResult<CreateMandateInput> {
  return parse(() => ({
    collectionDay: collectionDay(body),
    returnUrl: httpUrl(body, 'return_url'),
    metadata: metadata(body),
  }));
}

export function parseUpdateMandate(body: Body): PspResult<{ collectionDay: number }> {
  return parse(() => ({ collectionDay: collectionDay(body) }));
}

export function parseCreateCollection(body: Body): PspResult<CreateCollectionInput> {
  return parse(() => ({
    mandate: text(body, 'mandate'),
    amount: amount(body, 'amount'),
    currency: currency(body),
    chargeDate: chargeDate(body),
    metadata: metadata(body),
  }));
}

export function parseDispute(body: Body): PspResult<DisputeInput> {
  return parse(() => {
    const disputed = optionalAmount(body, 'amount');
    return {
      reason: optionalText(body, 'reason') ?? 'fraudulent',
      ...(disputed === undefined ? {} : { amount: disputed }),
    };
  });
}

export function parseNextCollection(body: Body): PspResult<NextCollectionInput> {
  return parse(() => {
    const outcome = body['outcome'];
    if (outcome !== 'succeed' && outcome !== 'fail' && outcome !== 'return') {
      throw new Invalid('outcome', 'outcome: one of succeed, fail, return is required');
    }
    const reason = optionalText(body, 'reason');
    return { outcome, ...(reason === undefined ? {} : { reason }) };
  });
}

export type ThreeDsResult = 'approve' | 'deny';

export function parseThreeDsResult(value: unknown, param: string): PspResult<ThreeDsResult> {
  return value === 'approve' || value === 'deny'
    ? succeeded(value)
    : refused(400, 'parameter_invalid', `${param}: approve or deny is required`, param);
}

const MAX_REDELIVERIES = 20;

export function parseRedeliverTimes(body: Body): PspResult<number> {
  const times = body['times'] ?? 1;
  return typeof times === 'number' &&
    Number.isInteger(times) &&
    times >= 1 &&
    times <= MAX_REDELIVERIES
    ? succeeded(times)
    : refused(
        400,
        'parameter_invalid',
        `times: an integer from 1 to ${MAX_REDELIVERIES} is required`,
        'times',
      );
}
