import Stripe from 'stripe';
import {
  type Checkout,
  type CheckoutRequest,
  type PaymentServiceProvider,
  PspError,
  type PspEvent,
  type Refund,
  type RefundRequest,
  WebhookVerificationError,
} from '../psp-port';
import { toPspEvent } from './stripe-events';

export interface StripePspOptions {
  /** `sk_live_…` / `sk_test_…` (stripe-mock accepts any `sk_test_<letters and digits>`). */
  secretKey: string;
  /** Signing secrets of the webhook endpoint (`whsec_…`); two while one is being rotated. */
  webhookSecrets: readonly string[];
  /** Another API origin, e.g. stripe-mock's `http://127.0.0.1:12111`. Default: Stripe's API. */
  apiBaseUrl?: string;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /**
   * The SDK's own retries of network errors, 409 and 5xx; it sends the same idempotency key, so a
   * retry never charges twice. Default 2.
   */
  maxNetworkRetries?: number;
  /** A webhook whose signed timestamp is further than this from `now` is stale. Default 300 s. */
  webhookToleranceSeconds?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_NETWORK_RETRIES = 2;
const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;
const SIGNATURE_HEADER = 'stripe-signature';
/** The SDK checks timestamps against the real clock; 0 switches that off (we check against `now`). */
const SDK_TOLERANCE_OFF = 0;

/**
 * Card payments through Stripe Checkout, with the official SDK. Direct debit is not offered here
 * (ADR 0015): `DirectDebitProvider` is the sandbox PSP's alone.
 */
export class StripePsp implements PaymentServiceProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;
  private readonly webhookSecrets: readonly string[];
  private readonly toleranceSeconds: number;

  constructor(options: StripePspOptions) {
    if (options.webhookSecrets.length === 0) {
      throw new Error('StripePsp needs at least one webhook signing secret');
    }
    this.webhookSecrets = options.webhookSecrets;
    this.toleranceSeconds = options.webhookToleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
    this.stripe = new Stripe(options.secretKey, {
      // The version this SDK release is typed for; the webhook endpoint must use the same one, or
      // event payloads may differ from what stripe-events.ts reads.
      apiVersion: Stripe.API_VERSION,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxNetworkRetries: options.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES,
      telemetry: false,
      appInfo: { name: 'clement-payment-service' },
      ...(options.apiBaseUrl ? apiOrigin(options.apiBaseUrl) : {}),
    });
  }

  /**
   * A hosted Checkout Session for one card payment. Stripe creates the PaymentIntent only when the
   * debtor pays (API versions since 2022-08-01), so the session usually has none yet: then the
   * session id (`cs_…`) is returned as `pspPaymentId`. Every webhook about the payment is about
   * its PaymentIntent (`pi_…`) and carries `metadata.payment_id`, so the service must match
   * webhooks by `paymentId` and keep the `pi_…` from `payment.succeeded` for refunds and
   * chargebacks. (refund() also accepts the `cs_…` and looks the PaymentIntent up.)
   */
  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const metadata = { payment_id: request.paymentId, tenant_id: request.tenantId };
    const session = await this.call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          // The methods offered are the Stripe account's payment method settings. Pinning cards
          // needs `allowed_payment_method_types`, which the pinned stripe-mock's spec
          // (2026-08-26.dahlia) rejects, while the SDK's API version (2026-10-28.endive) no longer
          // has `payment_method_types`. The webhooks read are the same for every method.
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amountMinor,
                product_data: { name: request.description },
              },
            },
          ],
          success_url: returnUrlFor(request.returnUrl, 'succeeded'),
          cancel_url: returnUrlFor(request.returnUrl, 'canceled'),
          client_reference_id: request.paymentId,
          metadata,
          payment_intent_data: { description: request.description, metadata },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    if (!session.url) {
      throw new PspError('rejected', `Checkout Session ${session.id} has no hosted page url`);
    }
    return { pspPaymentId: idOf(session.payment_intent) ?? session.id, redirectUrl: session.url };
  }

  async refund(request: RefundRequest): Promise<Refund> {
    const paymentIntent = await this.paymentIntentOf(request.pspPaymentId);
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        // No currency: Stripe refunds in the payment's own currency.
        {
          payment_intent: paymentIntent,
          amount: request.amountMinor,
          metadata: { refund_id: request.refundId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { pspRefundId: refund.id, status: refundStatus(refund.status) };
  }

  /**
   * The SDK verifies the HMAC (against each configured secret, so rotation works); the timestamp
   * is checked here against `now`, because the SDK would compare it with the real clock.
   */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PspEvent {
    const header = headerValue(headers, SIGNATURE_HEADER);
    if (header === undefined) {
      throw new WebhookVerificationError(
        'malformed',
        `stripe webhook: no ${SIGNATURE_HEADER} header`,
      );
    }
    const timestamp = signedTimestamp(header);
    let event: unknown;
    let verified = false;
    for (const secret of this.webhookSecrets) {
      try {
        event = this.stripe.webhooks.constructEvent(rawBody, header, secret, SDK_TOLERANCE_OFF);
        verified = true;
        break;
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) continue;
        // The signature matched but the body is not JSON.
        throw new WebhookVerificationError('malformed', `stripe webhook: ${errorMessage(error)}`);
      }
    }
    if (!verified) {
      throw new WebhookVerificationError(
        'bad_signature',
        'stripe webhook: no signature matches a configured secret',
      );
    }
    const skewSeconds = Math.abs(Math.floor(now.getTime() / 1000) - timestamp);
    if (skewSeconds > this.toleranceSeconds) {
      throw new WebhookVerificationError(
        'stale',
        `stripe webhook: signed ${skewSeconds}s away from now (tolerance ${this.toleranceSeconds}s)`,
      );
    }
    return toPspEvent(event);
  }

  /** A `cs_…` (what createCheckout may have returned) is resolved to its PaymentIntent. */
  private async paymentIntentOf(pspPaymentId: string): Promise<string> {
    if (!pspPaymentId.startsWith('cs_')) return pspPaymentId;
    const session = await this.call(() => this.stripe.checkout.sessions.retrieve(pspPaymentId));
    const paymentIntent = idOf(session.payment_intent);
    if (paymentIntent === undefined) {
      throw new PspError(
        'rejected',
        `Checkout Session ${pspPaymentId} has no payment to refund`,
        'payment_not_succeeded',
      );
    }
    return paymentIntent;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toPspError(error);
    }
  }
}

