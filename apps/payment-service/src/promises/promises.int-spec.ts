import { paymentV1 } from '@clement/contracts';
import type { SucceededPayment } from '../payments/payment-record';
import {
  agent,
  openPaymentDatabase,
  type PaymentDatabase,
  portal,
  TENANT,
} from '../__fixtures__/payment-database';
import { PromiseEvaluation } from './promise-evaluation';
import { PromisePaymentListener } from './promise-payment.listener';
import { PromisesRepository } from './promises.repository';
import { CancelPromise } from './use-cases/cancel-promise.use-case';
import { MakePromise } from './use-cases/make-promise.use-case';

/**
 * Promises against a real PostgreSQL schema, on a virtual clock: the deadline in the debtor's
 * zone across the DST change, kept when paid in time, broken once at due date + grace (also with
 * two replicas), refused when one is already open, withdrawn.
 */
describe('promises to pay (PostgreSQL)', () => {
  let db: PaymentDatabase;
  let promises: PromisesRepository;
  let makePromise: MakePromise;
  let cancelPromise: CancelPromise;
  let listener: PromisePaymentListener;
  let evaluation: PromiseEvaluation;

  beforeAll(async () => {
    db = await openPaymentDatabase('promises_it', '2024-03-25T10:00:00Z');
    promises = new PromisesRepository(db.schema);
    makePromise = new MakePromise(db.dataSource, db.contexts, promises, db.outbox);
    cancelPromise = new CancelPromise(db.dataSource, promises, db.clock.now);
    listener = new PromisePaymentListener(promises, db.payments);
    evaluation = new PromiseEvaluation(db.dataSource, promises, db.outbox);
  });

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(() => db.clock.set('2024-03-25T10:00:00Z'));

  function pay(caseId: string, amountMinor: number, settledAt: Date) {
    const payment: SucceededPayment = {
      tenantId: TENANT,
      paymentId: `pay-${Math.random().toString(36).slice(2)}`,
      caseId,
      debtorId: `debtor-${caseId}`,
      amountMinor,
      currency: 'EUR',
      purpose: 'part',
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

  it('is broken once at the start of the day after due date + grace in the debtor zone', async () => {
    await db.seedCase('case-broken', 500_00, 'Europe/Madrid');
    const promise = await makePromise.execute(TENANT, 'case-broken', portal, {
      amountMinor: 100_00,
      dueDate: '2024-03-29',
    });
    // 29 March + 2 days: from Monday 1 April 00:00 CEST, the clocks having moved on 31 March.
    expect(promise.deadlineAt.toISOString()).toBe('2024-03-31T22:00:00.000Z');
    const [made] = await db.events(paymentV1.PromiseMadeSchema);
    expect(made).toMatchObject({
      promiseId: promise.promiseId,
      dueDate: '2024-03-29',
      graceDays: 2,
    });
    expect(made.madeBy?.id).toBe('debtor-case-broken');

    await expect(
      makePromise.execute(TENANT, 'case-broken', agent, {
        amountMinor: 50_00,
        dueDate: '2024-03-30',
      }),
    ).rejects.toMatchObject({ code: 'promise.already_open' });

    expect(await pay('case-broken', 30_00, new Date('2024-03-28T09:00:00Z'))).toEqual([]);
    expect(await evaluation.evaluateDue(new Date('2024-03-31T21:59:59Z'))).toBe(0);
    const at = new Date('2024-03-31T22:00:00Z');
    const results = await Promise.all([evaluation.evaluateDue(at), evaluation.evaluateDue(at)]);
    expect(results[0] + results[1]).toBe(1);
    const broken = await db.events(paymentV1.PromiseBrokenSchema);
    expect(broken).toHaveLength(1);
    expect(broken[0].paid?.amountMinor).toBe(30_00n);
    expect(await evaluation.evaluateDue(new Date('2024-04-30T00:00:00Z'))).toBe(0);
    expect((await promises.find(db.dataSource, TENANT, promise.promiseId))?.status).toBe('broken');
  });

  it('is kept when payments after it was made reach the amount in time', async () => {
    await db.seedCase('case-kept', 500_00);
    const promise = await makePromise.execute(TENANT, 'case-kept', agent, {
      amountMinor: 100_00,
      dueDate: '2024-04-05',
    });
    expect(promise.madeBy).toEqual({ kind: 'staff', id: 'agent-7' });
    // Settled before the promise was made: it does not count.
    expect(await pay('case-kept', 100_00, new Date('2024-03-25T09:00:00Z'))).toEqual([]);
    expect(await pay('case-kept', 60_00, new Date('2024-03-30T09:00:00Z'))).toEqual([]);
    const keptAt = new Date('2024-04-02T09:00:00Z');
    const events = await pay('case-kept', 40_00, keptAt);
    expect(events.map((e) => e.schema.typeName)).toEqual(['clement.payment.v1.PromiseKept']);
    const kept = (await db.events(paymentV1.PromiseKeptSchema)).find(
      (e) => e.promiseId === promise.promiseId,
    );
    expect(kept?.keptAt?.seconds).toBe(BigInt(keptAt.getTime() / 1000));
    expect(await promises.find(db.dataSource, TENANT, promise.promiseId)).toMatchObject({
      status: 'kept',
      paidMinor: 100_00,
      settledAt: keptAt,
    });
    expect(await evaluation.evaluateDue(new Date('2024-05-01T00:00:00Z'))).toBe(0);
  });

  it('a reversal while open takes the amount back; a withdrawn promise is never broken', async () => {
    await db.seedCase('case-withdrawn', 500_00);
    const promise = await makePromise.execute(TENANT, 'case-withdrawn', portal, {
      amountMinor: 100_00,
      dueDate: '2024-03-26',
    });
    await pay('case-withdrawn', 70_00, new Date('2024-03-25T12:00:00Z'));
    await db.dataSource.transaction((manager) =>
      listener.paymentReversed(manager, {
        tenantId: TENANT,
        paymentId: 'unknown-here',
        caseId: 'case-withdrawn',
        debtorId: 'debtor-case-withdrawn',
        amountMinor: 50_00,
        currency: 'EUR',
        planId: null,
        promiseId: null,
        kind: 'refund',
        at: new Date('2024-03-25T13:00:00Z'),
      }),
    );
    expect((await promises.find(db.dataSource, TENANT, promise.promiseId))?.paidMinor).toBe(20_00);
    await cancelPromise.execute(TENANT, promise.promiseId);
    expect((await cancelPromise.execute(TENANT, promise.promiseId)).status).toBe('cancelled');
    expect(await evaluation.evaluateDue(new Date('2024-05-01T00:00:00Z'))).toBe(0);
    // Refused: past dates, beyond maxDaysAhead, more than the balance.
    for (const request of [
      { amountMinor: 10_00, dueDate: '2024-03-24' },
      { amountMinor: 10_00, dueDate: '2024-04-25' },
      { amountMinor: 500_01, dueDate: '2024-03-30' },
    ]) {
      await expect(
        makePromise.execute(TENANT, 'case-withdrawn', portal, request),
      ).rejects.toMatchObject({
        code: 'promise.invalid',
      });
    }
  });
});
