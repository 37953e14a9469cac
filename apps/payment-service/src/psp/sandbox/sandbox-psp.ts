import {
  type Checkout,
  type CheckoutRequest,
  type Collection,
  type CollectionRequest,
  type DirectDebitProvider,
  type MandateSetup,
  type MandateSetupRequest,
  type PaymentServiceProvider,
  PspError,
  type PspEvent,
  type Refund,
  type RefundRequest,
  WebhookVerificationError,
} from '../psp-port';
import { toSandboxPspEvent } from './sandbox-events';
import {
  matchesAnySecret,
  parseSignatureHeader,
  SANDBOX_SIGNATURE_HEADER,
} from './sandbox-signature';

export interface SandboxPspOptions {
  /** The sandbox PSP's origin, e.g. provider-sim's `http://127.0.0.1:3900` (the API is under /psp/v1). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (provider-sim's PSP_SECRET_KEY). */
  secretKey: string;
  /** Webhook signing secrets; two while one is being rotated. */
  webhookSecrets: readonly string[];
  /** A webhook signed further than this from `now` is stale. Default 300 s. */
  toleranceSeconds?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const DEFAULT_TIMEOUT_MS = 10_000;

type JsonObject = Record<string, unknown>;

/**
 * Cards (hosted payment page, 3-D Secure) and SEPA-style direct debit through the sandbox PSP that
 * provider-sim serves, over plain HTTP (`fetch`). Every POST carries the caller's idempotency key.
 */
export class SandboxPsp implements PaymentServiceProvider, DirectDebitProvider {
  readonly name = 'sandbox' as const;
  private readonly apiUrl: string;
  private readonly secretKey: string;
  private readonly webhookSecrets: readonly string[];
  private readonly toleranceSeconds: number;
  private readonly timeoutMs: number;

  constructor(options: SandboxPspOptions) {
    if (options.webhookSecrets.length === 0) {
      throw new Error('SandboxPsp needs at least one webhook signing secret');
    }
    this.apiUrl = `${options.baseUrl.replace(/\/+$/, '')}/psp/v1`;
    this.secretKey = options.secretKey;
    this.webhookSecrets = options.webhookSecrets;
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const intent = await this.post(
      '/payment_intents',
      {
        amount: request.amountMinor,
        currency: request.currency,
        description: request.description,
        return_url: request.returnUrl,
        metadata: { payment_id: request.paymentId, tenant_id: request.tenantId },
      },
      request.idempotencyKey,
    );
    return {
      pspPaymentId: answerString(intent, 'id'),
      redirectUrl: answerString(intent, 'hosted_url'),
    };
  }

  /** Refunds in the payment's own currency (the sandbox takes none on a refund). */
  async refund(request: RefundRequest): Promise<Refund> {
    const refund = await this.post(
      '/refunds',
      {
        payment_intent: request.pspPaymentId,
        amount: request.amountMinor,
        metadata: { refund_id: request.refundId },
      },
      request.idempotencyKey,
    );
    const status = answerString(refund, 'status');
    return {
      pspRefundId: answerString(refund, 'id'),
      status: status === 'succeeded' || status === 'failed' ? status : 'pending',
    };
  }

  async setUpMandate(request: MandateSetupRequest): Promise<MandateSetup> {
    const mandate = await this.post(
      '/mandates',
      {
        collection_day: request.collectionDay,
        return_url: request.returnUrl,
        metadata: { mandate_id: request.mandateId, tenant_id: request.tenantId },
      },
      request.idempotencyKey,
    );
    return {
      pspMandateId: answerString(mandate, 'id'),
      setupUrl: answerString(mandate, 'setup_url'),
    };
  }

  async changeCollectionDay(
    pspMandateId: string,
    collectionDay: number,
    idempotencyKey: string,
  ): Promise<void> {
    await this.post(
      `/mandates/${encodeURIComponent(pspMandateId)}`,
      { collection_day: collectionDay },
      idempotencyKey,
    );
  }

  /** Cancelling a mandate that is already cancelled succeeds and changes nothing. */
  async cancelMandate(pspMandateId: string, idempotencyKey: string): Promise<void> {
    await this.post(`/mandates/${encodeURIComponent(pspMandateId)}/cancel`, {}, idempotencyKey);
  }

