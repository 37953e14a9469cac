import { create, type DescMessage, type MessageShape, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { caseV1, crmV1, HoldKind, topicCatalogue } from '@clement/contracts';
import {
  ContentType,
  decodeRecord,
  envelopeToHeaders,
  type IncomingRecord,
  readTopicToEnd,
} from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { randomUUID } from 'node:crypto';
import { type CaseServiceHarness, startCaseService } from './__fixtures__/case-service-harness';

jest.setTimeout(120_000);

let service: CaseServiceHarness;
const tenantA = uniqueName('tenant-a')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');
const tenantB = uniqueName('tenant-b')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');
let adminToken: string;
let agentA: string;
let agentB: string;
let privacyA: string;

beforeAll(async () => {
  service = await startCaseService({
    env: { HOLD_EXPIRY_INTERVAL_MS: '300' },
    schema: uniqueName('case_it')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
  });
  adminToken = await service.token({ roles: ['platform-admin'] });
  for (const tenant of [tenantA, tenantB]) {
    const put = await service.request('PUT', `/v1/admin/tenants/${tenant}`, {
      token: adminToken,
      body: { displayName: `Creditor ${tenant}` },
    });
    expect(put.status).toBe(200);
  }
  agentA = await service.token({ tenantId: tenantA, roles: ['agent'] });
  agentB = await service.token({ tenantId: tenantB, roles: ['agent'] });
  privacyA = await service.token({ tenantId: tenantA, roles: ['privacy-officer', 'agent'] });
});

afterAll(async () => {
  await service?.close();
});

// ---- publishing like an integrator ---------------------------------------------------------

async function publish<S extends DescMessage>(
  tenant: string,
  schema: S,
  message: MessageShape<S>,
  options: { json?: boolean; partitionKey?: string; type?: string } = {},
): Promise<string> {
  const creditorDebtorId = (message as unknown as { creditorDebtorId: string }).creditorDebtorId;
  const id = randomUUID();
  const partitionKey = options.partitionKey ?? `${tenant}:${creditorDebtorId}`;
  const headers = envelopeToHeaders({
    id,
    source: `/crm/${tenant}`,
    type: options.type ?? schema.typeName,
    time: new Date().toISOString(),
    tenantId: tenant,
    partitionKey,
    correlationId: id,
    contentType: options.json ? ContentType.json : ContentType.protobuf,
  });
  const value = options.json
    ? Buffer.from(JSON.stringify(toJson(schema, message)))
    : Buffer.from(toBinary(schema, message));
  const producer = service.kafka.producer();
  await producer.connect();
  try {
    await producer.send([
      { topic: topicCatalogue.crmInbound.name, key: partitionKey, value, headers },
    ]);
  } finally {
    await producer.disconnect();
  }
  return id;
}

function debtor(
  id: string,
  version: bigint,
  overrides: { contactPoints?: crmV1.ContactPointSet } = {},
) {
  return create(crmV1.DebtorUpsertedSchema, {
    creditorDebtorId: id,
    sourceVersion: version,
    kind: crmV1.DebtorKind.PERSON,
    name: { givenNames: 'Ana', familyName: `García ${version}` },
    dateOfBirth: '1980-04-12',
    preferredLanguage: 'es-ES',
    contactPoints: {
      phones: [{ e164: '+34600111222', type: crmV1.PhoneType.MOBILE, timeZone: 'Europe/Madrid' }],
      emails: [{ address: `ana.${id.toLowerCase()}@example.com` }],
    },
    ...overrides,
  });
}

function account(
  debtorId: string,
  reference: string,
  version: bigint,
  balance: bigint,
  currency = 'EUR',
) {
  return create(crmV1.AccountPlacedSchema, {
    creditorDebtorId: debtorId,
    accountReference: reference,
    sourceVersion: version,
    productType: crmV1.ProductType.CREDIT_CARD,
    productName: 'Acme Card',
    originalBalance: { amountMinor: balance, currency },
    currentBalance: { amountMinor: balance, currency },
    daysPastDue: 45,
    placementDate: '2026-11-01',
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, checked by matchers
type Json = any;

async function caseOf(token: string, accountReference: string): Promise<Json> {
  let found: Json;
  await eventually(
    async () => {
      const list = await service.request('GET', `/v1/cases?accountReference=${accountReference}`, {
        token,
      });
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      found = list.body.items[0];
    },
    { timeoutMs: 30_000 },
  );
  const detail = await service.request('GET', `/v1/cases/${found.id}`, { token });
  expect(detail.status).toBe(200);
  return detail.body;
}

async function caseEventsFor(
  tenant: string,
): Promise<{ type: string; record: IncomingRecord; message: Json }[]> {
  const records = await readTopicToEnd(service.kafka, topicCatalogue.caseEvents.name);
  return records
    .filter((record) => record.headers['ce_tenantid'] === tenant)
    .map((record) => {
      const decoded = decodeRecord(topicCatalogue.caseEvents, record);
      return { type: decoded.envelope.type, record, message: decoded.message };
    });
}

async function deadLettersFor(tenant: string): Promise<IncomingRecord[]> {
  const records = await readTopicToEnd(service.kafka, `${topicCatalogue.crmInbound.name}.dlq`);
  return records.filter((record) => record.headers['ce_tenantid'] === tenant);
}

// ---- CRM ingestion ---------------------------------------------------------------------------

describe('CRM ingestion', () => {
  it('opens a case from a debtor and an account, and emits case events through the outbox', async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-1', 1n), { json: true });
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-1', 'ACC-1', 1n, 12_345n));

    const detail = await caseOf(agentA, 'ACC-1');
    expect(detail).toMatchObject({
      status: 'placed',
      currency: 'EUR',
      totalBalanceMinor: '12345',
      debtor: { creditorDebtorId: 'C-1', name: 'Ana García 1', preferredLanguage: 'es-ES' },
      accounts: [{ accountReference: 'ACC-1', currentBalanceMinor: '12345', daysPastDue: 45 }],
    });

    await eventually(
      async () => {
        const events = await caseEventsFor(tenantA);
        const types = events.map((event) => event.type);
        expect(types).toEqual(
          expect.arrayContaining([
            caseV1.ContactPointsChangedSchema.typeName,
            caseV1.CasePlacedSchema.typeName,
          ]),
        );
        const contacts = events.find(
          (event) => event.type === caseV1.ContactPointsChangedSchema.typeName,
        )!;
        // Addresses travel encrypted: the phone number is nowhere in the record.
        expect(contacts.record.value!.includes(Buffer.from('+34600111222'))).toBe(false);
        expect(contacts.record.key).toBe(`${tenantA}:${detail.debtor.id}`);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('keeps the newest data when updates arrive out of order or twice', async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-2', 5n));
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-2', 'ACC-2', 10n, 50_000n));
    const update = (version: bigint, balance: bigint, dpd: number) =>
      create(crmV1.AccountUpdatedSchema, {
        creditorDebtorId: 'C-2',
        accountReference: 'ACC-2',
        sourceVersion: version,
        currentBalance: { amountMinor: balance, currency: 'EUR' },
        daysPastDue: dpd,
      });
    await publish(tenantA, crmV1.AccountUpdatedSchema, update(30n, 40_000n, 70));
    await publish(tenantA, crmV1.AccountUpdatedSchema, update(20n, 45_000n, 60)); // stale
    await publish(tenantA, crmV1.AccountUpdatedSchema, update(30n, 1n, 1)); // duplicate version
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-2', 3n)); // older profile
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-2', 'ACC-2', 10n, 50_000n)); // replay
    // A marker after the noise, on the same debtor (same partition, so applied after it), in
    // another currency so that it opens a case of its own.
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-2', 'MARKER-2', 1n, 1n, 'GBP'));
    await caseOf(agentA, 'MARKER-2');

    const detail = await caseOf(agentA, 'ACC-2');
    expect(detail.totalBalanceMinor).toBe('40000');
    expect(detail.accounts[0]).toMatchObject({ currentBalanceMinor: '40000', daysPastDue: 70 });
    expect(detail.debtor.name).toBe('Ana García 5');
    const balanceEvents = (await caseEventsFor(tenantA)).filter(
      (event) =>
        event.type === caseV1.BalanceChangedSchema.typeName && event.message.caseId === detail.id,
    );
    expect(balanceEvents).toHaveLength(1);
  });

  it('dead-letters invalid events with a readable reason and applies nothing of them', async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-3', 1n));
    const bad = [
      ['negative amount', account('C-3', 'ACC-3A', 1n, -5n)],
      ['bad currency', account('C-3', 'ACC-3B', 1n, 100n, 'EUX')],
      [
        'bad date',
        create(crmV1.AccountPlacedSchema, {
          ...account('C-3', 'ACC-3C', 1n, 100n),
          placementDate: '2026-02-30',
        }),
      ],
      ['unknown debtor', account('C-404', 'ACC-3D', 1n, 100n)],
    ] as const;
    for (const [, message] of bad) await publish(tenantA, crmV1.AccountPlacedSchema, message);
    await publish('no-such-tenant-x', crmV1.DebtorUpsertedSchema, debtor('C-9', 1n));
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-3', 'ACC-3E', 1n, 100n), {
      partitionKey: `${tenantA}:someone-else`,
    });

    await eventually(
      async () => {
        const reasons = (await deadLettersFor(tenantA)).map(
          (record) => record.headers['dlq-reason'],
        );
        expect(reasons).toEqual(
          expect.arrayContaining([
            expect.stringContaining('current_balance.amount_minor'),
            expect.stringContaining('ISO 4217'),
            expect.stringContaining('placement_date'),
            expect.stringContaining('publish DebtorUpserted first'),
            expect.stringContaining('ce_partitionkey'),
          ]),
        );
        const unknownTenant = await deadLettersFor('no-such-tenant-x');
        expect(unknownTenant.map((record) => record.headers['dlq-reason'])).toEqual([
          expect.stringContaining('unknown tenant'),
        ]);
      },
      { timeoutMs: 30_000 },
    );
    const list = await service.request('GET', '/v1/cases?accountReference=ACC-3', {
      token: agentA,
    });
    expect(list.body.items).toEqual([]);
  });

  it('places and lifts CRM holds, and resolves a case when every account is recalled', async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-4', 1n));
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-4', 'ACC-4', 1n, 9_000n));
    await publish(
      tenantA,
      crmV1.HoldRequestedSchema,
      create(crmV1.HoldRequestedSchema, {
        creditorDebtorId: 'C-4',
        sourceVersion: 1n,
        creditorHoldReference: 'H-4',
        kind: HoldKind.BREATHING_SPACE,
        startsAt: timestampFromDate(new Date()),
        endsAt: timestampFromDate(new Date(Date.now() + 60 * 86_400_000)),
      }),
    );
    await eventually(
      async () => {
        const detail = await caseOf(agentA, 'ACC-4');
        expect(detail.status).toBe('on_hold');
        expect(detail.holds).toEqual([
          expect.objectContaining({
            kind: 'breathing_space',
            creditorHoldReference: 'H-4',
            inForce: true,
          }),
        ]);
      },
      { timeoutMs: 30_000 },
    );
    await publish(
      tenantA,
      crmV1.HoldLiftedSchema,
      create(crmV1.HoldLiftedSchema, {
        creditorDebtorId: 'C-4',
        sourceVersion: 2n,
        creditorHoldReference: 'H-4',
        liftedAt: timestampFromDate(new Date()),
      }),
    );
    await eventually(
      async () => {
        expect((await caseOf(agentA, 'ACC-4')).status).toBe('placed');
      },
      { timeoutMs: 30_000 },
    );
    await publish(
      tenantA,
      crmV1.AccountRecalledSchema,
      create(crmV1.AccountRecalledSchema, {
        creditorDebtorId: 'C-4',
        accountReference: 'ACC-4',
        sourceVersion: 2n,
        reason: crmV1.RecallReason.SOLD,
        effectiveAt: timestampFromDate(new Date()),
      }),
    );
    await eventually(
      async () => {
        const detail = await caseOf(agentA, 'ACC-4');
        expect(detail).toMatchObject({
          status: 'resolved',
          resolution: 'recalled',
          totalBalanceMinor: '0',
        });
      },
      { timeoutMs: 30_000 },
    );
    await eventually(
      async () => {
        const outbound = await readTopicToEnd(service.kafka, topicCatalogue.crmOutbound.name);
        const mine = outbound.filter((record) => record.headers['ce_tenantid'] === tenantA);
        expect(mine.map((record) => record.headers['ce_type'])).toContain(
          crmV1.CaseResolvedSchema.typeName,
        );
        expect(mine.every((record) => record.key === `${tenantA}:C-4`)).toBe(true);
      },
      { timeoutMs: 30_000 },
    );
  });
  it('opens a case on hold when the debtor already has a hold in force', async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-6', 1n));
    await publish(
      tenantA,
      crmV1.HoldRequestedSchema,
      create(crmV1.HoldRequestedSchema, {
        creditorDebtorId: 'C-6',
        sourceVersion: 1n,
        creditorHoldReference: 'H-6',
        kind: HoldKind.INSOLVENCY,
      }),
    );
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-6', 'ACC-6', 1n, 800n));
    const detail = await caseOf(agentA, 'ACC-6');
    expect(detail.status).toBe('on_hold');
    expect(detail.holds).toEqual([
      expect.objectContaining({ kind: 'insolvency', scope: 'debtor', inForce: true }),
    ]);
  });

  it('lifts a breathing space on its own when it ends, as the system', async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-5', 1n));
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-5', 'ACC-5', 1n, 2_000n));
    const startsAt = new Date();
    await publish(
      tenantA,
      crmV1.HoldRequestedSchema,
      create(crmV1.HoldRequestedSchema, {
        creditorDebtorId: 'C-5',
        sourceVersion: 1n,
        creditorHoldReference: 'H-5',
        kind: HoldKind.BREATHING_SPACE,
        startsAt: timestampFromDate(startsAt),
        endsAt: timestampFromDate(new Date(startsAt.getTime() + 3_000)),
      }),
    );
    const placed = await caseOf(agentA, 'ACC-5');
    await eventually(
      async () => {
        const history = await service.request('GET', `/v1/cases/${placed.id}/history`, {
          token: agentA,
        });
        const types = history.body.items.map((item: { type: string }) => item.type);
        expect(types).toEqual(
          expect.arrayContaining([
            caseV1.HoldPlacedSchema.typeName,
            caseV1.HoldLiftedSchema.typeName,
          ]),
        );
        const lifted = history.body.items.find(
          (item: { type: string }) => item.type === caseV1.HoldLiftedSchema.typeName,
        );
        expect(lifted.actor).toEqual({ kind: 'system', id: 'case-service' });
      },
      { timeoutMs: 30_000 },
    );
    const after = await caseOf(agentA, 'ACC-5');
    expect(after.status).toBe('placed');
    expect(after.holds).toEqual([expect.objectContaining({ inForce: false })]);
  });
});

