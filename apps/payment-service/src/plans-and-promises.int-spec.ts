import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { topicCatalogue } from '@clement/contracts';
import { eventually, uniqueName } from '@clement/testing';
import { PaymentPlatform } from './__fixtures__/payment-platform';
import {
  type PaymentServiceHarness,
  startPaymentService,
} from './__fixtures__/payment-service-harness';
import { VirtualClock } from '@clement/testing';

const DAY_MS = 86_400_000;

interface PromiseBody {
  promiseId: string;
  status: string;
  deadlineAt: string;
  paidMinor: number;
}

interface OfferBody {
  offerId: string;
  plans: {
    frequency: string;
    shortest: { instalments: number };
    longest: { instalments: number };
    firstPaymentDates: { earliest: string; latest: string };
  }[];
}

interface PlanBody {
  planId: string;
  status: string;
  missedInstalments: number;
  instalments: { number: number; dueDate: string; amountMinor: number; paidMinor: number }[];
}

/**
 * Promises, plans and direct debit through the running service, on real Kafka, PostgreSQL,
 * case-service and the sandbox PSP, with the business clock injected: deadlines and missed
 * instalments are reached by moving the clock, never by waiting days.
 */
describe('payment-service promises, plans and direct debit (virtual clock)', () => {
  const platform = new PaymentPlatform();
  const schema = uniqueName('payment_plans_it');
  // Real time now, so payments the simulator timestamps fall after the promises are made.
  const clock = new VirtualClock(Date.now());
  let service: PaymentServiceHarness;
  let agent: string;
  let portal: string;

  beforeAll(async () => {
    await platform.start();
    service = await startPaymentService({
      env: platform.paymentEnv({ COLLECTION_LEAD_DAYS: '3' }),
      schema,
      overrides: { clock: clock.clock },
    });
    agent = await platform.mint(['agent'], platform.tenant);
    portal = await platform.mint(['debtor-portal'], platform.tenant);
  });

  afterAll(async () => {
    await service?.close();
    platform.stop();
  });

  async function call<T>(method: string, path: string, body?: unknown, token = agent) {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: platform.auth(token, method === 'GET' ? undefined : randomUUID()),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function placed(balanceMinor: number) {
    const debt = await platform.placeCase([{ reference: 'only', balanceMinor, daysPastDue: 60 }]);
    await eventually(
      async () => {
        const ledger = await call<{ totalBalanceMinor: number }>(
          'GET',
          `/v1/cases/${debt.caseId}/ledger`,
        );
        expect(ledger.body.totalBalanceMinor).toBe(balanceMinor);
      },
      { timeoutMs: 30_000 },
    );
    return debt;
  }

  async function payByCard(caseId: string, body: Record<string, unknown>) {
    const started = await call<{ paymentId: string; redirectUrl: string }>(
      'POST',
      `/v1/cases/${caseId}/payments`,
      body,
      portal,
    );
    expect(started.status).toBe(201);
    const intentId = new URL(started.body.redirectUrl).pathname.split('/').pop();
    const confirmed = await fetch(
      `${platform.simUrl}/psp/control/payment_intents/${intentId}/confirm`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ card_number: '4242424242424242' }),
      },
    );
    expect(confirmed.status).toBe(200);
    await eventually(async () => {
      const payment = await call<{ status: string }>(
        'GET',
        `/v1/payments/${started.body.paymentId}`,
      );
      expect(payment.body.status).toBe('succeeded');
    });
    return started.body.paymentId;
  }

  async function paymentEventTypes(filter: (message: Record<string, unknown>) => boolean) {
    return (await platform.events(topicCatalogue.paymentEvents))
      .filter((event) => filter(event.message))
      .map((event) => event.type);
  }

  it('keeps a promise when the promised amount is paid by its date', async () => {
    const debt = await placed(20_000);
    const today = new Date(clock.now).toISOString().slice(0, 10);
    const dueDate = new Date(clock.now + 3 * DAY_MS).toISOString().slice(0, 10);
    const made = await call<PromiseBody>(
      'POST',
      `/v1/cases/${debt.caseId}/promises`,
      {
        amountMinor: 6_000,
        dueDate,
      },
      portal,
    );
    expect(made.status).toBe(201);
    expect(made.body.status).toBe('open');
    // One open promise per case.
    const another = await call('POST', `/v1/cases/${debt.caseId}/promises`, {
      amountMinor: 1_000,
      dueDate: today,
    });
    expect(another.status).toBe(409);

    await payByCard(debt.caseId, {
      purpose: 'part',
      amountMinor: 6_000,
      promiseId: made.body.promiseId,
    });
    const kept = await eventually(async () => {
      const promise = await call<PromiseBody>('GET', `/v1/promises/${made.body.promiseId}`);
      expect(promise.body.status).toBe('kept');
      return promise.body;
    });
    expect(kept.paidMinor).toBe(6_000);
    // Past its deadline it stays kept: the scheduler breaks only open promises.
    clock.set(new Date(made.body.deadlineAt).getTime() + 1_000);
    await sleep(600);
    const types = await paymentEventTypes((m) => m['promiseId'] === made.body.promiseId);
    expect(types.filter((type) => type === 'PromiseKept')).toHaveLength(1);
    expect(types).not.toContain('PromiseBroken');
  });

  it("breaks a promise at its due date plus grace, in the debtor's zone, and not a moment before", async () => {
    const debt = await placed(15_000);
    const dueDate = new Date(clock.now + 2 * DAY_MS).toISOString().slice(0, 10);
    const made = await call<PromiseBody>('POST', `/v1/cases/${debt.caseId}/promises`, {
      amountMinor: 5_000,
      dueDate,
    });
    expect(made.status).toBe(201);
    // Grace 2 days; the deadline is the start of the day after in Madrid.
    const deadline = new Date(made.body.deadlineAt).getTime();
    const graceEnd = new Date(`${dueDate}T00:00:00Z`).getTime() + 3 * DAY_MS;
    expect(graceEnd - deadline).toBeGreaterThanOrEqual(3_600_000);
    expect(graceEnd - deadline).toBeLessThanOrEqual(2 * 3_600_000);

    clock.set(deadline - 1_000);
    await sleep(600);
    expect(
      (await call<PromiseBody>('GET', `/v1/promises/${made.body.promiseId}`)).body.status,
    ).toBe('open');

    clock.set(deadline);
    await eventually(async () => {
      const promise = await call<PromiseBody>('GET', `/v1/promises/${made.body.promiseId}`);
      expect(promise.body.status).toBe('broken');
    });
    await eventually(async () => {
      const types = await paymentEventTypes((m) => m['promiseId'] === made.body.promiseId);
      expect(types).toEqual(['PromiseMade', 'PromiseBroken']);
    });
  });

  it('agrees a plan within the offer, takes an instalment, and breaks it after two misses', async () => {
    const debt = await placed(12_000);
    const offer = await call<OfferBody>('POST', `/v1/cases/${debt.caseId}/offers`, {}, portal);
    expect(offer.status).toBe(201);
    const monthly = offer.body.plans.find((plan) => plan.frequency === 'monthly')!;
    const outside = await call(
      'POST',
      `/v1/cases/${debt.caseId}/plans`,
      {
        offerId: offer.body.offerId,
        frequency: 'monthly',
        instalments: monthly.longest.instalments + 1,
        firstPaymentDate: monthly.firstPaymentDates.earliest,
      },
      portal,
    );
    expect(outside.status).toBe(422);
    const created = await call<PlanBody>(
      'POST',
      `/v1/cases/${debt.caseId}/plans`,
      {
        offerId: offer.body.offerId,
        frequency: 'monthly',
        instalments: 3,
        firstPaymentDate: monthly.firstPaymentDates.earliest,
      },
      portal,
    );
    expect(created.status).toBe(201);
    expect(created.body.instalments.map((i) => i.amountMinor)).toEqual([4_000, 4_000, 4_000]);
    await eventually(
      async () => expect((await platform.caseView(debt.caseId)).status).toBe('arrangement'),
      {
        timeoutMs: 30_000,
      },
    );

    await payByCard(debt.caseId, { purpose: 'instalment', planId: created.body.planId });
    const afterFirst = await call<PlanBody>('GET', `/v1/plans/${created.body.planId}`);
    expect(afterFirst.body.instalments[0].paidMinor).toBe(4_000);
    expect(afterFirst.body.status).toBe('active');

    // The third instalment's due date plus the 3 grace days: two missed, the plan breaks.
    const third = created.body.instalments[2].dueDate;
    clock.set(new Date(`${third}T00:00:00Z`).getTime() + 5 * DAY_MS);
    await eventually(async () => {
      const plan = await call<PlanBody>('GET', `/v1/plans/${created.body.planId}`);
      expect(plan.body.status).toBe('broken');
      expect(plan.body.missedInstalments).toBe(2);
    });
    const types = await eventually(async () => {
      const seen = await paymentEventTypes((m) => m['planId'] === created.body.planId);
      expect(seen).toContain('PlanBreached');
      return seen;
    });
    expect(types.filter((type) => type === 'PlanBreached')).toHaveLength(1);
    await eventually(
      async () => expect((await platform.caseView(debt.caseId)).status).toBe('active'),
      {
        timeoutMs: 30_000,
      },
    );
  });

  it('collects an instalment by direct debit after the mandate is set up, and moves the collection day', async () => {
    const debt = await placed(9_000);
    const offer = await call<OfferBody>('POST', `/v1/cases/${debt.caseId}/offers`, {});
    const monthly = offer.body.plans.find((plan) => plan.frequency === 'monthly')!;
    const plan = await call<PlanBody>('POST', `/v1/cases/${debt.caseId}/plans`, {
      offerId: offer.body.offerId,
      frequency: 'monthly',
      instalments: 3,
      firstPaymentDate: monthly.firstPaymentDates.earliest,
    });
    expect(plan.status).toBe(201);
    const mandate = await call<{ mandateId: string; status: string; setupUrl: string }>(
      'POST',
      `/v1/cases/${debt.caseId}/mandates`,
      { collectionDay: 5, planId: plan.body.planId },
      portal,
    );
    expect(mandate.status).toBe(201);
    expect(mandate.body.status).toBe('pending');
    const pspMandateId = new URL(mandate.body.setupUrl).pathname.split('/').pop();
    const confirmed = await fetch(
      `${platform.simUrl}/psp/control/mandates/${pspMandateId}/confirm`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({}),
      },
    );
    expect(confirmed.status).toBe(200);
    await eventually(async () => {
      const seen = await call<{ status: string }>('GET', `/v1/mandates/${mandate.body.mandateId}`);
      expect(seen.body.status).toBe('active');
    });

    // The first instalment is due within the lead days: its collection goes in and succeeds.
    await eventually(
      async () => {
        const seen = await call<PlanBody>('GET', `/v1/plans/${plan.body.planId}`);
        expect(seen.body.instalments[0].paidMinor).toBe(3_000);
      },
      { timeoutMs: 30_000 },
    );
    const payments = await call<{ items: { method: string; status: string }[] }>(
      'GET',
      `/v1/cases/${debt.caseId}/payments`,
    );
    expect(payments.body.items).toEqual([
      expect.objectContaining({ method: 'direct_debit', status: 'succeeded' }),
    ]);

    // Payday is the 25th: collections move after it, and so do the plan's remaining dates.
    const moved = await call<{ collectionDay: number }>(
      'PATCH',
      `/v1/mandates/${mandate.body.mandateId}`,
      {
        collectionDay: 27,
      },
    );
    expect(moved.status).toBe(200);
    const after = await call<PlanBody>('GET', `/v1/plans/${plan.body.planId}`);
    const unpaid = after.body.instalments.filter((i) => i.paidMinor < i.amountMinor);
    expect(unpaid.length).toBeGreaterThan(0);
    expect(unpaid.every((i) => i.dueDate.endsWith('-27'))).toBe(true);
    await eventually(async () => {
      const types = await paymentEventTypes((m) => m['mandateId'] === mandate.body.mandateId);
      expect(types).toEqual(expect.arrayContaining(['MandateCreated', 'CollectionDateChanged']));
    });
  });
  it('takes a returned collection back off the ledger and the plan', async () => {
    const debt = await placed(6_000);
    const offer = await call<OfferBody>('POST', `/v1/cases/${debt.caseId}/offers`, {});
    const monthly = offer.body.plans.find((plan) => plan.frequency === 'monthly')!;
    const plan = await call<PlanBody>('POST', `/v1/cases/${debt.caseId}/plans`, {
      offerId: offer.body.offerId,
      frequency: 'monthly',
      instalments: 2,
      firstPaymentDate: monthly.firstPaymentDates.earliest,
    });
    expect(plan.status).toBe(201);
    const mandate = await call<{ mandateId: string; setupUrl: string }>(
      'POST',
      `/v1/cases/${debt.caseId}/mandates`,
      { collectionDay: 10, planId: plan.body.planId },
    );
    const pspMandateId = new URL(mandate.body.setupUrl).pathname.split('/').pop();
    const control = (path: string, body: unknown) =>
      fetch(`${platform.simUrl}/psp/control/mandates/${pspMandateId}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The debtor's bank will return the first collection (refer to payer).
    expect(
      (await control('next-collection', { outcome: 'return', reason: 'refer_to_payer' })).status,
    ).toBe(200);
    expect((await control('confirm', {})).status).toBe(200);

    const charged = await eventually(
      async () => {
        const payments = await call<{
          items: { paymentId: string; status: string; method: string }[];
        }>('GET', `/v1/cases/${debt.caseId}/payments`);
        expect(payments.body.items).toEqual([
          expect.objectContaining({ method: 'direct_debit', status: 'charged_back' }),
        ]);
        return payments.body.items[0];
      },
      { timeoutMs: 30_000 },
    );
    const ledger = await call<{ totalBalanceMinor: number; entries: { kind: string }[] }>(
      'GET',
      `/v1/cases/${debt.caseId}/ledger`,
    );
    expect(ledger.body.totalBalanceMinor).toBe(6_000);
    expect(ledger.body.entries.map((entry) => entry.kind)).toEqual([
      'placed',
      'payment',
      'chargeback',
    ]);
    const after = await call<PlanBody>('GET', `/v1/plans/${plan.body.planId}`);
    expect(after.body.instalments[0].paidMinor).toBe(0);
    const types = await paymentEventTypes((m) => m['paymentId'] === charged.paymentId);
    expect(types).toEqual(['PaymentInitiated', 'PaymentSucceeded', 'PaymentChargedBack']);
    await eventually(
      async () => expect((await platform.caseView(debt.caseId)).totalBalanceMinor).toBe(6_000),
      {
        timeoutMs: 30_000,
      },
    );
  });
});
