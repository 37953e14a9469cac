import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { PspError, type CheckoutRequest } from '../psp-port';
import { StripePsp } from './stripe-psp';

// STRIPE_MOCK_URL comes from the integration global setup (libs/testing/src/jest): a real
// stripe-mock, which checks every request against Stripe's OpenAPI spec and answers with fixtures.
const stripeMockUrl = process.env.STRIPE_MOCK_URL!;

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

/** Passes requests on to stripe-mock unchanged and keeps a copy, to see what the SDK sent. */
async function startRecordingProxy(): Promise<{
  url: string;
  requests: Recorded[];
  server: Server;
}> {
  const requests: Recorded[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      requests.push({
        method: request.method ?? 'GET',
        path,
        headers: request.headers,
        form: new URLSearchParams(body),
      });
      const forwarded = { ...request.headers } as Record<string, string>;
      delete forwarded.host;
      delete forwarded['content-length'];
      fetch(`${stripeMockUrl}${path}`, {
        method: request.method,
        headers: forwarded,
        body: request.method === 'GET' ? undefined : body,
      })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(await answer.text());
        })
        .catch((error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

const checkoutRequest: CheckoutRequest = {
  paymentId: 'pay-7f3c',
  tenantId: 'tenant-a',
  amountMinor: 12_345,
  currency: 'EUR',
  description: 'Acme Collections: account 4711',
  returnUrl: 'https://pay.clement.test/return?payment=pay-7f3c',
  idempotencyKey: 'checkout-pay-7f3c',
};

describe('StripePsp against stripe-mock', () => {
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let psp: StripePsp;

  beforeAll(async () => {
    proxy = await startRecordingProxy();
    psp = new StripePsp({
      secretKey: 'sk_test_123',
      webhookSecrets: ['whsec_test'],
      apiBaseUrl: proxy.url,
      maxNetworkRetries: 0,
    });
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.server.close(resolve));
  });

  beforeEach(() => {
    proxy.requests.length = 0;
  });

  it('creates a Checkout Session and returns its hosted page and payment id', async () => {
    const checkout = await psp.createCheckout(checkoutRequest);

    expect(checkout.redirectUrl).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    // stripe-mock's fixture session has a PaymentIntent; a real new session has none yet (cs_…).
    expect(checkout.pspPaymentId).toMatch(/^(pi|cs)_/);

    const [sent] = proxy.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions' });
    expect(sent!.headers['idempotency-key']).toBe('checkout-pay-7f3c');
    expect(sent!.headers['stripe-version']).toBe(Stripe.API_VERSION);
    expect(Object.fromEntries(sent!.form)).toEqual(
      expect.objectContaining({
        mode: 'payment',
        'line_items[0][quantity]': '1',
        'line_items[0][price_data][currency]': 'eur',
        'line_items[0][price_data][unit_amount]': '12345',
        'line_items[0][price_data][product_data][name]': 'Acme Collections: account 4711',
        success_url:
          'https://pay.clement.test/return?payment=pay-7f3c&checkout_session={CHECKOUT_SESSION_ID}&status=succeeded',
        cancel_url:
          'https://pay.clement.test/return?payment=pay-7f3c&checkout_session={CHECKOUT_SESSION_ID}&status=canceled',
        client_reference_id: 'pay-7f3c',
        'metadata[payment_id]': 'pay-7f3c',
        'metadata[tenant_id]': 'tenant-a',
        'payment_intent_data[metadata][payment_id]': 'pay-7f3c',
        'payment_intent_data[metadata][tenant_id]': 'tenant-a',
      }),
    );
  });

  it('refunds a PaymentIntent', async () => {
    const refund = await psp.refund({
      pspPaymentId: 'pi_3Qx7',
      amountMinor: 500,
      currency: 'EUR',
      refundId: 'refund-1',
      idempotencyKey: 'refund-refund-1',
    });

    expect(refund).toEqual({ pspRefundId: expect.stringMatching(/^re_/), status: 'succeeded' });
    const [sent] = proxy.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/refunds' });
    expect(sent!.headers['idempotency-key']).toBe('refund-refund-1');
    expect(Object.fromEntries(sent!.form)).toEqual({
      payment_intent: 'pi_3Qx7',
      amount: '500',
      'metadata[refund_id]': 'refund-1',
    });
  });

  it('refunds by Checkout Session id through the session’s PaymentIntent', async () => {
    const refund = await psp.refund({
      pspPaymentId: 'cs_test_a1b2',
      amountMinor: 500,
      currency: 'EUR',
      refundId: 'refund-2',
      idempotencyKey: 'refund-refund-2',
    });

    expect(refund.status).toBe('succeeded');
    expect(proxy.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /v1/checkout/sessions/cs_test_a1b2',
      'POST /v1/refunds',
    ]);
    expect(proxy.requests[1]!.form.get('payment_intent')).toMatch(/^pi_/);
  });

  it('reports a request Stripe’s API refuses as rejected', async () => {
    const refused = psp.createCheckout({ ...checkoutRequest, amountMinor: 12.5 });
    await expect(refused).rejects.toBeInstanceOf(PspError);
    await expect(refused).rejects.toMatchObject({ kind: 'rejected' });

    const refusedRefund = psp.refund({
      pspPaymentId: 'pi_3Qx7',
      amountMinor: 0.5,
      currency: 'EUR',
      refundId: 'refund-3',
      idempotencyKey: 'refund-refund-3',
    });
    await expect(refusedRefund).rejects.toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining("'amount' validation failed"),
    });
  });

  it('reports an API key Stripe does not accept as unavailable (configuration, not the payment)', async () => {
    const misconfigured = new StripePsp({
      secretKey: 'not-a-stripe-key',
      webhookSecrets: ['whsec_test'],
      apiBaseUrl: stripeMockUrl,
      maxNetworkRetries: 0,
    });
    await expect(misconfigured.createCheckout(checkoutRequest)).rejects.toMatchObject({
      kind: 'unavailable',
    });
  });

  it('reports an unreachable API as unavailable', async () => {
    // A port that was just free: nothing listens there.
    const closed = await startRecordingProxy();
    await new Promise((resolve) => closed.server.close(resolve));
    const unreachable = new StripePsp({
      secretKey: 'sk_test_123',
      webhookSecrets: ['whsec_test'],
      apiBaseUrl: closed.url,
      maxNetworkRetries: 0,
      timeoutMs: 2_000,
    });

    const failed = unreachable.createCheckout(checkoutRequest);
    await expect(failed).rejects.toBeInstanceOf(PspError);
    await expect(failed).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
