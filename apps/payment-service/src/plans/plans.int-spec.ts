import { paymentV1 } from '@clement/contracts';
import type { SucceededPayment } from '../payments/payment-record';
import { MakeOffer } from '../offers/make-offer.use-case';
import { OffersRepository } from '../offers/offers.repository';
import {
  agent,
  openPaymentDatabase,
  type PaymentDatabase,
  portal,
  TENANT,
} from '../__fixtures__/payment-database';
import { PlanEvaluation } from './plan-evaluation';
import { PlanPaymentListener } from './plan-payment.listener';
import { PlansRepository } from './plans.repository';
import { CancelPlan } from './use-cases/cancel-plan.use-case';
import { ChangePlan } from './use-cases/change-plan.use-case';
import { CreatePlan } from './use-cases/create-plan.use-case';
import { PlanQueries } from './use-cases/plan-queries';

/**
 * Plans against a real PostgreSQL schema: offer → plan, payments in due-date order, completion,
 * arrears and breach found by the scheduler on a virtual clock (once, with two replicas), a
 * chargeback reopening a completed plan, re-scheduling and cancelling.
 */
describe('payment plans (PostgreSQL)', () => {
  let db: PaymentDatabase;
  let plans: PlansRepository;
  let makeOffer: MakeOffer;
  let createPlan: CreatePlan;
  let changePlan: ChangePlan;
  let cancelPlan: CancelPlan;
  let queries: PlanQueries;
  let listener: PlanPaymentListener;
  let evaluation: PlanEvaluation;

  beforeAll(async () => {
    db = await openPaymentDatabase('plans_it', '2024-02-20T10:00:00Z');
    plans = new PlansRepository(db.schema);
    const offers = new OffersRepository(db.schema);
    makeOffer = new MakeOffer(db.dataSource, db.contexts, offers, db.outbox);
    createPlan = new CreatePlan(db.dataSource, db.contexts, offers, plans, db.outbox);
    changePlan = new ChangePlan(db.dataSource, db.contexts, plans, db.outbox);
    cancelPlan = new CancelPlan(db.dataSource, plans, db.outbox, db.clock.now);
    queries = new PlanQueries(db.dataSource, plans, db.cases);
    listener = new PlanPaymentListener(plans, db.cases, db.payments, db.tenants, db.clock.now);
    evaluation = new PlanEvaluation(db.dataSource, plans, db.tenants, db.outbox);
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(() => db.clock.set('2024-02-20T10:00:00Z'));

  async function planFor(caseId: string, firstPaymentDate: string, instalments = 3) {
    await db.seedCase(caseId, 300_00);
    const offer = await makeOffer.execute(TENANT, caseId, { segment: 'early' });
    return createPlan.execute(TENANT, caseId, portal, {
      offerId: offer.offerId,
      frequency: 'monthly',
      instalments,
      firstPaymentDate,
    });
  }

  function pay(
    caseId: string,
    amountMinor: number,
    settledAt = db.clock.now(),
    paymentId = `pay-${Math.random().toString(36).slice(2)}`,
  ) {
    const payment: SucceededPayment = {
      tenantId: TENANT,
      paymentId,
      caseId,
      debtorId: `debtor-${caseId}`,
      amountMinor,
      currency: 'EUR',
      purpose: 'instalment',
      method: 'card',
      planId: null,
      promiseId: null,
      settledAt,
    };
    return db.dataSource.transaction(async (manager) => {
      const events = await listener.paymentSucceeded(manager, payment);
      await db.outbox.appendAll(manager, events);
      return events;
    });
  }

  it('creates a plan from an offer and completes it as payments arrive, earliest first', async () => {
    const { plan, instalments } = await planFor('case-complete', '2024-02-29');
    expect(instalments).toEqual([
      { dueDate: '2024-02-29', amountMinor: 100_00 },
      { dueDate: '2024-03-29', amountMinor: 100_00 },
      { dueDate: '2024-04-29', amountMinor: 100_00 },
    ]);
    const [created] = (await db.events(paymentV1.PlanCreatedSchema)).filter(
      (e) => e.planId === plan.planId,
    );
    expect(created).toMatchObject({
      frequency: 'monthly',
      settlement: false,
      createdBy: { id: 'debtor-case-complete' },
    });
    expect(created.total?.amountMinor).toBe(300_00n);
    expect((await db.events(paymentV1.PlanOfferedSchema)).map((e) => e.offerId)).toContain(
      plan.offerId,
    );

    await expect(planFor('case-complete', '2024-02-29')).rejects.toMatchObject({
      code: 'plan.already_live',
    });

    expect(await pay('case-complete', 150_00)).toEqual([]);
    const partly = await queries.get(TENANT, plan.planId);
    expect(partly.instalments.map((i) => i.paidMinor)).toEqual([100_00, 50_00, 0]);

    const events = await pay('case-complete', 150_00);
    expect(events.map((e) => e.schema.typeName)).toEqual(['clement.payment.v1.PlanCompleted']);
    expect((await queries.get(TENANT, plan.planId)).plan.status).toBe('completed');
    // Nothing live any more: a later payment changes no plan.
    expect(await pay('case-complete', 10_00)).toEqual([]);
  });

  it('finds arrears, then breaks the plan once even with two replicas evaluating', async () => {
    const { plan } = await planFor('case-breach', '2024-02-22');
    // 22 Feb + 3 days' grace: missed from 26 Feb 00:00 in Madrid (25 Feb 23:00 UTC).
    expect(await evaluation.evaluateDue(new Date('2024-02-25T22:59:59Z'))).toBe(0);
    expect((await plans.find(db.dataSource, TENANT, plan.planId))?.status).toBe('active');
    expect(await evaluation.evaluateDue(new Date('2024-02-25T23:00:00Z'))).toBe(1);
    expect(await plans.find(db.dataSource, TENANT, plan.planId)).toMatchObject({
      status: 'in_arrears',
      missedCount: 1,
    });
    expect(await evaluation.evaluateDue(new Date('2024-02-26T12:00:00Z'))).toBe(0);

    const at = new Date('2024-03-25T23:00:00Z');
    const results = await Promise.all([evaluation.evaluateDue(at), evaluation.evaluateDue(at)]);
    expect(results[0] + results[1]).toBe(1);
    const breached = (await db.events(paymentV1.PlanBreachedSchema)).filter(
      (e) => e.planId === plan.planId,
    );
    expect(breached).toHaveLength(1);
    expect(breached[0].missedInstalments).toBe(2);
    expect(await plans.find(db.dataSource, TENANT, plan.planId)).toMatchObject({
      status: 'broken',
      missedCount: 2,
    });
    expect(await evaluation.evaluateDue(new Date('2024-06-01T00:00:00Z'))).toBe(0);
    // A broken plan is not live: a new one may be agreed.
    db.clock.set('2024-03-26T10:00:00Z');
    const offer = await makeOffer.execute(TENANT, 'case-breach', {});
    await expect(
      createPlan.execute(TENANT, 'case-breach', agent, {
        offerId: offer.offerId,
        frequency: 'weekly',
        instalments: 6,
        firstPaymentDate: '2024-03-28',
      }),
    ).resolves.toMatchObject({
      plan: { status: 'active', createdBy: { kind: 'staff', id: 'agent-7' } },
    });
  });

  it('leaves a plan alone when a payment that never counted towards it is reversed', async () => {
    const { plan } = await planFor('case-earlier-payment', '2024-02-29', 2);
    const paymentId = 'pay-before-the-plan';
    await db.payments.insert(db.dataSource, {
      tenantId: TENANT,
      paymentId,
      caseId: 'case-earlier-payment',
      debtorId: 'debtor-case-earlier-payment',
      method: 'card',
      purpose: 'part',
      amountMinor: 50_00,
      currency: 'EUR',
      psp: 'sandbox',
      pspPaymentId: null,
      redirectUrl: null,
      planId: null,
      promiseId: null,
      mandateId: null,
      chargeDate: null,
      initiatedAt: db.clock.now(),
    });
    await pay('case-earlier-payment', 100_00);
    const events = await db.dataSource.transaction((manager) =>
      listener.paymentReversed(manager, {
        tenantId: TENANT,
        paymentId,
        caseId: 'case-earlier-payment',
        debtorId: 'debtor-case-earlier-payment',
        amountMinor: 50_00,
        currency: 'EUR',
        planId: null,
        promiseId: null,
        kind: 'refund',
        at: db.clock.now(),
      }),
    );
    expect(events).toEqual([]);
    const unchanged = await queries.get(TENANT, plan.planId);
    expect(unchanged.instalments.map((i) => i.paidMinor)).toEqual([100_00, 0]);
  });

  it('reopens a completed plan when a payment is charged back (PlanChanged)', async () => {
    const { plan } = await planFor('case-chargeback', '2024-02-29', 2);
    const paymentId = 'pay-chargeback';
    await db.payments.insert(db.dataSource, {
      tenantId: TENANT,
      paymentId,
      caseId: 'case-chargeback',
      debtorId: 'debtor-case-chargeback',
      method: 'card',
      purpose: 'full',
      amountMinor: 300_00,
      currency: 'EUR',
      psp: 'sandbox',
      pspPaymentId: null,
      redirectUrl: null,
      planId: null,
      promiseId: null,
      mandateId: null,
      chargeDate: null,
      initiatedAt: db.clock.now(),
    });
    await db.payments.markSucceeded(db.dataSource, TENANT, paymentId, {
      allocations: [],
      unallocatedMinor: 0,
      settledAt: db.clock.now(),
    });
    await pay('case-chargeback', 300_00, db.clock.now(), paymentId);
    expect((await plans.find(db.dataSource, TENANT, plan.planId))?.status).toBe('completed');

    db.clock.set('2024-03-10T10:00:00Z');
    const events = await db.dataSource.transaction((manager) =>
      listener.paymentReversed(manager, {
        tenantId: TENANT,
        paymentId,
        caseId: 'case-chargeback',
        debtorId: 'debtor-case-chargeback',
        amountMinor: 200_00,
        currency: 'EUR',
        planId: null,
        promiseId: null,
        kind: 'chargeback',
        at: db.clock.now(),
      }),
    );
    expect(events.map((e) => e.schema.typeName)).toEqual(['clement.payment.v1.PlanChanged']);
    const reopened = await queries.get(TENANT, plan.planId);
    // 29 Feb is past due + grace on 10 March: 50.00 of it is owed again.
    expect(reopened.plan.status).toBe('in_arrears');
    expect(reopened.instalments.map((i) => i.paidMinor)).toEqual([100_00, 0]);
  });

  it('re-schedules what remains and cancels', async () => {
    const { plan } = await planFor('case-change', '2024-02-29');
    await pay('case-change', 40_00);
    db.clock.set('2024-02-21T10:00:00Z');
    const changed = await changePlan.execute(TENANT, plan.planId, {
      instalments: 2,
      nextDueDate: '2024-03-05',
    });
    expect(changed.instalments.map((i) => [i.dueDate, i.amountMinor, i.paidMinor])).toEqual([
      ['2024-02-29', 40_00, 40_00],
      ['2024-03-05', 130_00, 0],
      ['2024-04-05', 130_00, 0],
    ]);
    const [event] = (await db.events(paymentV1.PlanChangedSchema)).filter(
      (e) => e.planId === plan.planId,
    );
    expect(event.remaining?.amountMinor).toBe(260_00n);
    expect(event.instalments.map((i) => i.dueDate)).toEqual(['2024-03-05', '2024-04-05']);
    await expect(
      changePlan.execute(TENANT, plan.planId, { instalments: 10 }),
    ).rejects.toMatchObject({ code: 'plan.outside_offer' });

    await cancelPlan.execute(TENANT, plan.planId);
    await cancelPlan.execute(TENANT, plan.planId);
    expect(
      (await db.events(paymentV1.PlanCancelledSchema)).filter((e) => e.planId === plan.planId),
    ).toHaveLength(1);
    await expect(changePlan.execute(TENANT, plan.planId, {})).rejects.toMatchObject({
      code: 'plan.not_live',
    });
  });

  it('refuses a plan outside the offer and an expired offer', async () => {
    await db.seedCase('case-refuse', 300_00);
    const offer = await makeOffer.execute(TENANT, 'case-refuse', {});
    const choice = {
      offerId: offer.offerId,
      frequency: 'monthly',
      instalments: 3,
      firstPaymentDate: '2024-03-20',
    };
    await expect(createPlan.execute(TENANT, 'case-refuse', portal, choice)).rejects.toMatchObject({
      code: 'plan.outside_offer',
    });
    db.clock.set('2024-02-21T10:00:00Z');
    await expect(
      createPlan.execute(TENANT, 'case-refuse', portal, {
        ...choice,
        firstPaymentDate: '2024-03-01',
      }),
    ).rejects.toMatchObject({ code: 'offer.expired' });
    await expect(makeOffer.execute(TENANT, 'no-such-case', {})).rejects.toMatchObject({
      code: 'case.not_found',
    });
  });
});
