import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { paymentV1 } from '@clement/contracts';
import {
  eventually,
  killServiceProcess,
  type ServiceProcess,
  stopGracefully,
} from '@clement/testing';
import { startSandboxPsp } from '../__fixtures__/sandbox-psp-process';
import { MakeOffer } from '../offers/make-offer.use-case';
import { OffersRepository } from '../offers/offers.repository';
import {
  openPaymentDatabase,
  type PaymentDatabase,
  portal,
  TENANT,
} from '../__fixtures__/payment-database';
import { PlansRepository } from '../plans/plans.repository';
import { ChangePlan } from '../plans/use-cases/change-plan.use-case';
import { CreatePlan } from '../plans/use-cases/create-plan.use-case';
import type { PspEvent } from '../psp/psp-port';
import { SandboxPsp } from '../psp/sandbox/sandbox-psp';
import { CollectionSubmission } from './collection-submission';
import { CollectionsRepository } from './collections.repository';
import { MandateWebhooks } from './mandate-webhooks';
import { MandatesRepository } from './mandates.repository';
import { CancelMandate } from './use-cases/cancel-mandate.use-case';
import { ChangeCollectionDay } from './use-cases/change-collection-day.use-case';
import { SetUpMandate } from './use-cases/set-up-mandate.use-case';

// The sandbox PSP is provider-sim, run as a process; its webhooks arrive at a local server that
// verifies them with the adapter and applies mandate events as the service's endpoint does.
const SECRET_KEY = `sk_test_${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(12).toString('hex')}`;

