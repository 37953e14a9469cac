import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { crmV1, topicCatalogue } from '@clement/contracts';
import { eventually, uniqueName } from '@clement/testing';
import { PaymentPlatform, type PlacedCase } from './__fixtures__/payment-platform';
import {
  type PaymentServiceHarness,
  startPaymentService,
} from './__fixtures__/payment-service-harness';

interface PaymentBody {
  paymentId: string;
  status: string;
  amountMinor: number;
  redirectUrl: string | null;
  allocations: { accountId: string; amountMinor: number }[];
  unallocatedMinor: number;
}

interface LedgerBody {
  totalBalanceMinor: number;
  creditMinor: number;
  balances: { accountId: string; balanceMinor: number }[];
  entries: {
    kind: string;
    accountId: string | null;
    amountMinor: number;
    paymentId: string | null;
  }[];
}

interface SimEvent {
  id: string;
  type: string;
  data: { object: { id: string; metadata?: Record<string, string> } };
  deliveries: { status: number }[];
}

describe('payment-service payments (real Kafka, PostgreSQL, case-service and the sandbox PSP)', () => {
  const platform = new PaymentPlatform();
  const schema = uniqueName('payment_it');
  let service: PaymentServiceHarness;
  let agent: string;

  beforeAll(async () => {
    await platform.start();
    service = await startPaymentService({ env: platform.paymentEnv(), schema });
    agent = await platform.mint(['agent'], platform.tenant);
  });

  afterAll(async () => {
    await service?.close();
    platform.stop();
  });

  async function ledger(caseId: string): Promise<LedgerBody> {
    const response = await fetch(`${service.baseUrl}/v1/cases/${caseId}/ledger`, {
      headers: platform.auth(agent),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as LedgerBody;
  }

  /** A case placed through the CRM, once payment-service has its opening balances. */
  async function placed(
    accounts: { reference: string; balanceMinor: number; daysPastDue: number }[],
  ) {
    const placedCase = await platform.placeCase(accounts);
    const total = accounts.reduce((sum, account) => sum + account.balanceMinor, 0);
    await eventually(
      async () => expect((await ledger(placedCase.caseId)).totalBalanceMinor).toBe(total),
      {
        timeoutMs: 30_000,
      },
    );
    return placedCase;
  }

  async function payNow(caseId: string, body: Record<string, unknown>, key = randomUUID()) {
    return fetch(`${service.baseUrl}/v1/cases/${caseId}/payments`, {
      method: 'POST',
      headers: platform.auth(agent, key),
      body: JSON.stringify(body),
    });
  }

  async function startPayment(caseId: string, body: Record<string, unknown>): Promise<PaymentBody> {
    const response = await payNow(caseId, body);
    expect(response.status).toBe(201);
    return (await response.json()) as PaymentBody;
  }

  /** The debtor pays on the hosted page with this card (the simulator's control twin of it). */
  async function confirm(redirectUrl: string, cardNumber: string, threeDs?: 'approve' | 'deny') {
    const intentId = new URL(redirectUrl).pathname.split('/').pop();
    const response = await fetch(
      `${platform.simUrl}/psp/control/payment_intents/${intentId}/confirm`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          card_number: cardNumber,
          ...(threeDs ? { three_ds: threeDs } : {}),
        }),
      },
    );
    expect(response.status).toBe(200);
  }

  async function simEvents(paymentId: string, type?: string): Promise<SimEvent[]> {
    const query = new URLSearchParams({ payment_id: paymentId, ...(type ? { type } : {}) });
    const response = await fetch(`${platform.simUrl}/psp/control/events?${query}`);
    return ((await response.json()) as { events: SimEvent[] }).events;
  }

  async function payment(paymentId: string): Promise<PaymentBody> {
    const response = await fetch(`${service.baseUrl}/v1/payments/${paymentId}`, {
      headers: platform.auth(agent),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as PaymentBody;
  }

  async function paymentEvents(paymentId: string) {
    return (await platform.events(topicCatalogue.paymentEvents)).filter(
      (event) => event.message['paymentId'] === paymentId,
    );
  }

  async function pspEventCount(): Promise<number> {
    const [row] = (await service.dataSource.query(
      `SELECT count(*)::int AS "n" FROM "${schema}"."psp_events"`,
    )) as { n: number }[];
    return row.n;
  }

  it('takes a card payment once, in the ledger and in the case balance, although the webhook comes three times', async () => {
    const debt = await placed([
      { reference: 'newer', balanceMinor: 12_000, daysPastDue: 40 },
      { reference: 'older', balanceMinor: 30_000, daysPastDue: 95 },
    ]);
    const pending = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 35_000 });
    expect(pending).toMatchObject({ status: 'initiated', amountMinor: 35_000 });
    expect(pending.redirectUrl).toMatch(/\/psp\/pay\/pi_/);

    await confirm(pending.redirectUrl!, '4242424242424242');
    const succeeded = await eventually(async () => {
      const seen = await payment(pending.paymentId);
      expect(seen.status).toBe('succeeded');
      return seen;
    });
    // Oldest arrears first: the 95-day account is cleared, the rest goes to the newer one.
    expect(succeeded.allocations).toEqual([
      { accountId: debt.accountIds['older'], amountMinor: 30_000 },
      { accountId: debt.accountIds['newer'], amountMinor: 5_000 },
    ]);

    const [event] = await simEvents(pending.paymentId, 'payment_intent.succeeded');
    const redelivered = await fetch(`${platform.simUrl}/psp/control/events/${event.id}/redeliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ times: 2 }),
    });
    expect(redelivered.status).toBe(200);
    expect(((await redelivered.json()) as { statuses: number[] }).statuses).toEqual([200, 200]);
    const deliveries = (await simEvents(pending.paymentId, 'payment_intent.succeeded'))[0]
      .deliveries;
    expect(deliveries.filter((delivery) => delivery.status === 200)).toHaveLength(3);

    const book = await ledger(debt.caseId);
    expect(book.entries.filter((entry) => entry.kind === 'payment')).toEqual([
      expect.objectContaining({ accountId: debt.accountIds['older'], amountMinor: -30_000 }),
      expect.objectContaining({ accountId: debt.accountIds['newer'], amountMinor: -5_000 }),
    ]);
    expect(book.totalBalanceMinor).toBe(7_000);

    // case-service follows the one PaymentSucceeded: 42,000 - 35,000, and stays there.
    await eventually(
      async () => expect((await platform.caseView(debt.caseId)).totalBalanceMinor).toBe(7_000),
      {
        timeoutMs: 30_000,
      },
    );
    await sleep(1_000);
    expect((await platform.caseView(debt.caseId)).totalBalanceMinor).toBe(7_000);
    const types = (await paymentEvents(pending.paymentId)).map((seen) => seen.type);
    expect(types.filter((type) => type === 'PaymentSucceeded')).toHaveLength(1);
    expect(types).toContain('PaymentInitiated');
  });

  it('refuses forged, tampered, stale and unreadable webhooks and changes nothing', async () => {
    const debt = await placed([{ reference: 'only', balanceMinor: 20_000, daysPastDue: 60 }]);
    const pending = await startPayment(debt.caseId, { purpose: 'full' });
    const intentId = new URL(pending.redirectUrl!).pathname.split('/').pop()!;
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: `evt_forged_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: now,
      data: {
        object: {
          id: intentId,
          object: 'payment_intent',
          amount: 20_000,
          currency: 'eur',
          status: 'succeeded',
          metadata: { payment_id: pending.paymentId, tenant_id: platform.tenant },
        },
      },
    });
    const sign = (secret: string, t: number, payload = body) =>
      `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(`${service.baseUrl}/webhooks/psp/sandbox`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });
    const before = await pspEventCount();

    expect((await post({ 'psp-signature': sign('whsec_not_the_secret', now) })).status).toBe(403);
    const tampered = body.replace('"amount":20000', '"amount":1');
    expect(
      (await post({ 'psp-signature': sign(platform.webhookSecret, now) }, tampered)).status,
    ).toBe(403);
    expect((await post({ 'psp-signature': sign(platform.webhookSecret, now - 600) })).status).toBe(
      403,
    );
    expect((await post({ 'psp-signature': sign(platform.webhookSecret, now + 600) })).status).toBe(
      403,
    );
    expect((await post({})).status).toBe(400);
    expect((await post({ 'psp-signature': 'garbage' })).status).toBe(400);
    const genuine = await post({ 'psp-signature': sign(platform.webhookSecret, now) });
    // The same event correctly signed is accepted: the refusals above were about the signature.
    expect(genuine.status).toBe(200);

    expect(await pspEventCount()).toBe(before + 1);
  });

  it('changes nothing for refused webhooks: the payment stays initiated and the ledger untouched', async () => {
    const debt = await placed([{ reference: 'only', balanceMinor: 9_000, daysPastDue: 30 }]);
    const pending = await startPayment(debt.caseId, { purpose: 'full' });
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: new URL(pending.redirectUrl!).pathname.split('/').pop(),
          amount: 9_000,
          currency: 'eur',
          metadata: { payment_id: pending.paymentId, tenant_id: platform.tenant },
        },
      },
    });
    const stale = Math.floor(Date.now() / 1000) - 301;
    const signature = `t=${stale},v1=${createHmac('sha256', platform.webhookSecret).update(`${stale}.${body}`).digest('hex')}`;
    const response = await fetch(`${service.baseUrl}/webhooks/psp/sandbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'psp-signature': signature },
      body,
    });
    expect(response.status).toBe(403);
    expect((await payment(pending.paymentId)).status).toBe('initiated');
    const book = await ledger(debt.caseId);
    expect(book.totalBalanceMinor).toBe(9_000);
    expect(book.entries.map((entry) => entry.kind)).toEqual(['placed']);
  });

  it('records a declined card, then the retry on the same page; 3-D Secure approve and deny', async () => {
    const debt = await placed([{ reference: 'only', balanceMinor: 15_000, daysPastDue: 50 }]);
    const first = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 5_000 });
    await confirm(first.redirectUrl!, '4000000000000002');
    await eventually(async () => expect((await payment(first.paymentId)).status).toBe('failed'));
    expect((await payment(first.paymentId)).status).toBe('failed');
    await confirm(first.redirectUrl!, '4242424242424242');
    await eventually(async () => expect((await payment(first.paymentId)).status).toBe('succeeded'));

    const secure = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 4_000 });
    await confirm(secure.redirectUrl!, '4000000000003220', 'approve');
    await eventually(async () =>
      expect((await payment(secure.paymentId)).status).toBe('succeeded'),
    );

    const denied = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 1_000 });
    await confirm(denied.redirectUrl!, '4000000000003220', 'deny');
    await eventually(async () => {
      const seen = await payment(denied.paymentId);
      expect(seen).toMatchObject({ status: 'failed', failureReason: 'authentication_failed' });
    });
    expect((await ledger(debt.caseId)).totalBalanceMinor).toBe(6_000);
    const types = (await paymentEvents(first.paymentId)).map((seen) => seen.type);
    expect(types).toEqual(expect.arrayContaining(['PaymentFailed', 'PaymentSucceeded']));
  });

  it('refunds part of a payment and takes a chargeback: balances rise again by what left', async () => {
    const debt = await placed([{ reference: 'only', balanceMinor: 10_000, daysPastDue: 70 }]);
    const paid = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 8_000 });
    await confirm(paid.redirectUrl!, '4242424242424242');
    await eventually(async () => expect((await payment(paid.paymentId)).status).toBe('succeeded'));

    const refund = await fetch(`${service.baseUrl}/v1/payments/${paid.paymentId}/refunds`, {
      method: 'POST',
      headers: platform.auth(agent, randomUUID()),
      body: JSON.stringify({ amountMinor: 3_000 }),
    });
    expect(refund.status).toBe(201);
    expect(await refund.json()).toMatchObject({ status: 'succeeded', amountMinor: 3_000 });
    const tooMuch = await fetch(`${service.baseUrl}/v1/payments/${paid.paymentId}/refunds`, {
      method: 'POST',
      headers: platform.auth(agent, randomUUID()),
      body: JSON.stringify({ amountMinor: 5_001 }),
    });
    expect(tooMuch.status).toBe(422);
    await eventually(async () => expect((await ledger(debt.caseId)).totalBalanceMinor).toBe(5_000));
    expect((await payment(paid.paymentId)).status).toBe('partially_refunded');

    const intentId = new URL(paid.redirectUrl!).pathname.split('/').pop();
    const dispute = await fetch(
      `${platform.simUrl}/psp/control/payment_intents/${intentId}/dispute`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'fraudulent' }),
      },
    );
    expect(dispute.status).toBe(200);
    await eventually(async () =>
      expect((await payment(paid.paymentId)).status).toBe('charged_back'),
    );
    const book = await ledger(debt.caseId);
    expect(book.totalBalanceMinor).toBe(10_000);
    expect(book.entries.map((entry) => entry.kind)).toEqual([
      'placed',
      'payment',
      'refund',
      'chargeback',
    ]);
    const types = (await paymentEvents(paid.paymentId)).map((seen) => seen.type);
    expect(types).toEqual(expect.arrayContaining(['PaymentRefunded', 'PaymentChargedBack']));
    await eventually(
      async () => expect((await platform.caseView(debt.caseId)).totalBalanceMinor).toBe(10_000),
      {
        timeoutMs: 30_000,
      },
    );
  });

  it('holds an overpayment as credit and refunds it from the credit first', async () => {
    const debt = await placed([{ reference: 'only', balanceMinor: 6_000, daysPastDue: 20 }]);
    // Two payments started while 6,000 was owed; both are paid.
    const a = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 5_000 });
    const b = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 4_000 });
    await confirm(a.redirectUrl!, '4242424242424242');
    await eventually(async () => expect((await payment(a.paymentId)).status).toBe('succeeded'));
    await confirm(b.redirectUrl!, '4242424242424242');
    const second = await eventually(async () => {
      const seen = await payment(b.paymentId);
      expect(seen.status).toBe('succeeded');
      return seen;
    });
    expect(second.unallocatedMinor).toBe(3_000);
    expect((await ledger(debt.caseId)).creditMinor).toBe(3_000);

    const refund = await fetch(`${service.baseUrl}/v1/payments/${b.paymentId}/refunds`, {
      method: 'POST',
      headers: platform.auth(agent, randomUUID()),
      body: JSON.stringify({ amountMinor: 3_000 }),
    });
    expect(refund.status).toBe(201);
    const book = await ledger(debt.caseId);
    expect(book.creditMinor).toBe(0);
    expect(book.totalBalanceMinor).toBe(0);
    expect(book.entries.filter((entry) => entry.kind === 'overpayment_refund')).toHaveLength(1);
  });

  it('reconciles the creditor reporting a payment taken here: counted once', async () => {
    const debt: PlacedCase = await placed([
      { reference: 'only', balanceMinor: 20_000, daysPastDue: 45 },
    ]);
    const paid = await startPayment(debt.caseId, { purpose: 'part', amountMinor: 7_500 });
    await confirm(paid.redirectUrl!, '4242424242424242');
    await eventually(async () => expect((await payment(paid.paymentId)).status).toBe('succeeded'));
    await eventually(
      async () => expect((await platform.caseView(debt.caseId)).totalBalanceMinor).toBe(12_500),
      {
        timeoutMs: 30_000,
      },
    );

    // The creditor applied PaymentReceived and reports it back with Clement's payment id.
    await platform.publishCrm(debt.creditorDebtorId, crmV1.PaymentReportedSchema, {
      creditorDebtorId: debt.creditorDebtorId,
      accountReference: `${debt.creditorDebtorId}-only`,
      sourceVersion: 1n,
      creditorPaymentReference: paid.paymentId,
      amount: { amountMinor: 7_500n, currency: 'EUR' },
      paidAt: timestampFromDate(new Date()),
      method: crmV1.PaymentMethod.CARD,
      status: crmV1.PaymentReportStatus.RECEIVED,
    });
    await eventually(
      async () => {
        const types = (await paymentEvents(paid.paymentId)).map((seen) => seen.type);
        expect(types).toContain('PaymentReconciled');
      },
      { timeoutMs: 30_000 },
    );
    // And a payment the creditor took itself is booked when its balance update says so.
    await platform.publishCrm(debt.creditorDebtorId, crmV1.PaymentReportedSchema, {
      creditorDebtorId: debt.creditorDebtorId,
      accountReference: `${debt.creditorDebtorId}-only`,
      sourceVersion: 2n,
      creditorPaymentReference: 'BANK-TRANSFER-991',
      amount: { amountMinor: 2_500n, currency: 'EUR' },
      paidAt: timestampFromDate(new Date()),
      method: crmV1.PaymentMethod.BANK_TRANSFER,
      status: crmV1.PaymentReportStatus.RECEIVED,
    });
    await platform.publishCrm(debt.creditorDebtorId, crmV1.AccountUpdatedSchema, {
      creditorDebtorId: debt.creditorDebtorId,
      accountReference: `${debt.creditorDebtorId}-only`,
      sourceVersion: 2n,
      currentBalance: { amountMinor: 10_000n, currency: 'EUR' },
      daysPastDue: 45,
    });
    await eventually(
      async () => expect((await ledger(debt.caseId)).totalBalanceMinor).toBe(10_000),
      {
        timeoutMs: 30_000,
      },
    );
    const book = await ledger(debt.caseId);
    expect(book.entries.map((entry) => [entry.kind, entry.amountMinor])).toEqual([
      ['placed', 20_000],
      ['payment', -7_500],
      ['creditor_payment', -2_500],
    ]);
  });

  describe('Idempotency-Key', () => {
    it('returns the stored response for the same key and body, and 422 for another body', async () => {
      const debt = await placed([{ reference: 'only', balanceMinor: 5_000, daysPastDue: 10 }]);
      const key = randomUUID();
      const first = await payNow(debt.caseId, { purpose: 'part', amountMinor: 1_000 }, key);
      expect(first.status).toBe(201);
      const again = await payNow(debt.caseId, { purpose: 'part', amountMinor: 1_000 }, key);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toEqual(await first.json());
      const other = await payNow(debt.caseId, { purpose: 'part', amountMinor: 2_000 }, key);
      expect(other.status).toBe(422);
      const rows = (await service.dataSource.query(
        `SELECT count(*)::int AS "n" FROM "${schema}"."payments" WHERE "case_id" = $1`,
        [debt.caseId],
      )) as { n: number }[];
      expect(rows[0].n).toBe(1);
      const missing = await fetch(`${service.baseUrl}/v1/cases/${debt.caseId}/payments`, {
        method: 'POST',
        headers: platform.auth(agent),
        body: JSON.stringify({ purpose: 'full' }),
      });
      expect(missing.status).toBe(400);
    });

    it('answers 409 while the first request with the key is still being handled', async () => {
      const debt = await placed([{ reference: 'only', balanceMinor: 5_000, daysPastDue: 10 }]);
      const key = randomUUID();
      // Hold the case's row: the first request waits inside its transaction, its key in progress.
      const runner = service.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      await runner.query(
        `SELECT 1 FROM "${schema}"."cases" WHERE "tenant_id" = $1 AND "case_id" = $2 FOR UPDATE`,
        [platform.tenant, debt.caseId],
      );
      const first = payNow(debt.caseId, { purpose: 'full' }, key);
      await eventually(async () => {
        const rows = (await service.dataSource.query(
          `SELECT count(*)::int AS "n" FROM "${schema}"."idempotency_keys" WHERE "key" = $1`,
          [key],
        )) as { n: number }[];
        expect(rows[0].n).toBe(1);
      });
      const second = await payNow(debt.caseId, { purpose: 'full' }, key);
      expect(second.status).toBe(409);
      expect(second.headers.get('retry-after')).not.toBeNull();
      await runner.commitTransaction();
      await runner.release();
      expect((await first).status).toBe(201);
      const replay = await payNow(debt.caseId, { purpose: 'full' }, key);
      expect(replay.status).toBe(201);
    });
  });
});
