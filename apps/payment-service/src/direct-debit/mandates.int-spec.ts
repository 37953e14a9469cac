import { paymentV1 } from '@clement/contracts';
import { MakeOffer } from '../offers/make-offer.use-case';
import { OffersRepository } from '../offers/offers.repository';
import {
  openPaymentDatabase,
  type PaymentDatabase,
  portal,
  TENANT,
} from '../__fixtures__/payment-database';
import { PlansRepository } from '../plans/plans.repository';
import { CreatePlan } from '../plans/use-cases/create-plan.use-case';
import type { MandateEvent } from '../psp/mandate-webhooks';
import { CollectionsRepository } from './collections.repository';
import { MandateWebhooks } from './mandate-webhooks';
import { MandatesRepository } from './mandates.repository';

/**
 * The database side of direct debit on a real PostgreSQL schema: mandate webhooks (once each,
 * redeliveries change nothing) and which instalments are due for collection. The PSP calls are
 * exercised end to end against provider-sim by the service's own tests.
 */
describe('direct debit mandates (PostgreSQL)', () => {
  let db: PaymentDatabase;
  let mandates: MandatesRepository;
  let plans: PlansRepository;
  let collections: CollectionsRepository;
  let webhooks: MandateWebhooks;
  let planId: string;

  const event = (kind: MandateEvent['kind'], reason?: string): MandateEvent => ({
    kind,
    eventId: `evt-${kind}`,
    occurredAt: new Date('2024-02-20T11:00:00Z'),
    pspMandateId: 'md_1',
    mandateId: 'mandate-1',
    ...(reason ? { reason } : {}),
  });

  const apply = (mandateEvent: MandateEvent) =>
    db.dataSource.transaction(async (manager) => {
      const events = await webhooks.mandateEvent(manager, mandateEvent);
      await db.outbox.appendAll(manager, events);
      return events.map((e) => e.schema.typeName);
    });

  beforeAll(async () => {
    db = await openPaymentDatabase('mandates_it', '2024-02-20T10:00:00Z');
    mandates = new MandatesRepository(db.schema);
    plans = new PlansRepository(db.schema);
    collections = new CollectionsRepository(db.schema);
    webhooks = new MandateWebhooks(mandates, plans);
    const offers = new OffersRepository(db.schema);
    await db.seedCase('case-dd', 300_00);
    const offer = await new MakeOffer(db.dataSource, db.contexts, offers, db.outbox).execute(
      TENANT,
      'case-dd',
      {},
    );
    const created = await new CreatePlan(
      db.dataSource,
      db.contexts,
      offers,
      plans,
      db.outbox,
    ).execute(TENANT, 'case-dd', portal, {
      offerId: offer.offerId,
      frequency: 'monthly',
      instalments: 3,
      firstPaymentDate: '2024-02-28',
    });
    planId = created.plan.planId;
    await mandates.insert(db.dataSource, {
      tenantId: TENANT,
      mandateId: 'mandate-1',
      caseId: 'case-dd',
      debtorId: 'debtor-case-dd',
      planId,
      pspMandateId: null,
      setupUrl: null,
      status: 'pending',
      collectionDay: 28,
      createdAt: db.clock.now(),
      updatedAt: db.clock.now(),
    });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('activates once (MandateCreated), attaching the PSP id and the plan it pays', async () => {
    expect(await collections.lockDue(db.dataSource, '2024-03-31', 10)).toEqual([]);
    expect(await apply(event('mandate.active'))).toEqual(['clement.payment.v1.MandateCreated']);
    expect(await apply(event('mandate.active'))).toEqual([]);
    expect(await mandates.find(db.dataSource, TENANT, 'mandate-1')).toMatchObject({
      status: 'active',
      pspMandateId: 'md_1',
    });
    expect((await plans.find(db.dataSource, TENANT, planId))?.mandateId).toBe('mandate-1');
    const [created] = await db.events(paymentV1.MandateCreatedSchema);
    expect(created).toMatchObject({
      mandateId: 'mandate-1',
      collectionDay: 28,
      debtorId: 'debtor-case-dd',
    });
  });

  it('offers the next unpaid instalment for collection until one is in flight', async () => {
    expect(await collections.lockDue(db.dataSource, '2024-02-27', 10)).toEqual([]);
    const [due] = await collections.lockDue(db.dataSource, '2024-02-28', 10);
    expect(due).toMatchObject({
      planId,
      mandateId: 'mandate-1',
      pspMandateId: 'md_1',
      dueDate: '2024-02-28',
      owedMinor: 100_00,
    });
    await db.payments.insert(db.dataSource, {
      tenantId: TENANT,
      paymentId: 'col-1',
      caseId: 'case-dd',
      debtorId: 'debtor-case-dd',
      method: 'direct_debit',
      purpose: 'instalment',
      amountMinor: 100_00,
      currency: 'EUR',
      psp: 'sandbox',
      pspPaymentId: null,
      redirectUrl: null,
      planId,
      promiseId: null,
      mandateId: 'mandate-1',
      chargeDate: '2024-02-28',
      initiatedAt: db.clock.now(),
    });
    expect(await collections.lockDue(db.dataSource, '2024-02-28', 10)).toEqual([]);
    expect(await collections.lockUnsent(db.dataSource, 10)).toMatchObject([
      { paymentId: 'col-1', pspMandateId: 'md_1', chargeDate: '2024-02-28' },
    ]);
    // Failed: not collected again for that instalment; the next one is collected when due.
    await db.payments.markFailed(
      db.dataSource,
      TENANT,
      'col-1',
      'insufficient_funds',
      db.clock.now(),
    );
    expect(await collections.lockDue(db.dataSource, '2024-03-27', 10)).toEqual([]);
  });

  it('is cancelled once by the bank (MandateCancelled) and no longer collects', async () => {
    expect(await apply(event('mandate.cancelled', 'bank_cancelled'))).toEqual([
      'clement.payment.v1.MandateCancelled',
    ]);
    expect(await apply(event('mandate.cancelled', 'bank_cancelled'))).toEqual([]);
    const [cancelled] = await db.events(paymentV1.MandateCancelledSchema);
    expect(cancelled.reason).toBe('bank_cancelled');
    expect((await plans.find(db.dataSource, TENANT, planId))?.mandateId).toBeNull();
    expect(await collections.lockDue(db.dataSource, '2024-12-31', 10)).toEqual([]);
  });
});