// ---- staff API -------------------------------------------------------------------------------

describe('staff API', () => {
  let caseIdA: string;

  beforeAll(async () => {
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-10', 1n));
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-10', 'ACC-10', 1n, 70_000n));
    caseIdA = (await caseOf(agentA, 'ACC-10')).id;
  });

  it("does not let tenant B's token read or change tenant A's case (404, not 403)", async () => {
    const read = await service.request('GET', `/v1/cases/${caseIdA}`, { token: agentB });
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ statusCode: 404, code: 'case.not_found' });
    const hold = await service.request('POST', `/v1/cases/${caseIdA}/holds`, {
      token: agentB,
      body: { kind: 'dispute' },
    });
    expect(hold.status).toBe(404);
    const list = await service.request('GET', '/v1/cases?accountReference=ACC-10', {
      token: agentB,
    });
    expect(list.body.items).toEqual([]);
    const history = await service.request('GET', `/v1/cases/${caseIdA}/history`, { token: agentB });
    expect(history.status).toBe(404);
    expect(
      (await service.request('GET', `/v1/cases/${caseIdA}`, { token: agentA })).body.holds,
    ).toEqual([]);
  });

  it('answers 401 without a token and 403 without the role', async () => {
    expect((await service.request('GET', '/v1/cases')).status).toBe(401);
    const auditor = await service.token({ tenantId: tenantA, roles: ['auditor'] });
    const hold = await service.request('POST', `/v1/cases/${caseIdA}/holds`, {
      token: auditor,
      body: { kind: 'dispute' },
    });
    expect(hold.status).toBe(403);
  });

  it('answers 400 with field errors for invalid input', async () => {
    const hold = await service.request('POST', `/v1/cases/${caseIdA}/holds`, {
      token: agentA,
      body: { kind: 'holiday', endsAt: 'tomorrow', extra: 1 },
    });
    expect(hold.status).toBe(400);
    expect(hold.body.code).toBe('validation_failed');
    expect(hold.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'endsAt',
      'extra',
      'kind',
    ]);
    const list = await service.request('GET', '/v1/cases?dpdBucket=7-9&limit=0', { token: agentA });
    expect(list.status).toBe(400);
    expect(list.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'dpdBucket',
      'limit',
    ]);
    expect((await service.request('GET', '/v1/cases/not-a-uuid', { token: agentA })).status).toBe(
      400,
    );
  });

  it('places and lifts a hold, flags vulnerability, adds a note, and keeps the history', async () => {
    const hold = await service.request('POST', `/v1/cases/${caseIdA}/holds`, {
      token: agentA,
      body: { kind: 'dispute', reason: 'amount disputed by phone' },
    });
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({
      kind: 'dispute',
      inForce: true,
      placedBy: { kind: 'staff' },
    });
    expect(
      (await service.request('GET', `/v1/cases/${caseIdA}`, { token: agentA })).body.status,
    ).toBe('on_hold');
    const onHold = await service.request('GET', '/v1/cases?onHold=true&accountReference=ACC-10', {
      token: agentA,
    });
    expect(onHold.body.items.map((item: { id: string }) => item.id)).toEqual([caseIdA]);

    // The creditor's CRM hears of a hold Clement placed, with its own references.
    await eventually(
      async () => {
        const outbound = (
          await readTopicToEnd(service.kafka, topicCatalogue.crmOutbound.name)
        ).filter(
          (record) => record.headers['ce_tenantid'] === tenantA && record.key === `${tenantA}:C-10`,
        );
        const placed = outbound
          .map((record) => decodeRecord(topicCatalogue.crmOutbound, record))
          .find((event) => event.envelope.type === crmV1.HoldPlacedSchema.typeName);
        expect(placed?.message).toMatchObject({
          creditorDebtorId: 'C-10',
          accountReferences: ['ACC-10'],
          caseId: caseIdA,
          holdId: hold.body.id,
          kind: HoldKind.DISPUTE,
        });
      },
      { timeoutMs: 30_000 },
    );

    const lift = await service.request('POST', `/v1/cases/${caseIdA}/holds/${hold.body.id}/lift`, {
      token: agentA,
    });
    expect(lift.status).toBe(204);
    const again = await service.request('POST', `/v1/cases/${caseIdA}/holds/${hold.body.id}/lift`, {
      token: agentA,
    });
    expect(again.status).toBe(409);

    const flag = await service.request('PUT', `/v1/cases/${caseIdA}/vulnerability`, {
      token: agentA,
      body: { categories: ['health'], reviewDate: '2027-03-01' },
    });
    expect(flag.status).toBe(204);
    const note = await service.request('POST', `/v1/cases/${caseIdA}/notes`, {
      token: agentA,
      body: { body: 'Called back, will pay on Friday' },
    });
    expect(note.status).toBe(201);

    const detail = (await service.request('GET', `/v1/cases/${caseIdA}`, { token: agentA })).body;
    expect(detail).toMatchObject({
      status: 'placed',
      debtor: { vulnerability: { categories: ['health'], reviewDate: '2027-03-01' } },
      notes: [
        { body: 'Called back, will pay on Friday', author: { kind: 'staff', id: 'staff-1' } },
      ],
    });
    const vulnerable = await service.request('GET', '/v1/cases?vulnerable=true', { token: agentA });
    expect(vulnerable.body.items.map((item: { id: string }) => item.id)).toContain(caseIdA);
    const history = (
      await service.request('GET', `/v1/cases/${caseIdA}/history`, { token: agentA })
    ).body;
    expect(history.items.map((item: { type: string }) => item.type)).toEqual(
      expect.arrayContaining([
        caseV1.CasePlacedSchema.typeName,
        caseV1.HoldPlacedSchema.typeName,
        caseV1.HoldLiftedSchema.typeName,
        caseV1.CaseStatusChangedSchema.typeName,
        caseV1.VulnerabilityFlaggedSchema.typeName,
      ]),
    );
  });

  it('answers 409 for illegal transitions', async () => {
    const resolve = await service.request('POST', `/v1/cases/${caseIdA}/resolve`, {
      token: agentA,
      body: { resolution: 'settled' },
    });
    expect(resolve.status).toBe(200);
    expect(resolve.body).toMatchObject({ status: 'resolved', resolution: 'settled' });
    const twice = await service.request('POST', `/v1/cases/${caseIdA}/resolve`, {
      token: agentA,
      body: { resolution: 'settled' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('case.illegal_transition');
    const hold = await service.request('POST', `/v1/cases/${caseIdA}/holds`, {
      token: agentA,
      body: { kind: 'dispute' },
    });
    expect(hold.status).toBe(409);
    expect(hold.body.message).toContain('resolved');
  });
});

// ---- erasure ---------------------------------------------------------------------------------

describe('erasure by crypto-shredding', () => {
  it('makes the PII unreadable everywhere, keeps the history, and forgets the phone number', async () => {
    const phone = '+447700900777';
    await publish(
      tenantA,
      crmV1.DebtorUpsertedSchema,
      debtor('C-20', 1n, {
        contactPoints: create(crmV1.ContactPointSetSchema, {
          phones: [{ e164: phone, type: crmV1.PhoneType.MOBILE }],
          emails: [{ address: 'erase.me@example.com' }],
        }),
      }),
    );
    await publish(tenantA, crmV1.AccountPlacedSchema, account('C-20', 'ACC-20', 1n, 3_000n));
    const detail = await caseOf(privacyA, 'ACC-20');
    const debtorId: string = detail.debtor.id;

    const search = await service.request('POST', '/v1/debtors/search', {
      token: privacyA,
      body: { phone },
    });
    expect(search.body.items.map((item: { debtorId: string }) => item.debtorId)).toEqual([
      debtorId,
    ]);

    // A legal-retention hold blocks erasure with a clear reason.
    const retain = await service.request('PUT', `/v1/debtors/${debtorId}/legal-retention`, {
      token: privacyA,
      body: { until: '2099-01-01', reason: 'court claim pending' },
    });
    expect(retain.status).toBe(204);
    const blocked = await service.request('POST', `/v1/debtors/${debtorId}/erasure`, {
      token: privacyA,
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'debtor.legal_retention' });
    expect(blocked.body.message).toContain('2099-01-01');
    await service.request('PUT', `/v1/debtors/${debtorId}/legal-retention`, {
      token: privacyA,
      body: { until: null },
    });

    // Agents cannot erase; privacy officers can, once.
    expect(
      (await service.request('POST', `/v1/debtors/${debtorId}/erasure`, { token: agentA })).status,
    ).toBe(403);
    const erased = await service.request('POST', `/v1/debtors/${debtorId}/erasure`, {
      token: privacyA,
    });
    expect(erased.status).toBe(200);
    expect(
      (await service.request('POST', `/v1/debtors/${debtorId}/erasure`, { token: privacyA }))
        .status,
    ).toBe(409);

    // The API shows no name, and a look-up by the old phone finds nothing.
    const after = (await service.request('GET', `/v1/cases/${detail.id}`, { token: privacyA }))
      .body;
    expect(after.debtor).toMatchObject({ id: debtorId, name: null });
    expect(after.debtor.erasedAt).not.toBeNull();
    const searchAfter = await service.request('POST', '/v1/debtors/search', {
      token: privacyA,
      body: { phone },
    });
    expect(searchAfter.body.items).toEqual([]);

    // The database holds no key to decrypt what it stores.
    const schema = service.config.DATABASE_SCHEMA;
    const [key] = await service.dataSource.query(
      `SELECT k."wrapped_key", k."destroyed_at" FROM "${schema}"."debtor_keys" k JOIN "${schema}"."debtors" d ON d."key_id" = k."key_id" WHERE d."id" = $1`,
      [debtorId],
    );
    expect(key).toMatchObject({ wrapped_key: null });
    expect(key.destroyed_at).not.toBeNull();
    const [row] = await service.dataSource.query(
      `SELECT "profile" FROM "${schema}"."debtors" WHERE "id" = $1`,
      [debtorId],
    );
    expect(row.profile.includes(Buffer.from('García'))).toBe(false);

    // Stored events: the contact points are ciphertext under the destroyed key; the history remains.
    await eventually(
      async () => {
        const events = (await caseEventsFor(tenantA)).filter(
          (event) => event.record.key === `${tenantA}:${debtorId}`,
        );
        const contacts = events.find(
          (event) => event.type === caseV1.ContactPointsChangedSchema.typeName,
        )!;
        const keyIds = new Set(
          contacts.message.contactPoints.map((point: caseV1.ContactPoint) => point.value!.keyId),
        );
        const erasedEvent = events.find(
          (event) => event.type === caseV1.DebtorErasedSchema.typeName,
        );
        expect(erasedEvent?.message.keyId).toBeDefined();
        expect([...keyIds]).toEqual([erasedEvent!.message.keyId]);
        expect(contacts.record.value!.includes(Buffer.from(phone))).toBe(false);
        expect(contacts.record.value!.includes(Buffer.from('erase.me@example.com'))).toBe(false);
      },
      { timeoutMs: 30_000 },
    );
    const history = (
      await service.request('GET', `/v1/cases/${detail.id}/history`, { token: privacyA })
    ).body;
    expect(history.items.map((item: { type: string }) => item.type)).toEqual(
      expect.arrayContaining([
        caseV1.CasePlacedSchema.typeName,
        caseV1.DebtorErasedSchema.typeName,
      ]),
    );

    // The CRM can no longer update the erased debtor: its events are dead-lettered with the reason.
    await publish(tenantA, crmV1.DebtorUpsertedSchema, debtor('C-20', 2n));
    await eventually(
      async () => {
        const reasons = (await deadLettersFor(tenantA)).map(
          (record) => record.headers['dlq-reason'],
        );
        expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('erased')]));
      },
      { timeoutMs: 30_000 },
    );
  });
});