  async createCollection(request: CollectionRequest): Promise<Collection> {
    const collection = await this.post(
      '/collections',
      {
        mandate: request.pspMandateId,
        amount: request.amountMinor,
        currency: request.currency,
        charge_date: request.chargeDate,
        metadata: { payment_id: request.paymentId, tenant_id: request.tenantId },
      },
      request.idempotencyKey,
    );
    return { pspCollectionId: answerString(collection, 'id') };
  }

  /**
   * `Psp-Signature: t=<unix s>,v1=<hex>[,v1=…]`, HMAC-SHA256 over "<t>.<raw body>": any v1 that
   * matches any configured secret passes. The signature is checked before the timestamp, so a
   * forged header is reported as bad_signature however old it claims to be.
   */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PspEvent {
    const header = parseSignatureHeader(headerValue(headers, SANDBOX_SIGNATURE_HEADER));
    if (!matchesAnySecret(header, this.webhookSecrets, rawBody)) {
      throw new WebhookVerificationError(
        'bad_signature',
        'sandbox webhook: no signature matches a configured secret',
      );
    }
    const skewSeconds = Math.abs(Math.floor(now.getTime() / 1000) - header.timestamp);
    if (skewSeconds > this.toleranceSeconds) {
      throw new WebhookVerificationError(
        'stale',
        `sandbox webhook: signed ${skewSeconds}s away from now (tolerance ${this.toleranceSeconds}s)`,
      );
    }
    let event: unknown;
    try {
      event = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new WebhookVerificationError('malformed', 'sandbox webhook: the body is not JSON');
    }
    return toSandboxPspEvent(event);
  }

  private async post(path: string, body: JsonObject, idempotencyKey: string): Promise<JsonObject> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${this.secretKey}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // Network error or timeout: the PSP may or may not have acted; retry with the same key.
      throw new PspError('unavailable', `sandbox PSP: POST ${path} failed: ${errorMessage(error)}`);
    }
    const text = await readText(response, path);
    if (response.ok) {
      const answer = parseJson(text);
      if (answer === undefined) {
        throw new PspError(
          'unavailable',
          `sandbox PSP: POST ${path} answered ${response.status} without a JSON object`,
        );
      }
      return answer;
    }
    throw toPspError(response.status, parseJson(text), path);
  }
}

/**
 * The sandbox's answers as the service acts on them: 5xx is `unavailable`, and so are 401/403 (our
 * key is wrong: configuration, not the payment's fault; the request may succeed once it is fixed),
 * 409 and 429, as in StripePsp. Every other 4xx is `rejected`, with the PSP's error code.
 */
export function toPspError(status: number, body: JsonObject | undefined, path: string): PspError {
  const error = body?.['error'];
  const code =
    typeof error === 'object' && error !== null && typeof (error as JsonObject)['code'] === 'string'
      ? ((error as JsonObject)['code'] as string)
      : undefined;
  const detail =
    typeof error === 'object' &&
    error !== null &&
    typeof (error as JsonObject)['message'] === 'string'
      ? ((error as JsonObject)['message'] as string)
      : `HTTP ${status}`;
  const message = `sandbox PSP: POST ${path}: ${status} ${code ?? ''} ${detail}`.replace(
    /\s+/g,
    ' ',
  );
  const retryable =
    status >= 500 || status === 401 || status === 403 || status === 409 || status === 429;
  return new PspError(retryable || status < 400 ? 'unavailable' : 'rejected', message, code);
}

async function readText(response: Response, path: string): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw new PspError(
      'unavailable',
      `sandbox PSP: POST ${path}: reading the answer failed: ${errorMessage(error)}`,
    );
  }
}

function parseJson(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A field the sandbox always sends; without it the answer cannot be used. */
function answerString(object: JsonObject, key: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value === '') {
    throw new PspError('unavailable', `sandbox PSP: the answer has no '${key}'`);
  }
  return value;
}

function headerValue(
  headers: Record<string, string | undefined>,
  name: string,
): string | undefined {
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
