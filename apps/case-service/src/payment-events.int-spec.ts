import { randomUUID } from 'node:crypto';
import {
  create,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, caseV1, crmV1, HoldKind, paymentV1, topicCatalogue } from '@clement/contracts';
import {
  ContentType,
  decodeRecord,
  envelopeToHeaders,
  type IncomingRecord,
  readTopicToEnd,
  type RecordHeaders,
} from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { type CaseServiceHarness, startCaseService } from './__fixtures__/case-service-harness';
import { PAYMENT_EVENTS_GROUP } from './case-management.module';

jest.setTimeout(180_000);

// case-service following payment-service's events on real Kafka and PostgreSQL: cases are placed
// through the CRM topic as a creditor would, payment events are published as payment-service's
// outbox relay would (protobuf, CloudEvents headers, keyed `<tenant>:<debtor id>`).

let service: CaseServiceHarness;
const tenant = uniqueName('pay-tenant')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');
let agent: string;

beforeAll(async () => {
  service = await startCaseService({
    schema: uniqueName('case_pay_it')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
  });
  const admin = await service.token({ roles: ['platform-admin'] });
  const put = await service.request('PUT', `/v1/admin/tenants/${tenant}`, {
    token: admin,
    body: { displayName: 'Payments creditor' },
  });
  expect(put.status).toBe(200);
  agent = await service.token({ tenantId: tenant, roles: ['agent'] });
});