describe('direct debit through the sandbox PSP (provider-sim, PostgreSQL)', () => {
  let db: PaymentDatabase;
  let sim: ServiceProcess | undefined;
  let simUrl: string;
  let receiver: Server | undefined;
  let psp: SandboxPsp;
  let plans: PlansRepository;
  let mandates: MandatesRepository;
  let webhooks: MandateWebhooks;
  let setUp: SetUpMandate;
  let changeDay: ChangeCollectionDay;
  let cancel: CancelMandate;
  let submission: CollectionSubmission;
  const received: PspEvent[] = [];

  function applyMandateEvent(event: PspEvent): Promise<void> {
    if (
      event.kind !== 'mandate.active' &&
      event.kind !== 'mandate.failed' &&
      event.kind !== 'mandate.cancelled'
    ) {
      return Promise.resolve();
    }
    return db.dataSource.transaction(async (manager) => {
      await db.outbox.appendAll(manager, await webhooks.mandateEvent(manager, event));
    });
  }

  async function control(path: string, body: unknown = {}): Promise<void> {
    const response = await fetch(`${simUrl}/psp/control${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    db = await openPaymentDatabase('dd_it', '2024-02-20T10:00:00Z');
    plans = new PlansRepository(db.schema);
    mandates = new MandatesRepository(db.schema);
    webhooks = new MandateWebhooks(mandates, plans);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
        );
        let event: PspEvent;
        try {
          event = psp.verifyWebhook(Buffer.concat(chunks), headers, new Date());
        } catch {
          res.writeHead(403).end();
          return;
        }
        const apply = applyMandateEvent(event);
        apply.then(
          () => {
            received.push(event);
            res.writeHead(200).end();
          },
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
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
      webhookSecrets: [WEBHOOK_SECRET],
      timeoutMs: 5_000,
    });
    const clock = db.clock.now;
    setUp = new SetUpMandate(db.dataSource, db.contexts, mandates, plans, psp, clock);
    changeDay = new ChangeCollectionDay(
      db.dataSource,
      mandates,
      plans,
      new ChangePlan(db.dataSource, db.contexts, plans, db.outbox),
      psp,
      db.outbox,
      clock,
    );
    cancel = new CancelMandate(db.dataSource, mandates, plans, psp, db.outbox, clock);
    submission = new CollectionSubmission(
      db.dataSource,
      new CollectionsRepository(db.schema),
      db.payments,
      db.tenants,
      psp,
      db.outbox,
      3,
    );
  }, 90_000);

  afterAll(async () => {
    if (sim && sim.child.exitCode === null) {
      try {
        await stopGracefully(sim);
      } finally {
        killServiceProcess(sim);
      }
    }
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await db?.close();
  });

  it('sets up a mandate, moves the plan to the new collection day, collects, and cancels', async () => {
    await db.seedCase('case-dd', 300_00);
    const offers = new OffersRepository(db.schema);
    const offer = await new MakeOffer(db.dataSource, db.contexts, offers, db.outbox).execute(
      TENANT,
      'case-dd',
      {},
    );
    const { plan } = await new CreatePlan(
      db.dataSource,
      db.contexts,
      offers,
      plans,
      db.outbox,
    ).execute(TENANT, 'case-dd', portal, {
      offerId: offer.offerId,
      frequency: 'monthly',
      instalments: 3,
      firstPaymentDate: '2024-03-01',
    });

    const mandate = await setUp.execute(TENANT, 'case-dd', {
      collectionDay: 1,
      planId: plan.planId,
    });
    expect(mandate).toMatchObject({
      status: 'pending',
      pspMandateId: expect.stringMatching(/^md_/),
    });
    expect(mandate.setupUrl).toContain('/psp/mandate/');
    // No collection before the debtor has completed the mandate.
    expect(await submission.evaluateDue(new Date('2024-02-28T10:00:00Z'))).toBe(0);

    await control(`/mandates/${mandate.pspMandateId}/confirm`, {});
    await eventually(async () =>
      expect((await mandates.find(db.dataSource, TENANT, mandate.mandateId))?.status).toBe(
        'active',
      ),
    );
    expect((await plans.find(db.dataSource, TENANT, plan.planId))?.mandateId).toBe(
      mandate.mandateId,
    );
    expect(await db.events(paymentV1.MandateCreatedSchema)).toHaveLength(1);

    // Payday is the 25th: collections move to the 27th, and so do the plan's due dates.
    const moved = await changeDay.execute(TENANT, mandate.mandateId, 27);
    expect(moved.collectionDay).toBe(27);
    const [changed] = await db.events(paymentV1.CollectionDateChangedSchema);
    expect(changed).toMatchObject({ previousCollectionDay: 1, collectionDay: 27 });
    const [planChanged] = await db.events(paymentV1.PlanChangedSchema);
    expect(planChanged.instalments.map((i) => i.dueDate)).toEqual([
      '2024-03-27',
      '2024-04-27',
      '2024-05-27',
    ]);

    // Three days ahead of 27 March (in Madrid) the first collection is submitted, once.
    expect(await submission.evaluateDue(new Date('2024-03-23T10:00:00Z'))).toBe(0);
    expect(await submission.evaluateDue(new Date('2024-03-24T10:00:00Z'))).toBe(1);
    expect(await submission.evaluateDue(new Date('2024-03-24T11:00:00Z'))).toBe(0);
    const [collection] = (await db.payments.listForCase(db.dataSource, TENANT, 'case-dd')).filter(
      (p) => p.method === 'direct_debit',
    );
    expect(collection).toMatchObject({
      status: 'initiated',
      purpose: 'instalment',
      planId: plan.planId,
      mandateId: mandate.mandateId,
      amountMinor: 100_00,
      pspPaymentId: expect.stringMatching(/^col_/),
    });
    const [{ charge_date: chargeDate }] = (await db.dataSource.query(
      `SELECT to_char("charge_date", 'YYYY-MM-DD') AS "charge_date" FROM "${db.schema}"."payments" WHERE "payment_id" = $1`,
      [collection.paymentId],
    )) as { charge_date: string }[];
    expect(chargeDate).toBe('2024-03-27');
    const [initiated] = await db.events(paymentV1.PaymentInitiatedSchema);
    expect(initiated).toMatchObject({
      paymentId: collection.paymentId,
      method: paymentV1.PaymentMethod.DIRECT_DEBIT,
      purpose: paymentV1.PaymentPurpose.INSTALMENT,
    });
    await eventually(() =>
      expect(
        received.some(
          (e) => e.kind === 'collection.succeeded' && e.paymentId === collection.paymentId,
        ),
      ).toBe(true),
    );

    const cancelled = await cancel.execute(TENANT, mandate.mandateId, portal);
    expect(cancelled.status).toBe('cancelled');
    await eventually(() => expect(received.some((e) => e.kind === 'mandate.cancelled')).toBe(true));
    const cancellations = await db.events(paymentV1.MandateCancelledSchema);
    expect(cancellations.map((e) => e.reason)).toEqual(['debtor_request']);
    expect((await plans.find(db.dataSource, TENANT, plan.planId))?.mandateId).toBeNull();
  });
});
