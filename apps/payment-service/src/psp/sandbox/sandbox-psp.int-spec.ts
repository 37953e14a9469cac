import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  eventually,
  findFreePort,
  killServiceProcess,
  type ServiceProcess,
  stopGracefully,
} from '@clement/testing';
import { startSandboxPsp } from '../../__fixtures__/sandbox-psp-process';
import { type PspEvent, PspError, WebhookVerificationError } from '../psp-port';
import { SandboxPsp } from './sandbox-psp';

// The sandbox PSP is provider-sim, run as a real process; its webhooks arrive at a local node:http
// server that verifies them with the adapter's verifyWebhook, as the service's endpoint does.

const SECRET_KEY = `sk_test_${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(12).toString('hex')}`;
const RETURN_URL = 'https://portal.test/pay/return';

interface Delivery {
  readonly raw: Buffer;
  readonly headers: Record<string, string | undefined>;
  readonly event?: PspEvent;
  readonly rejection?: WebhookVerificationError;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : value,
    ]),
  );
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('SandboxPsp against the provider-sim process', () => {
  let sim: ServiceProcess | undefined;
  let simUrl: string;
  let receiver: Server | undefined;
  let psp: SandboxPsp;
  const deliveries: Delivery[] = [];

  async function control(path: string, body: unknown = {}): Promise<Record<string, unknown>> {
    const response = await fetch(`${simUrl}/psp/control${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, json }).toMatchObject({ status: 200 });
    return json;
  }

  /** The verified events matching `match`, once `count` of them have arrived. */
  async function events<K extends PspEvent['kind']>(
    match: (event: PspEvent) => boolean,
    count = 1,
  ): Promise<Extract<PspEvent, { kind: K }>[]> {
    return eventually(() => {
      const found = deliveries.flatMap((d) => (d.event && match(d.event) ? [d.event] : []));
      expect(found).toHaveLength(count);
      return found as Extract<PspEvent, { kind: K }>[];
    });
  }

  const forPayment = (paymentId: string, kind?: PspEvent['kind']) => (event: PspEvent) =>
    'paymentId' in event && event.paymentId === paymentId && (!kind || event.kind === kind);

  async function checkout(
    amountMinor = 12_345,
  ): Promise<{ paymentId: string; pspPaymentId: string }> {
    const paymentId = randomUUID();
    const { pspPaymentId } = await psp.createCheckout({
      paymentId,
      tenantId: 'tenant-a',
      amountMinor,
      currency: 'EUR',
      description: 'Acme Lending',
      returnUrl: RETURN_URL,
      idempotencyKey: `checkout:${paymentId}`,
    });
    return { paymentId, pspPaymentId };
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers = flatHeaders(req.headers);
        try {
          const event = psp.verifyWebhook(raw, headers, new Date());
          deliveries.push({ raw, headers, event });
          res.writeHead(200).end();
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error;
          deliveries.push({ raw, headers, rejection: error });
          res.writeHead(error.reason === 'malformed' ? 400 : 403).end();
        }
      });
    });
    const receiverUrl = await listen(receiver);
    const started = await startSandboxPsp({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: `${receiverUrl}/webhooks/psp/sandbox`,
    });
    sim = started.process;
    simUrl = started.url;
    psp = new SandboxPsp({
      baseUrl: simUrl,
      secretKey: SECRET_KEY,
      webhookSecrets: ['whsec_retired_0123', WEBHOOK_SECRET],
      timeoutMs: 5_000,
    });
  }, 90_000);

  afterAll(async () => {
    if (sim && sim.child.exitCode === null) {
      try {
        await stopGracefully(sim);
      } finally {
        killServiceProcess(sim);
      }
    }
    await close(receiver);
  });

  it('creates a checkout whose hosted page takes a card, and verifies payment.succeeded', async () => {
    const { paymentId, pspPaymentId } = await checkout();
    expect(pspPaymentId).toMatch(/^pi_[0-9a-f]+$/);

    const again = await psp.createCheckout({
      paymentId,
      tenantId: 'tenant-a',
      amountMinor: 12_345,
      currency: 'EUR',
      description: 'Acme Lending',
      returnUrl: RETURN_URL,
      idempotencyKey: `checkout:${paymentId}`,
    });
    expect(again).toEqual({ pspPaymentId, redirectUrl: `${simUrl}/psp/pay/${pspPaymentId}` });

    const page = await fetch(again.redirectUrl);
    expect(page.status).toBe(200);
    const paid = await fetch(again.redirectUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'card_number=4242424242424242',
      redirect: 'manual',
    });
    expect(paid.headers.get('location')).toBe(
      `${RETURN_URL}?payment_intent=${pspPaymentId}&status=succeeded`,
    );

    const [event] = await events<'payment.succeeded'>(forPayment(paymentId));
    expect(event).toEqual({
      kind: 'payment.succeeded',
      eventId: expect.stringMatching(/^evt_/) as unknown,
      occurredAt: expect.any(Date) as unknown,
      pspPaymentId,
      paymentId,
      amountMinor: 12_345,
      currency: 'EUR',
    });
  });

  it.each([
    ['4000000000000002', {}, 'card_declined'],
    ['4000000000009995', {}, 'insufficient_funds'],
    ['4000000000003220', { three_ds: 'deny' }, 'authentication_failed'],
  ])('verifies payment.failed for card %s', async (cardNumber, extra, reason) => {
    const { paymentId, pspPaymentId } = await checkout();
    await control(`/payment_intents/${pspPaymentId}/confirm`, {
      card_number: cardNumber,
      ...extra,
    });
    const [event] = await events<'payment.failed'>(forPayment(paymentId));
    expect(event).toMatchObject({ kind: 'payment.failed', pspPaymentId, paymentId, reason });
  });

  it('refunds, and maps an over-refund to a rejected PspError with the PSP code', async () => {
    const { pspPaymentId } = await checkout(10_000);
    await expect(
      psp.refund({
        pspPaymentId,
        amountMinor: 100,
        currency: 'EUR',
        refundId: randomUUID(),
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ kind: 'rejected', pspCode: 'payment_not_succeeded' });
    await control(`/payment_intents/${pspPaymentId}/confirm`, { card_number: '4242424242424242' });

    const refundId = randomUUID();
    const refund = await psp.refund({
      pspPaymentId,
      amountMinor: 4_000,
      currency: 'EUR',
      refundId,
      idempotencyKey: `refund:${refundId}`,
    });
    expect(refund).toEqual({
      pspRefundId: expect.stringMatching(/^re_/) as unknown,
      status: 'succeeded',
    });

    const overRefund = psp.refund({
      pspPaymentId,
      amountMinor: 6_001,
      currency: 'EUR',
      refundId: randomUUID(),
      idempotencyKey: randomUUID(),
    });
    await expect(overRefund).rejects.toBeInstanceOf(PspError);
    await expect(overRefund).rejects.toMatchObject({
      kind: 'rejected',
      pspCode: 'amount_too_large',
    });

    const [event] = await events<'refund.succeeded'>(
      (e) => e.kind === 'refund.succeeded' && e.refundId === refundId,
    );
    expect(event).toMatchObject({
      pspRefundId: refund.pspRefundId,
      pspPaymentId,
      amountMinor: 4_000,
      currency: 'EUR',
    });

    await control(`/refunds/${refund.pspRefundId}/fail`);
    await events((e) => e.kind === 'refund.failed' && e.refundId === refundId);
  });

  it('verifies chargeback.created for a disputed payment', async () => {
    const { pspPaymentId } = await checkout();
    await control(`/payment_intents/${pspPaymentId}/confirm`, { card_number: '4242424242424242' });
    await control(`/payment_intents/${pspPaymentId}/dispute`, { reason: 'fraudulent' });
    const [event] = await events<'chargeback.created'>(
      (e) => e.kind === 'chargeback.created' && e.pspPaymentId === pspPaymentId,
    );
    expect(event).toMatchObject({
      pspChargebackId: expect.stringMatching(/^dp_/) as unknown,
      amountMinor: 12_345,
      currency: 'EUR',
      reason: 'fraudulent',
    });
  });

  it('sets up a mandate, changes its day, collects (succeed, fail, return) and cancels it', async () => {
    const mandateId = randomUUID();
    const setup = await psp.setUpMandate({
      mandateId,
      tenantId: 'tenant-a',
      collectionDay: 5,
      returnUrl: 'https://portal.test/mandate/return',
      idempotencyKey: `mandate:${mandateId}`,
    });
    expect(setup.setupUrl).toBe(`${simUrl}/psp/mandate/${setup.pspMandateId}`);
    const forMandate = (kind: PspEvent['kind']) => (e: PspEvent) =>
      e.kind === kind && 'mandateId' in e && e.mandateId === mandateId;

    const collection = (paymentId: string) => ({
      pspMandateId: setup.pspMandateId,
      paymentId,
      tenantId: 'tenant-a',
      amountMinor: 5_000,
      currency: 'EUR',
      chargeDate: '2026-12-05',
      idempotencyKey: `collection:${paymentId}`,
    });
    await expect(psp.createCollection(collection(randomUUID()))).rejects.toMatchObject({
      kind: 'rejected',
      pspCode: 'mandate_not_active',
    });

    const form = await fetch(setup.setupUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'iban=DE89370400440532013000',
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    const [active] = await events<'mandate.active'>(forMandate('mandate.active'));
    expect(active).toMatchObject({ pspMandateId: setup.pspMandateId });

    await psp.changeCollectionDay(setup.pspMandateId, 20, randomUUID());
    const stored = await fetch(`${simUrl}/psp/v1/mandates/${setup.pspMandateId}`, {
      headers: { Authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(await stored.json()).toMatchObject({ collection_day: 20 });

    const ok = randomUUID();
    const { pspCollectionId } = await psp.createCollection(collection(ok));
    expect(pspCollectionId).toMatch(/^col_/);
    const [succeeded] = await events<'collection.succeeded'>(forPayment(ok));
    expect(succeeded).toMatchObject({
      kind: 'collection.succeeded',
      pspCollectionId,
      amountMinor: 5_000,
      currency: 'EUR',
    });

    await control(`/mandates/${setup.pspMandateId}/next-collection`, { outcome: 'fail' });
    const failing = randomUUID();
    await psp.createCollection(collection(failing));
    const [failed] = await events<'collection.failed'>(forPayment(failing));
    expect(failed).toMatchObject({ kind: 'collection.failed', reason: 'insufficient_funds' });

    await control(`/mandates/${setup.pspMandateId}/next-collection`, { outcome: 'return' });
    const returning = randomUUID();
    await psp.createCollection(collection(returning));
    const [returned] = await events<'collection.returned'>(
      forPayment(returning, 'collection.returned'),
    );
    expect(returned).toMatchObject({ reason: 'refer_to_payer', amountMinor: 5_000 });
    await events(forPayment(returning, 'collection.succeeded'));

    await psp.cancelMandate(setup.pspMandateId, `cancel:${mandateId}`);
    await psp.cancelMandate(setup.pspMandateId, `cancel:${mandateId}`);
    const [cancelled] = await events<'mandate.cancelled'>(forMandate('mandate.cancelled'));
    expect(cancelled).toMatchObject({ reason: 'debtor_request' });
    await expect(
      psp.changeCollectionDay(setup.pspMandateId, 3, randomUUID()),
    ).rejects.toMatchObject({ kind: 'rejected', pspCode: 'mandate_cancelled' });
  });

  it('verifies mandate.failed and a bank cancellation', async () => {
    const failing = randomUUID();
    const failed = await psp.setUpMandate({
      mandateId: failing,
      tenantId: 'tenant-a',
      collectionDay: 1,
      returnUrl: 'https://portal.test/mandate/return',
      idempotencyKey: randomUUID(),
    });
    await control(`/mandates/${failed.pspMandateId}/confirm`, { iban: 'GB00FAIL00000000000000' });
    const banked = randomUUID();
    const cancelled = await psp.setUpMandate({
      mandateId: banked,
      tenantId: 'tenant-a',
      collectionDay: 28,
      returnUrl: 'https://portal.test/mandate/return',
      idempotencyKey: randomUUID(),
    });
    await control(`/mandates/${cancelled.pspMandateId}/confirm`);
    await control(`/mandates/${cancelled.pspMandateId}/bank-cancel`);

    const [failure] = await events<'mandate.failed'>(
      (e) => e.kind === 'mandate.failed' && e.mandateId === failing,
    );
    expect(failure).toMatchObject({ pspMandateId: failed.pspMandateId, reason: 'invalid_account' });
    const [cancellation] = await events<'mandate.cancelled'>(
      (e) => e.kind === 'mandate.cancelled' && e.mandateId === banked,
    );
    expect(cancellation).toMatchObject({ reason: 'bank_cancelled' });
  });

  it('sees a redelivered event with the same event id (the dedupe key)', async () => {
    const { paymentId, pspPaymentId } = await checkout();
    await control(`/payment_intents/${pspPaymentId}/confirm`, { card_number: '4242424242424242' });
    const [first] = await events(forPayment(paymentId));
    await control(`/events/${first!.eventId}/redeliver`, { times: 2 });
    const all = await events(forPayment(paymentId), 3);
    expect(new Set(all.map((event) => event.eventId))).toEqual(new Set([first!.eventId]));
  });

  it('refuses a real delivery checked with another secret or a clock far away', async () => {
    const { paymentId, pspPaymentId } = await checkout();
    await control(`/payment_intents/${pspPaymentId}/confirm`, { card_number: '4242424242424242' });
    await events(forPayment(paymentId));
    const delivery = deliveries.find((d) => d.event && forPayment(paymentId)(d.event))!;

    const stranger = new SandboxPsp({
      baseUrl: simUrl,
      secretKey: SECRET_KEY,
      webhookSecrets: ['whsec_not_the_one'],
    });
    expect(() => stranger.verifyWebhook(delivery.raw, delivery.headers, new Date())).toThrow(
      expect.objectContaining({ reason: 'bad_signature' }) as Error,
    );
    const later = new Date(Date.now() + 10 * 60_000);
    expect(() => psp.verifyWebhook(delivery.raw, delivery.headers, later)).toThrow(
      expect.objectContaining({ reason: 'stale' }) as Error,
    );
    expect(deliveries.filter((d) => d.rejection)).toEqual([]);
  });

  describe('when the PSP cannot answer', () => {
    const request = () => ({
      paymentId: randomUUID(),
      tenantId: 'tenant-a',
      amountMinor: 100,
      currency: 'EUR',
      description: 'Acme Lending',
      returnUrl: RETURN_URL,
      idempotencyKey: randomUUID(),
    });
    let server: Server | undefined;

    afterEach(async () => {
      await close(server);
      server = undefined;
    });

    it('maps a wrong secret key (401) to unavailable: our configuration, not the payment', async () => {
      const wrongKey = new SandboxPsp({
        baseUrl: simUrl,
        secretKey: 'sk_wrong_key',
        webhookSecrets: [WEBHOOK_SECRET],
      });
      await expect(wrongKey.createCheckout(request())).rejects.toMatchObject({
        kind: 'unavailable',
        pspCode: 'unauthorized',
      });
    });

    it('maps 5xx, a timeout and a refused connection to unavailable', async () => {
      let hang = false;
      server = createServer((req, res) => {
        if (hang) return; // never answers
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'maintenance', message: 'down' } }));
      });
      const url = await listen(server);
      const flaky = new SandboxPsp({
        baseUrl: url,
        secretKey: SECRET_KEY,
        webhookSecrets: [WEBHOOK_SECRET],
        timeoutMs: 300,
      });
      await expect(flaky.createCheckout(request())).rejects.toMatchObject({
        kind: 'unavailable',
        pspCode: 'maintenance',
      });
      hang = true;
      const started = Date.now();
      await expect(flaky.createCheckout(request())).rejects.toMatchObject({ kind: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(3_000);

      const closedPort = await findFreePort();
      const nobody = new SandboxPsp({
        baseUrl: `http://127.0.0.1:${closedPort}`,
        secretKey: SECRET_KEY,
        webhookSecrets: [WEBHOOK_SECRET],
      });
      await expect(nobody.cancelMandate('md_1', randomUUID())).rejects.toMatchObject({
        kind: 'unavailable',
      });
    });
  });
});