afterAll(async () => {
  await service?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, checked by matchers
type Json = any;

// ---- publishing ------------------------------------------------------------------------------

interface Published {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: RecordHeaders;
}

async function send(topic: string, records: readonly Published[]): Promise<void> {
  const producer = service.kafka.producer();
  await producer.connect();
  try {
    await producer.send(records.map((record) => ({ topic, ...record })));
  } finally {
    await producer.disconnect();
  }
}

function record<S extends DescMessage>(
  schema: S,
  message: MessageShape<S>,
  envelope: { source: string; tenantId: string; partitionKey: string },
): Published {
  const id = randomUUID();
  return {
    key: envelope.partitionKey,
    value: Buffer.from(toBinary(schema, message)),
    headers: envelopeToHeaders({
      id,
      source: envelope.source,
      type: schema.typeName,
      time: new Date().toISOString(),
      tenantId: envelope.tenantId,
      partitionKey: envelope.partitionKey,
      correlationId: id,
      contentType: ContentType.protobuf,
    }),
  };
}

async function publishCrm<S extends DescMessage>(schema: S, message: MessageShape<S>) {
  const creditorDebtorId = (message as unknown as { creditorDebtorId: string }).creditorDebtorId;
  await send(topicCatalogue.crmInbound.name, [
    record(schema, message, {
      source: `/crm/${tenant}`,
      tenantId: tenant,
      partitionKey: `${tenant}:${creditorDebtorId}`,
    }),
  ]);
}

/** Publishes as payment-service does; returns the record so a test can deliver it again. */
async function publishPayment<S extends DescMessage>(
  schema: S,
  message: MessageShape<S>,
  options: { tenantId?: string; partitionKey?: string } = {},
): Promise<Published> {
  const tenantId = options.tenantId ?? tenant;
  const debtorId = (message as unknown as { debtorId: string }).debtorId;
  const published = record(schema, message, {
    source: '/clement/payment-service',
    tenantId,
    partitionKey: options.partitionKey ?? `${tenantId}:${debtorId}`,
  });
  await send(topicCatalogue.paymentEvents.name, [published]);
  return published;
}

// ---- a placed case ---------------------------------------------------------------------------

interface PlacedCase {
  readonly caseId: string;
  readonly debtorId: string;
  readonly creditorDebtorId: string;
  /** Clement's account id by the creditor's reference. */
  readonly accounts: Record<string, string>;
}

async function placeCase(
  creditorDebtorId: string,
  balances: Record<string, bigint>,
): Promise<PlacedCase> {
  await publishCrm(
    crmV1.DebtorUpsertedSchema,
    create(crmV1.DebtorUpsertedSchema, {
      creditorDebtorId,
      sourceVersion: 1n,
      kind: crmV1.DebtorKind.PERSON,
      name: { givenNames: 'Ana', familyName: 'Pagadora' },
      contactPoints: {
        phones: [{ e164: '+34600111222', type: crmV1.PhoneType.MOBILE, timeZone: 'Europe/Madrid' }],
      },
    }),
  );
  for (const [reference, balance] of Object.entries(balances)) {
    await publishCrm(
      crmV1.AccountPlacedSchema,
      create(crmV1.AccountPlacedSchema, {
        creditorDebtorId,
        accountReference: reference,
        sourceVersion: 1n,
        productType: crmV1.ProductType.PERSONAL_LOAN,
        productName: 'Acme Loan',
        originalBalance: { amountMinor: balance, currency: 'EUR' },
        currentBalance: { amountMinor: balance, currency: 'EUR' },
        daysPastDue: 30,
        placementDate: '2026-11-01',
      }),
    );
  }
  const references = Object.keys(balances);
  let detail: Json;
  await eventually(
    async () => {
      detail = await caseOf(references[0]!);
      expect(detail.accounts).toHaveLength(references.length);
    },
    { timeoutMs: 30_000 },
  );
  return {
    caseId: detail.id,
    debtorId: detail.debtor.id,
    creditorDebtorId,
    accounts: Object.fromEntries(
      detail.accounts.map((a: Json) => [a.accountReference, a.id as string]),
    ),
  };
}

async function caseOf(accountReference: string): Promise<Json> {
  const list = await service.request('GET', `/v1/cases?accountReference=${accountReference}`, {
    token: agent,
  });
  expect(list.status).toBe(200);
  expect(list.body.items).toHaveLength(1);
  const detail = await service.request('GET', `/v1/cases/${list.body.items[0].id}`, {
    token: agent,
  });
  expect(detail.status).toBe(200);
  return detail.body;
}

function balancesOf(detail: Json): Record<string, string> {
  return Object.fromEntries(
    detail.accounts.map((a: Json) => [a.accountReference, a.currentBalanceMinor]),
  );
}

// ---- reading what case-service published -----------------------------------------------------

async function caseEvents(caseId: string): Promise<{ type: string; message: Json }[]> {
  const records = await readTopicToEnd(service.kafka, topicCatalogue.caseEvents.name);
  return records
    .filter(
      (r) => r.headers['ce_tenantid'] === tenant && r.headers['ce_subject'] === `case/${caseId}`,
    )
    .map((r) => {
      const decoded = decodeRecord(topicCatalogue.caseEvents, r);
      return { type: decoded.envelope.type, message: decoded.message };
    });
}

async function crmOutbound(creditorDebtorId: string): Promise<{ type: string; message: Json }[]> {
  const records = await readTopicToEnd(service.kafka, topicCatalogue.crmOutbound.name);
  return records
    .filter((r) => r.key === `${tenant}:${creditorDebtorId}`)
    .map((r) => {
      const decoded = decodeRecord(topicCatalogue.crmOutbound, r);
      return { type: decoded.envelope.type, message: decoded.message };
    });
}

async function deadLetters(): Promise<IncomingRecord[]> {
  const records = await readTopicToEnd(service.kafka, `${topicCatalogue.paymentEvents.name}.dlq`);
  return records.filter((r) => r.headers['dlq-consumer-group'] === PAYMENT_EVENTS_GROUP);
}

const ofType = (events: { type: string; message: Json }[], schema: DescMessage) =>
  events.filter((event) => event.type === schema.typeName).map((event) => event.message);

const eur = (amountMinor: bigint) => ({ amountMinor, currency: 'EUR' });

type SucceededInit = Exclude<
  MessageInitShape<typeof paymentV1.PaymentSucceededSchema>,
  paymentV1.PaymentSucceeded
>;

/** A PromiseMade on the same debtor: once the CRM hears of it, everything before it was handled. */
async function barrier(placed: PlacedCase): Promise<void> {
  const promiseId = `barrier-${randomUUID()}`;
  await publishPayment(
    paymentV1.PromiseMadeSchema,
    create(paymentV1.PromiseMadeSchema, {
      promiseId,
      caseId: placed.caseId,
      debtorId: placed.debtorId,
      amount: eur(100n),
      dueDate: '2026-12-24',
      madeBy: { kind: ActorKind.DEBTOR, id: placed.debtorId },
    }),
  );
  await eventually(
    async () => {
      const made = ofType(await crmOutbound(placed.creditorDebtorId), crmV1.PromiseMadeSchema);
      expect(made.map((m) => m.promiseId)).toContain(promiseId);
    },
    { timeoutMs: 30_000 },
  );
}

// ---- the tests -------------------------------------------------------------------------------

describe('payment events', () => {
  let placed: PlacedCase;
  let firstPayment: Published;

  beforeAll(async () => {
    placed = await placeCase('P-1', { 'PAY-1A': 10_000n, 'PAY-1B': 5_000n });
  });

  it('moves each account’s balance by its allocation and tells the creditor', async () => {
    firstPayment = await publishPayment(
      paymentV1.PaymentSucceededSchema,
      create(paymentV1.PaymentSucceededSchema, {
        paymentId: 'pay-1',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        amount: eur(7_500n),
        allocations: [
          { accountId: placed.accounts['PAY-1A'], amount: eur(6_000n) },
          { accountId: placed.accounts['PAY-1B'], amount: eur(1_000n) },
        ],
        unallocated: eur(500n),
        paidAt: timestampFromDate(new Date('2026-11-30T10:00:00Z')),
        method: paymentV1.PaymentMethod.CARD,
      }),
    );

    await eventually(
      async () => {
        const detail = await caseOf('PAY-1A');
        expect(balancesOf(detail)).toEqual({ 'PAY-1A': '4000', 'PAY-1B': '4000' });
        expect(detail.totalBalanceMinor).toBe('8000');
      },
      { timeoutMs: 30_000 },
    );
    await eventually(
      async () => {
        const changed = ofType(await caseEvents(placed.caseId), caseV1.BalanceChangedSchema).filter(
          (m) => m.reason === caseV1.BalanceChangeReason.PAYMENT,
        );
        expect(
          changed.map((m) => ({
            reference: m.account.accountReference,
            previous: m.previousBalance.amountMinor,
            now: m.account.currentBalance.amountMinor,
          })),
        ).toEqual([
          { reference: 'PAY-1A', previous: 10_000n, now: 4_000n },
          { reference: 'PAY-1B', previous: 5_000n, now: 4_000n },
        ]);
        expect(changed.at(-1).totalBalance.amountMinor).toBe(8_000n);

        const received = ofType(await crmOutbound('P-1'), crmV1.PaymentReceivedSchema);
        expect(received).toHaveLength(1);
        expect(received[0]).toMatchObject({
          creditorDebtorId: 'P-1',
          caseId: placed.caseId,
          paymentId: 'pay-1',
          amount: { amountMinor: 7_000n, currency: 'EUR' },
          allocations: [
            { accountReference: 'PAY-1A', amount: { amountMinor: 6_000n } },
            { accountReference: 'PAY-1B', amount: { amountMinor: 1_000n } },
          ],
          method: crmV1.PaymentMethod.CARD,
        });
      },
      { timeoutMs: 30_000 },
    );
  });

  it('changes nothing when the same event is delivered again, or the payment reported twice', async () => {
    await send(topicCatalogue.paymentEvents.name, [firstPayment]);
    // The same payment under a new event id (e.g. published twice): applied once by payment_id.
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      create(paymentV1.PaymentSucceededSchema, {
        paymentId: 'pay-1',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        amount: eur(7_000n),
        allocations: [{ accountId: placed.accounts['PAY-1A'], amount: eur(7_000n) }],
        method: paymentV1.PaymentMethod.CARD,
      }),
    );
    await barrier(placed);

    const detail = await caseOf('PAY-1A');
    expect(balancesOf(detail)).toEqual({ 'PAY-1A': '4000', 'PAY-1B': '4000' });
    const events = await caseEvents(placed.caseId);
    expect(
      ofType(events, caseV1.BalanceChangedSchema).filter(
        (m) => m.reason === caseV1.BalanceChangeReason.PAYMENT,
      ),
    ).toHaveLength(2);
    expect(ofType(await crmOutbound('P-1'), crmV1.PaymentReceivedSchema)).toHaveLength(1);
  });

  it('adds a refund back to the account it was allocated to', async () => {
    await publishPayment(
      paymentV1.PaymentRefundedSchema,
      create(paymentV1.PaymentRefundedSchema, {
        paymentId: 'pay-1',
        refundId: 'ref-1',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        amount: eur(1_500n),
        // The overpayment first (500), then 1,000 off PAY-1A.
        reversedAllocations: [{ accountId: placed.accounts['PAY-1A'], amount: eur(1_000n) }],
        refundedAt: timestampFromDate(new Date()),
      }),
    );
    await eventually(
      async () => {
        const detail = await caseOf('PAY-1A');
        expect(balancesOf(detail)).toEqual({ 'PAY-1A': '5000', 'PAY-1B': '4000' });
        expect(detail.totalBalanceMinor).toBe('9000');
        const reversed = ofType(
          await caseEvents(placed.caseId),
          caseV1.BalanceChangedSchema,
        ).filter((m) => m.reason === caseV1.BalanceChangeReason.PAYMENT_REVERSED);
        expect(reversed).toHaveLength(1);
        expect(reversed[0]).toMatchObject({
          previousBalance: { amountMinor: 4_000n },
          account: { accountReference: 'PAY-1A', currentBalance: { amountMinor: 5_000n } },
          totalBalance: { amountMinor: 9_000n },
        });
        // The creditor hears what came off its account (not the overpayment it never had).
        const [back] = ofType(await crmOutbound('P-1'), crmV1.PaymentReversedSchema);
        expect(back).toMatchObject({
          paymentId: 'pay-1',
          reversalId: 'ref-1',
          kind: crmV1.PaymentReversalKind.REFUND,
          amount: { amountMinor: 1_000n, currency: 'EUR' },
          allocations: [{ accountReference: 'PAY-1A', amount: { amountMinor: 1_000n } }],
        });
      },
      { timeoutMs: 30_000 },
    );
  });

  it('puts the case into arrangement with a plan, and back to active when the plan is breached', async () => {
    await publishPayment(
      paymentV1.PlanCreatedSchema,
      create(paymentV1.PlanCreatedSchema, {
        planId: 'plan-1',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        instalments: [
          { dueDate: '2026-12-15', amount: eur(3_000n) },
          { dueDate: '2027-01-15', amount: eur(3_000n) },
          { dueDate: '2027-02-15', amount: eur(3_000n) },
        ],
        total: eur(9_000n),
        createdBy: { kind: ActorKind.DEBTOR, id: placed.debtorId },
        frequency: 'monthly',
      }),
    );
    await eventually(
      async () => {
        expect((await caseOf('PAY-1A')).status).toBe('arrangement');
        const made = ofType(await crmOutbound('P-1'), crmV1.ArrangementMadeSchema);
        expect(made).toEqual([
          expect.objectContaining({
            arrangementId: 'plan-1',
            kind: crmV1.ArrangementKind.PAYMENT_PLAN,
            accountReferences: expect.arrayContaining(['PAY-1A', 'PAY-1B']),
            totalAmount: expect.objectContaining({ amountMinor: 9_000n }),
            instalmentAmount: expect.objectContaining({ amountMinor: 3_000n }),
            instalmentCount: 3,
            frequency: crmV1.InstalmentFrequency.MONTHLY,
            firstDueDate: '2026-12-15',
          }),
        ]);
      },
      { timeoutMs: 30_000 },
    );

    await publishPayment(
      paymentV1.PlanBreachedSchema,
      create(paymentV1.PlanBreachedSchema, {
        planId: 'plan-1',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        missedInstalments: 2,
        breachedAt: timestampFromDate(new Date()),
      }),
    );
    await eventually(
      async () => {
        expect((await caseOf('PAY-1A')).status).toBe('active');
        const statuses = ofType(await caseEvents(placed.caseId), caseV1.CaseStatusChangedSchema);
        expect(statuses.map((m) => [m.previousStatus, m.status])).toEqual([
          [caseV1.CaseStatus.PLACED, caseV1.CaseStatus.ARRANGEMENT],
          [caseV1.CaseStatus.ARRANGEMENT, caseV1.CaseStatus.ACTIVE],
        ]);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('resolves the case as paid in full when a payment clears it; a chargeback after that is recorded', async () => {
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      create(paymentV1.PaymentSucceededSchema, {
        paymentId: 'pay-2',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        amount: eur(9_000n),
        allocations: [
          { accountId: placed.accounts['PAY-1A'], amount: eur(5_000n) },
          { accountId: placed.accounts['PAY-1B'], amount: eur(4_000n) },
        ],
        method: paymentV1.PaymentMethod.DIRECT_DEBIT,
      }),
    );
    await eventually(
      async () => {
        const detail = await caseOf('PAY-1A');
        expect(detail).toMatchObject({
          status: 'resolved',
          resolution: 'paid_in_full',
          totalBalanceMinor: '0',
        });
        const [resolved] = ofType(await caseEvents(placed.caseId), caseV1.CaseResolvedSchema);
        // 7,000 + 9,000 reached the accounts, 1,000 was refunded.
        expect(resolved).toMatchObject({
          resolution: caseV1.CaseResolution.PAID_IN_FULL,
          totalCollected: { amountMinor: 15_000n, currency: 'EUR' },
        });
        const crmResolved = ofType(await crmOutbound('P-1'), crmV1.CaseResolvedSchema);
        expect(crmResolved).toEqual([
          expect.objectContaining({
            resolution: crmV1.Resolution.PAID_IN_FULL,
            totalCollected: expect.objectContaining({ amountMinor: 15_000n }),
          }),
        ]);
      },
      { timeoutMs: 30_000 },
    );

    await publishPayment(
      paymentV1.PaymentChargedBackSchema,
      create(paymentV1.PaymentChargedBackSchema, {
        paymentId: 'pay-2',
        chargebackId: 'cb-1',
        caseId: placed.caseId,
        debtorId: placed.debtorId,
        amount: eur(9_000n),
        reversedAllocations: [
          { accountId: placed.accounts['PAY-1A'], amount: eur(5_000n) },
          { accountId: placed.accounts['PAY-1B'], amount: eur(4_000n) },
        ],
        reason: 'collection_returned',
      }),
    );
    await eventually(
      async () => {
        const detail = await caseOf('PAY-1A');
        // Resolved stays final; the balance owed again is on record for staff and the creditor.
        expect(detail).toMatchObject({ status: 'resolved', totalBalanceMinor: '9000' });
        expect(balancesOf(detail)).toEqual({ 'PAY-1A': '5000', 'PAY-1B': '4000' });
        const reversed = ofType(
          await caseEvents(placed.caseId),
          caseV1.BalanceChangedSchema,
        ).filter((m) => m.reason === caseV1.BalanceChangeReason.PAYMENT_REVERSED);
        expect(reversed).toHaveLength(3);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('lets a hold keep precedence: a plan agreed on hold takes effect when the hold is lifted', async () => {
    const held = await placeCase('P-2', { 'PAY-2A': 20_000n });
    await publishCrm(
      crmV1.HoldRequestedSchema,
      create(crmV1.HoldRequestedSchema, {
        creditorDebtorId: 'P-2',
        sourceVersion: 1n,
        creditorHoldReference: 'H-P2',
        kind: HoldKind.DISPUTE,
      }),
    );
    await eventually(async () => expect((await caseOf('PAY-2A')).status).toBe('on_hold'), {
      timeoutMs: 30_000,
    });
    await publishPayment(
      paymentV1.PlanCreatedSchema,
      create(paymentV1.PlanCreatedSchema, {
        planId: 'plan-2',
        caseId: held.caseId,
        debtorId: held.debtorId,
        instalments: [{ dueDate: '2026-12-15', amount: eur(12_000n) }],
        total: eur(12_000n),
        settlement: true,
      }),
    );
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      create(paymentV1.PaymentSucceededSchema, {
        paymentId: 'pay-3',
        caseId: held.caseId,
        debtorId: held.debtorId,
        amount: eur(2_000n),
        allocations: [{ accountId: held.accounts['PAY-2A'], amount: eur(2_000n) }],
        planId: 'plan-2',
      }),
    );
    await barrier(held);
    const onHold = await caseOf('PAY-2A');
    expect(onHold).toMatchObject({ status: 'on_hold', totalBalanceMinor: '18000' });
    expect(ofType(await crmOutbound('P-2'), crmV1.ArrangementMadeSchema)).toEqual([
      expect.objectContaining({ arrangementId: 'plan-2', kind: crmV1.ArrangementKind.SETTLEMENT }),
    ]);

    await publishCrm(
      crmV1.HoldLiftedSchema,
      create(crmV1.HoldLiftedSchema, {
        creditorDebtorId: 'P-2',
        sourceVersion: 2n,
        creditorHoldReference: 'H-P2',
        liftedAt: timestampFromDate(new Date()),
      }),
    );
    await eventually(async () => expect((await caseOf('PAY-2A')).status).toBe('arrangement'), {
      timeoutMs: 30_000,
    });

    // The settlement paid: less than the balance closes the case.
    await publishPayment(
      paymentV1.PlanCompletedSchema,
      create(paymentV1.PlanCompletedSchema, {
        planId: 'plan-2',
        caseId: held.caseId,
        debtorId: held.debtorId,
        completedAt: timestampFromDate(new Date()),
      }),
    );
    await eventually(
      async () =>
        expect(await caseOf('PAY-2A')).toMatchObject({
          status: 'resolved',
          resolution: 'settled',
          totalBalanceMinor: '18000',
        }),
      { timeoutMs: 30_000 },
    );
  });

  it('dead-letters what breaks the contract, with the reason, and applies nothing of it', async () => {
    const broken = await placeCase('P-3', { 'PAY-3A': 1_000n });
    const payment = (overrides: SucceededInit) =>
      create(paymentV1.PaymentSucceededSchema, {
        paymentId: `pay-${randomUUID()}`,
        caseId: broken.caseId,
        debtorId: broken.debtorId,
        amount: eur(1_001n),
        allocations: [{ accountId: randomUUID(), amount: eur(1_001n) }],
        ...overrides,
      });
    await publishPayment(paymentV1.PaymentSucceededSchema, payment({}));
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      payment({ caseId: 'not-a-case-id', amount: eur(1n), allocations: [] }),
    );
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      payment({ caseId: randomUUID(), amount: eur(1n), allocations: [], unallocated: eur(1n) }),
    );
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      payment({ amount: eur(1n), allocations: [], unallocated: eur(1n) }),
      { partitionKey: `${tenant}:someone-else` },
    );
    await publishPayment(
      paymentV1.PlanBreachedSchema,
      create(paymentV1.PlanBreachedSchema, {
        planId: 'never-created',
        caseId: broken.caseId,
        debtorId: broken.debtorId,
      }),
    );
    await publishPayment(
      paymentV1.PaymentSucceededSchema,
      payment({ amount: eur(1n), allocations: [], unallocated: eur(1n) }),
      { tenantId: 'no-such-payment-tenant' },
    );

    await eventually(
      async () => {
        const letters = await deadLetters();
        const mine = letters.filter((r) => r.headers['ce_tenantid'] === tenant);
        expect(mine.map((r) => r.headers['dlq-reason'])).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^account_id: .+ is not an account of the case$/),
            'case_id: must be a UUID',
            expect.stringMatching(/^case_id: case .+ is not a case of tenant/),
            expect.stringContaining('ce_partitionkey: must be "<tenant>:<debtor_id>"'),
            'plan_id: no plan "never-created" was created',
          ]),
        );
        expect(
          letters
            .filter((r) => r.headers['ce_tenantid'] === 'no-such-payment-tenant')
            .map((r) => r.headers['dlq-reason']),
        ).toEqual(['ce_tenantid: unknown tenant "no-such-payment-tenant"']);
      },
      { timeoutMs: 30_000 },
    );
    const detail = await caseOf('PAY-3A');
    expect(detail).toMatchObject({ status: 'placed', totalBalanceMinor: '1000' });
    expect(
      ofType(await caseEvents(broken.caseId), caseV1.BalanceChangedSchema).filter(
        (m) => m.reason === caseV1.BalanceChangeReason.PAYMENT,
      ),
    ).toEqual([]);
  });
});
