import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  eventually,
  findFreePort,
  killServiceProcess,
  type ServiceProcess,
  startServiceProcess,
  stopGracefully,
} from '@clement/testing';

// The simulator runs as a real process; the test plays payment-service over HTTP and a local
// node:http server receives the signed webhooks. Signatures are checked here with node:crypto,
// independently of the simulator's own signing code.

const MAIN = join(__dirname, '..', 'main.ts');
const SECRET_KEY = `sk_test_${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(12).toString('hex')}`;
const OLD_WEBHOOK_SECRET = `whsec_${randomBytes(12).toString('hex')}`;
const RETURN_URL = 'https://portal.test/return?session=s1';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly event: PspEvent;
}

interface PspEvent {
  id: string;
  object: string;
  type: string;
  created: number;
  data: { object: Record<string, unknown> & { id: string; metadata: Record<string, string> } };
}

interface Receiver {
  server: Server;
  url: string;
  received: Received[];
  /** Answers with this status while it returns one; 200 otherwise. */
  answer: (event: PspEvent) => number | undefined;
}

async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let answer: Receiver['answer'] = () => undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf-8');
      const event = JSON.parse(body) as PspEvent;
      received.push({ headers: req.headers, body, event });
      res.writeHead(answer(event) ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/webhooks/psp/sandbox`,
    received,
    get answer() {
      return answer;
    },
    set answer(next) {
      answer = next;
    },
  };
}

/** Checks `Psp-Signature: t=…,v1=…` against the secret as a receiver would; true if any v1 matches. */
function signedWith(secret: string, received: Received): boolean {
  const header = received.headers['psp-signature'];
  if (typeof header !== 'string') return false;
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string]);
  const t = parts.find(([name]) => name === 't')?.[1];
  if (!t || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${received.body}`).digest();
  return parts
    .filter(([name]) => name === 'v1')
    .some(([, hex]) => {
      const given = Buffer.from(hex, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe('sandbox PSP (provider-sim process)', () => {
  let sim: ServiceProcess | undefined;
  let simUrl: string;
  let receiver: Receiver;
  let sequence = 0;

  const nextId = (prefix: string): string => `${prefix}-${Date.now()}-${++sequence}`;

  async function api(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${simUrl}/psp/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${SECRET_KEY}`,
        'Content-Type': 'application/json',
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  }

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

  async function form(path: string, fields: Record<string, string>): Promise<Response> {
    return fetch(`${simUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  }

  async function createIntent(paymentId: string, amount = 12_345): Promise<string> {
    const created = await api('POST', '/payment_intents', {
      amount,
      currency: 'EUR',
      description: 'Acme Lending',
      return_url: RETURN_URL,
      metadata: { payment_id: paymentId, tenant_id: 'tenant-a' },
    });
    expect(created.status).toBe(200);
    return created.body['id'] as string;
  }

  async function createMandate(mandateId: string): Promise<string> {
    const created = await api('POST', '/mandates', {
      collection_day: 5,
      return_url: 'https://portal.test/mandate-done',
      metadata: { mandate_id: mandateId, tenant_id: 'tenant-a' },
    });
    expect(created.status).toBe(200);
    return created.body['id'] as string;
  }

  /** Waits for webhooks matching `match`; every one must carry a valid signature. */
  async function webhooks(match: (event: PspEvent) => boolean, count = 1): Promise<Received[]> {
    return eventually(() => {
      const mine = receiver.received.filter((received) => match(received.event));
      expect(mine).toHaveLength(count);
      for (const received of mine) expect(signedWith(WEBHOOK_SECRET, received)).toBe(true);
      return mine;
    });
  }

  const about =
    (key: 'payment_id' | 'mandate_id' | 'refund_id', value: string, type?: string) =>
    (event: PspEvent): boolean =>
      event.data.object.metadata[key] === value && (type === undefined || event.type === type);

  beforeAll(async () => {
    receiver = await startReceiver();
    const port = await findFreePort();
    simUrl = `http://127.0.0.1:${port}`;
    sim = await startServiceProcess(MAIN, {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
      TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
      SENDGRID_API_KEY: `SG.${randomBytes(16).toString('hex')}`,
      PUBLIC_URL: simUrl,
      PSP_SECRET_KEY: SECRET_KEY,
      PSP_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${OLD_WEBHOOK_SECRET}`,
      PSP_WEBHOOK_URL: receiver.url,
      PSP_COLLECTION_SETTLE_AFTER_MS: '100',
    });
  }, 90_000);

  beforeEach(() => {
    receiver.answer = () => undefined;
  });

  afterAll(async () => {
    if (sim && sim.child.exitCode === null) {
      try {
        await stopGracefully(sim);
      } finally {
        killServiceProcess(sim);
      }
    }
    receiver?.server.closeAllConnections();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('refuses a wrong secret key with 401', async () => {
    for (const authorization of ['Bearer sk_wrong', '', `Basic ${SECRET_KEY}`]) {
      const response = await fetch(`${simUrl}/psp/v1/payment_intents`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: 1 }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: expect.objectContaining({ code: 'unauthorized' }),
      });
    }
    const get = await fetch(`${simUrl}/psp/v1/payment_intents/pi_x`);
    expect(get.status).toBe(401);
  });

  it('creates a payment intent with its hosted page and refuses bad parameters', async () => {
    const paymentId = nextId('pay');
    const id = await createIntent(paymentId);
    const fetched = await api('GET', `/payment_intents/${id}`);
    expect(fetched).toMatchObject({
      status: 200,
      body: {
        id: expect.stringMatching(/^pi_[0-9a-f]+$/) as unknown,
        object: 'payment_intent',
        amount: 12_345,
        currency: 'EUR',
        status: 'requires_payment_method',
        hosted_url: `${simUrl}/psp/pay/${id}`,
        metadata: { payment_id: paymentId, tenant_id: 'tenant-a' },
      },
    });
    const bad = await api('POST', '/payment_intents', { amount: -1, currency: 'EUR' });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: 'parameter_invalid', param: 'amount' } },
    });
    expect(await api('GET', '/payment_intents/pi_missing')).toMatchObject({
      status: 404,
      body: { error: { code: 'resource_missing' } },
    });
  });

  it.each([
    ['4242424242424242', undefined, 'payment_intent.succeeded', 'succeeded', undefined],
    [
      '4000000000000002',
      undefined,
      'payment_intent.payment_failed',
      'requires_payment_method',
      'card_declined',
    ],
    [
      '4000000000009995',
      undefined,
      'payment_intent.payment_failed',
      'requires_payment_method',
      'insufficient_funds',
    ],
    ['4000000000003220', 'approve', 'payment_intent.succeeded', 'succeeded', undefined],
    [
      '4000000000003220',
      'deny',
      'payment_intent.payment_failed',
      'requires_payment_method',
      'authentication_failed',
    ],
  ])(
    'card %s (3-D Secure %s) → %s, signed',
    async (cardNumber, threeDs, type, status, errorCode) => {
      const paymentId = nextId('pay');
      const id = await createIntent(paymentId);

      const intent = await control(`/payment_intents/${id}/confirm`, {
        card_number: cardNumber,
        ...(threeDs ? { three_ds: threeDs } : {}),
      });

      expect(intent).toMatchObject({ id, status });
      const [received] = await webhooks(about('payment_id', paymentId));
      expect(received!.event).toMatchObject({
        id: expect.stringMatching(/^evt_/) as unknown,
        object: 'event',
        type,
        data: {
          object: {
            id,
            amount: 12_345,
            currency: 'EUR',
            metadata: { payment_id: paymentId, tenant_id: 'tenant-a' },
          },
        },
      });
      expect(received!.event.data.object['last_payment_error']).toEqual(
        errorCode ? expect.objectContaining({ code: errorCode }) : null,
      );
      expect(Math.abs(received!.event.created - Date.now() / 1000)).toBeLessThan(60);
      // During a rotation the old secret verifies too; any other does not.
      expect(signedWith(OLD_WEBHOOK_SECRET, received!)).toBe(true);
      expect(signedWith('whsec_someone_else', received!)).toBe(false);
      expect(
        signedWith(WEBHOOK_SECRET, { ...received!, body: received!.body.replace('12345', '1') }),
      ).toBe(false);
    },
  );

  it('takes a 3-D Secure payment through the hosted pages: approve, then deny', async () => {
    const paymentId = nextId('pay');
    const id = await createIntent(paymentId);

    const page = await fetch(`${simUrl}/psp/pay/${id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<label for="card_number">');
    expect(html).toContain('123.45 EUR');
    expect(html).not.toMatch(/<script|<link /);

    const unknown = await form(`/psp/pay/${id}`, { card_number: '4111111111111111' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('role="alert"');

    const challenged = await form(`/psp/pay/${id}`, { card_number: '4000 0000 0000 3220' });
    expect(challenged.status).toBe(303);
    expect(challenged.headers.get('location')).toBe(`/psp/pay/${id}/authenticate`);
    const redirectedToChallenge = await fetch(`${simUrl}/psp/pay/${id}`, { redirect: 'manual' });
    expect(redirectedToChallenge.headers.get('location')).toBe(`/psp/pay/${id}/authenticate`);
    const challenge = await (await fetch(`${simUrl}/psp/pay/${id}/authenticate`)).text();
    expect(challenge).toContain('value="approve"');
    expect(challenge).toContain('value="deny"');

    const approved = await form(`/psp/pay/${id}/authenticate`, { result: 'approve' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(
      `https://portal.test/return?session=s1&payment_intent=${id}&status=succeeded`,
    );
    const [succeeded] = await webhooks(about('payment_id', paymentId));
    expect(succeeded!.event).toMatchObject({ type: 'payment_intent.succeeded' });
    expect(await (await fetch(`${simUrl}/psp/pay/${id}`)).text()).toContain('Payment succeeded');
    expect(await (await fetch(simUrl)).text()).toContain(`<a href="${simUrl}/psp/pay/${id}">`);

    const deniedPayment = nextId('pay');
    const other = await createIntent(deniedPayment);
    await form(`/psp/pay/${other}`, { card_number: '4000000000003220' });
    const denied = await form(`/psp/pay/${other}/authenticate`, { result: 'deny' });
    expect(denied.headers.get('location')).toBe(
      `https://portal.test/return?session=s1&payment_intent=${other}&status=requires_payment_method`,
    );
    const [failed] = await webhooks(about('payment_id', deniedPayment));
    expect(failed!.event).toMatchObject({
      type: 'payment_intent.payment_failed',
      data: { object: { last_payment_error: { code: 'authentication_failed' } } },
    });
    // The debtor may try again on the same page, which now says why the last attempt failed.
    expect(await (await fetch(`${simUrl}/psp/pay/${other}`)).text()).toContain('role="alert"');
    const declined = await form(`/psp/pay/${other}`, { card_number: '4000000000000002' });
    expect(declined.headers.get('location')).toContain('status=requires_payment_method');
    const retried = await form(`/psp/pay/${other}`, { card_number: '4242424242424242' });
    expect(retried.headers.get('location')).toContain('status=succeeded');
    await webhooks(about('payment_id', deniedPayment), 3);
  });

  it('refunds part of a payment, refuses an over-refund with 400 and sends refund.succeeded', async () => {
    const paymentId = nextId('pay');
    const id = await createIntent(paymentId, 10_000);
    expect(await api('POST', '/refunds', { payment_intent: id, amount: 100 })).toMatchObject({
      status: 400,
      body: { error: { code: 'payment_not_succeeded' } },
    });
    await control(`/payment_intents/${id}/confirm`, { card_number: '4242424242424242' });

    const refundId = nextId('ref');
    const refund = await api('POST', '/refunds', {
      payment_intent: id,
      amount: 4_000,
      metadata: { refund_id: refundId },
    });
    expect(refund).toMatchObject({
      status: 200,
      body: {
        id: expect.stringMatching(/^re_/) as unknown,
        object: 'refund',
        status: 'succeeded',
        amount: 4_000,
        currency: 'EUR',
        payment_intent: id,
        metadata: { refund_id: refundId },
      },
    });
    const tooMuch = await api('POST', '/refunds', { payment_intent: id, amount: 6_001 });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { code: 'amount_too_large' } } });
    const [received] = await webhooks(about('refund_id', refundId));
    expect(received!.event).toMatchObject({
      type: 'refund.succeeded',
      data: { object: { id: refund.body['id'], payment_intent: id, amount: 4_000 } },
    });

    await control(`/refunds/${refund.body['id'] as string}/fail`);
    await webhooks(about('refund_id', refundId, 'refund.failed'));
  });

  it('opens a dispute with charge.dispute.created', async () => {
    const paymentId = nextId('pay');
    const id = await createIntent(paymentId);
    await control(`/payment_intents/${id}/confirm`, { card_number: '4242424242424242' });

    const dispute = await control(`/payment_intents/${id}/dispute`, { amount: 10_000 });

    expect(dispute).toMatchObject({ id: expect.stringMatching(/^dp_/) as unknown });
    const [received] = await webhooks(about('payment_id', paymentId, 'charge.dispute.created'));
    expect(received!.event.data.object).toEqual(
      expect.objectContaining({
        id: dispute['id'],
        payment_intent: id,
        amount: 10_000,
        currency: 'EUR',
        reason: 'fraudulent',
        metadata: { payment_id: paymentId, tenant_id: 'tenant-a' },
      }),
    );
  });

  it('sets up a mandate on the hosted page, changes its day and cancels it', async () => {
    const mandateId = nextId('man');
    const id = await createMandate(mandateId);
    expect(await api('GET', `/mandates/${id}`)).toMatchObject({
      body: { object: 'mandate', status: 'pending', setup_url: `${simUrl}/psp/mandate/${id}` },
    });
    const page = await (await fetch(`${simUrl}/psp/mandate/${id}`)).text();
    expect(page).toContain('<label for="iban">IBAN</label>');

    const confirmed = await form(`/psp/mandate/${id}`, { iban: 'DE89 3704 0044 0532 0130 00' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(
      `https://portal.test/mandate-done?mandate=${id}&status=active`,
    );
    await webhooks(about('mandate_id', mandateId, 'mandate.active'));

    const changed = await api('POST', `/mandates/${id}`, { collection_day: 20 });
    expect(changed).toMatchObject({ status: 200, body: { collection_day: 20, status: 'active' } });

    const cancelled = await api('POST', `/mandates/${id}/cancel`, undefined, {
      'Idempotency-Key': nextId('cancel'),
    });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const [event] = await webhooks(about('mandate_id', mandateId, 'mandate.cancelled'));
    expect(event!.event.data.object).toMatchObject({ cancellation_reason: 'debtor_request' });
    expect(await api('POST', `/mandates/${id}`, { collection_day: 3 })).toMatchObject({
      status: 400,
      body: { error: { code: 'mandate_cancelled' } },
    });
  });

  it('fails a mandate with a FAIL IBAN and lets the bank cancel one (control API)', async () => {
    const failing = nextId('man');
    const failingId = await createMandate(failing);
    const failedPage = await form(`/psp/mandate/${failingId}`, {
      iban: 'GB00 FAIL 0000 0000 0000',
    });
    expect(failedPage.headers.get('location')).toContain('status=failed');
    const [failed] = await webhooks(about('mandate_id', failing, 'mandate.failed'));
    expect(failed!.event.data.object).toMatchObject({ failure_reason: 'invalid_account' });

    const banked = nextId('man');
    const bankedId = await createMandate(banked);
    expect(await control(`/mandates/${bankedId}/confirm`)).toMatchObject({ status: 'active' });
    await control(`/mandates/${bankedId}/bank-cancel`);
    const [cancelled] = await webhooks(about('mandate_id', banked, 'mandate.cancelled'));
    expect(cancelled!.event.data.object).toMatchObject({ cancellation_reason: 'bank_cancelled' });
  });

  it('settles collections as succeeded, failed or returned', async () => {
    const mandateId = await createMandate(nextId('man'));
    const collect = async (paymentId: string) =>
      api('POST', '/collections', {
        mandate: mandateId,
        amount: 5_000,
        currency: 'EUR',
        charge_date: '2026-12-05',
        metadata: { payment_id: paymentId, tenant_id: 'tenant-a' },
      });
    expect(await collect(nextId('pay'))).toMatchObject({
      status: 400,
      body: { error: { code: 'mandate_not_active' } },
    });
    await control(`/mandates/${mandateId}/confirm`, { iban: 'NL91ABNA0417164300' });

    const ok = nextId('pay');
    const created = await collect(ok);
    expect(created).toMatchObject({
      status: 200,
      body: {
        id: expect.stringMatching(/^col_/) as unknown,
        object: 'collection',
        status: 'pending_submission',
        mandate: mandateId,
      },
    });
    const [succeeded] = await webhooks(about('payment_id', ok));
    expect(succeeded!.event).toMatchObject({
      type: 'collection.succeeded',
      data: {
        object: { id: created.body['id'], mandate: mandateId, amount: 5_000, currency: 'EUR' },
      },
    });

    await control(`/mandates/${mandateId}/next-collection`, { outcome: 'fail' });
    const failing = nextId('pay');
    await collect(failing);
    const [failed] = await webhooks(about('payment_id', failing));
    expect(failed!.event).toMatchObject({
      type: 'collection.failed',
      data: { object: { failure_reason: 'insufficient_funds' } },
    });

    await control(`/mandates/${mandateId}/next-collection`, {
      outcome: 'return',
      reason: 'refer_to_payer',
    });
    const returning = nextId('pay');
    await collect(returning);
    const events = await webhooks(about('payment_id', returning), 2);
    expect(events.map((received) => received.event.type).sort()).toEqual([
      'collection.returned',
      'collection.succeeded',
    ]);
    expect(
      events.find((r) => r.event.type === 'collection.returned')!.event.data.object,
    ).toMatchObject({
      status: 'returned',
      failure_reason: 'refer_to_payer',
    });
  });

  it('redelivers an event N times with the same id and body, freshly signed', async () => {
    const paymentId = nextId('pay');
    const id = await createIntent(paymentId);
    await control(`/payment_intents/${id}/confirm`, { card_number: '4242424242424242' });
    const [original] = await webhooks(about('payment_id', paymentId));

    const result = await control(`/events/${original!.event.id}/redeliver`, { times: 3 });

    expect(result).toEqual({ id: original!.event.id, statuses: [200, 200, 200] });
    const all = await webhooks(about('payment_id', paymentId), 4);
    expect(new Set(all.map((received) => received.body))).toEqual(new Set([original!.body]));
    const listed = (await (
      await fetch(`${simUrl}/psp/control/events?payment_id=${paymentId}`)
    ).json()) as {
      events: { id: string; deliveries: { status: number; redelivery: boolean }[] }[];
    };
    expect(listed.events).toHaveLength(1);
    expect(listed.events[0]!.deliveries.map((d) => [d.status, d.redelivery])).toEqual([
      [200, false],
      [200, true],
      [200, true],
      [200, true],
    ]);
  });

  it('replays an Idempotency-Key with the stored response and refuses it for another body', async () => {
    const key = nextId('idem');
    const body = {
      amount: 2_500,
      currency: 'EUR',
      description: 'Acme Lending',
      return_url: RETURN_URL,
      metadata: { payment_id: nextId('pay'), tenant_id: 'tenant-a' },
    };
    const first = await api('POST', '/payment_intents', body, { 'Idempotency-Key': key });
    const replay = await api(
      'POST',
      '/payment_intents',
      {
        metadata: body.metadata,
        return_url: RETURN_URL,
        description: 'Acme Lending',
        currency: 'EUR',
        amount: 2_500,
      },
      { 'Idempotency-Key': key },
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const reused = await api(
      'POST',
      '/payment_intents',
      { ...body, amount: 2_501 },
      { 'Idempotency-Key': key },
    );
    expect(reused).toMatchObject({
      status: 422,
      body: { error: { code: 'idempotency_key_reused' } },
    });
    const elsewhere = await api('POST', '/mandates', body, { 'Idempotency-Key': key });
    expect(elsewhere.status).toBe(422);
  });

  it('retries a webhook answered with 500, with backoff, until it is accepted', async () => {
    const paymentId = nextId('pay');
    let failuresLeft = 2;
    receiver.answer = (event) =>
      event.data.object.metadata['payment_id'] === paymentId && failuresLeft-- > 0
        ? 500
        : undefined;
    const id = await createIntent(paymentId);
    await control(`/payment_intents/${id}/confirm`, { card_number: '4242424242424242' });

    const attempts = await eventually(() => webhooks(about('payment_id', paymentId), 3), {
      timeoutMs: 15_000,
    });
    expect(new Set(attempts.map((a) => a.event.id)).size).toBe(1);
    const listed = (await (
      await fetch(
        `${simUrl}/psp/control/events?payment_id=${paymentId}&type=payment_intent.succeeded`,
      )
    ).json()) as { events: { deliveries: { status: number; at: string }[] }[] };
    const deliveries = listed.events[0]!.deliveries;
    expect(deliveries.map((d) => d.status)).toEqual([500, 500, 200]);
    const gaps = deliveries
      .slice(1)
      .map((d, i) => Date.parse(d.at) - Date.parse(deliveries[i]!.at));
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_900);
  });
});