/**
 * Stripe's errors as the service acts on them. Invalid requests and card errors are `rejected`
 * (the same request would fail again), except a 409 (a concurrent request with the same
 * idempotency key, or a lock timeout), which is worth retrying. Connection errors, timeouts, 5xx
 * and rate limits are `unavailable`; so are authentication and permission errors: a wrong key is
 * our configuration, not the payment's fault, and the request may succeed once it is fixed.
 * Anything that is not a Stripe error (a bug) is passed on unchanged.
 */
export function toPspError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const { errors } = Stripe;
  const code = error.code ?? error.type;
  const message = `stripe: ${error.message}`;
  if (
    error instanceof errors.StripeConnectionError ||
    error instanceof errors.StripeAPIError ||
    error instanceof errors.StripeRateLimitError ||
    error instanceof errors.StripeAuthenticationError ||
    error instanceof errors.StripePermissionError
  ) {
    return new PspError('unavailable', message, code);
  }
  if (error.statusCode === 409) return new PspError('unavailable', message, code);
  if (
    error instanceof errors.StripeInvalidRequestError ||
    error instanceof errors.StripeCardError ||
    error instanceof errors.StripeIdempotencyError
  ) {
    return new PspError('rejected', message, code);
  }
  const status = error.statusCode;
  return new PspError(
    status !== undefined && status >= 400 && status < 500 ? 'rejected' : 'unavailable',
    message,
    code,
  );
}

function apiOrigin(baseUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
  };
}

/**
 * Stripe substitutes `{CHECKOUT_SESSION_ID}` itself, so it is appended as it is, not URL-encoded.
 * `status` only tells the return page what to show; the webhook is what counts.
 */
function returnUrlFor(returnUrl: string, status: 'succeeded' | 'canceled'): string {
  const separator = returnUrl.includes('?') ? '&' : '?';
  return `${returnUrl}${separator}checkout_session={CHECKOUT_SESSION_ID}&status=${status}`;
}

function refundStatus(status: string | null): Refund['status'] {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return 'pending';
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (typeof value === 'string') return value;
  return value?.id;
}

function headerValue(
  headers: Record<string, string | undefined>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined && value.trim() !== '') return value;
  }
  return undefined;
}

/** The `t=` of `t=<unix seconds>,v1=<hex>[,v1=…]`; anything else is malformed. */
function signedTimestamp(header: string): number {
  // Split like the SDK does (no trimming), so both read the same header the same way.
  const parts = header.split(',').map((part) => part.split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value ?? '');
  const hasSignature = parts.some(([key, value]) => key === 'v1' && value);
  const [timestamp] = timestamps;
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamp ?? '') || !hasSignature) {
    throw new WebhookVerificationError(
      'malformed',
      `stripe webhook: the ${SIGNATURE_HEADER} header is not t=<timestamp>,v1=<signature>`,
    );
  }
  return Number(timestamp);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
