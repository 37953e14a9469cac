import { create, toBinary } from '@bufbuild/protobuf';
import { caseV1, crmV1, topicCatalogue } from '@clement/contracts';
import { ContentType, decodeRecord, envelopeToHeaders, readTopicToEnd } from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { randomUUID } from 'node:crypto';
import { type CaseServiceHarness, startCaseService } from './__fixtures__/case-service-harness';

jest.setTimeout(120_000);

const RESOLVE = '/internal/v1/contact-addresses/resolve';
const tenant = uniqueName('tenant-cr')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');

let service: CaseServiceHarness;
let resolver: string;
let agent: string;
let privacyOfficer: string;

beforeAll(async () => {
  service = await startCaseService({
    schema: uniqueName('case_addr_it')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
  });
  const admin = await service.token({ roles: ['platform-admin'] });
  const put = await service.request('PUT', `/v1/admin/tenants/${tenant}`, {
    token: admin,
    body: { displayName: 'Creditor for address resolution' },
  });
  expect(put.status).toBe(200);
  // dispatch-service's workload identity: a machine role, no tenant claim.
  resolver = await service.token({ subject: 'dispatch-service', roles: ['contact-resolver'] });
  agent = await service.token({ tenantId: tenant, roles: ['agent'] });
  privacyOfficer = await service.token({ tenantId: tenant, roles: ['privacy-officer'] });
});

afterAll(async () => {
  await service?.close();
});

const PHONE = '+447700900321';

/** Publishes a debtor as the CRM would; answers Clement's ids as case events carry them. */
async function debtorWithContacts(creditorDebtorId: string): Promise<{
  debtorId: string;
  mobile: caseV1.ContactPoint;
  email: caseV1.ContactPoint;
  postal: caseV1.ContactPoint;
}> {
  const message = create(crmV1.DebtorUpsertedSchema, {
    creditorDebtorId,
    sourceVersion: 1n,
    kind: crmV1.DebtorKind.PERSON,
    name: { givenNames: 'Jane', familyName: 'Doe' },
    contactPoints: {
      phones: [{ e164: PHONE, type: crmV1.PhoneType.MOBILE, timeZone: 'Europe/London' }],
      emails: [{ address: `${creditorDebtorId.toLowerCase()}@example.com` }],
      postalAddresses: [
        {
          address: {
            addressLines: ['10 High Street'],
            locality: 'Leeds',
            postalCode: 'LS1 1AA',
            countryCode: 'GB',
          },
        },
      ],
    },
  });
  const partitionKey = `${tenant}:${creditorDebtorId}`;
  const id = randomUUID();
  const producer = service.kafka.producer();
  await producer.connect();
  try {
    await producer.send([
      {
        topic: topicCatalogue.crmInbound.name,
        key: partitionKey,
        value: Buffer.from(toBinary(crmV1.DebtorUpsertedSchema, message)),
        headers: envelopeToHeaders({
          id,
          source: `/crm/${tenant}`,
          type: crmV1.DebtorUpsertedSchema.typeName,
          time: new Date().toISOString(),
          tenantId: tenant,
          partitionKey,
          correlationId: id,
          contentType: ContentType.protobuf,
        }),
      },
    ]);
  } finally {
    await producer.disconnect();
  }

  const schema = service.config.DATABASE_SCHEMA;
  let debtorId = '';
  let points: caseV1.ContactPoint[] = [];
  await eventually(
    async () => {
      const [row] = (await service.dataSource.query(
        `SELECT "id" FROM "${schema}"."debtors" WHERE "tenant_id" = $1 AND "creditor_debtor_id" = $2`,
        [tenant, creditorDebtorId],
      )) as { id: string }[];
      expect(row).toBeDefined();
      debtorId = row!.id;
      const records = await readTopicToEnd(service.kafka, topicCatalogue.caseEvents.name);
      const changed = records
        .filter((record) => record.key === `${tenant}:${debtorId}`)
        .map((record) => decodeRecord(topicCatalogue.caseEvents, record))
        .find((event) => event.envelope.type === caseV1.ContactPointsChangedSchema.typeName);
      expect(changed).toBeDefined();
      points = (changed!.message as caseV1.ContactPointsChanged).contactPoints;
    },
    { timeoutMs: 30_000 },
  );
  const ofKind = (kind: caseV1.ContactPointKind) => points.find((point) => point.kind === kind)!;
  return {
    debtorId,
    mobile: ofKind(caseV1.ContactPointKind.MOBILE),
    email: ofKind(caseV1.ContactPointKind.EMAIL),
    postal: ofKind(caseV1.ContactPointKind.POSTAL),
  };
}

async function resolve(
  body: Record<string, string>,
  token: string | null = resolver,
): Promise<{ status: number; body: Record<string, unknown>; cacheControl: string | null }> {
  const response = await fetch(`${service.baseUrl}${RESOLVE}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    cacheControl: response.headers.get('cache-control'),
  };
}

describe('POST /internal/v1/contact-addresses/resolve', () => {
  it("resolves a debtor's phone, email and postal address from the ids in case events", async () => {
    const { debtorId, mobile, email, postal } = await debtorWithContacts('CR-1');

    const phone = await resolve({
      tenantId: tenant,
      debtorId,
      contactPointId: mobile.contactPointId,
    });
    expect(phone).toEqual({
      status: 200,
      cacheControl: 'no-store',
      body: { address: PHONE, kind: 'mobile', keyId: mobile.value!.keyId },
    });
    const mail = await resolve({
      tenantId: tenant,
      debtorId,
      contactPointId: email.contactPointId,
    });
    expect(mail.body).toEqual({
      address: 'cr-1@example.com',
      kind: 'email',
      keyId: email.value!.keyId,
    });
    const letter = await resolve({
      tenantId: tenant,
      debtorId,
      contactPointId: postal.contactPointId,
    });
    expect(letter.body).toMatchObject({ kind: 'postal' });
    expect(JSON.parse(letter.body['address'] as string)).toEqual({
      addressLines: ['10 High Street'],
      locality: 'Leeds',
      postalCode: 'LS1 1AA',
      countryCode: 'GB',
    });
  });

  it('answers 404 for an unknown tenant, debtor or contact point', async () => {
    const { debtorId, mobile } = await debtorWithContacts('CR-2');
    const ids = { tenantId: tenant, debtorId, contactPointId: mobile.contactPointId };

    const unknownTenant = await resolve({ ...ids, tenantId: 'no-such-tenant' });
    expect(unknownTenant).toMatchObject({ status: 404, body: { code: 'debtor.not_found' } });
    const unknownDebtor = await resolve({ ...ids, debtorId: randomUUID() });
    expect(unknownDebtor).toMatchObject({ status: 404, body: { code: 'debtor.not_found' } });
    const unknownPoint = await resolve({ ...ids, contactPointId: randomUUID() });
    expect(unknownPoint).toMatchObject({
      status: 404,
      body: { code: 'contact_point.not_found' },
    });
    const invalid = await resolve({ ...ids, debtorId: 'not-a-uuid' });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('answers 410 once the debtor is erased', async () => {
    const { debtorId, mobile } = await debtorWithContacts('CR-3');
    const ids = { tenantId: tenant, debtorId, contactPointId: mobile.contactPointId };
    expect((await resolve(ids)).status).toBe(200);

    const erased = await service.request('POST', `/v1/debtors/${debtorId}/erasure`, {
      token: privacyOfficer,
    });
    expect(erased.status).toBe(200);

    const after = await resolve(ids);
    expect(after).toMatchObject({ status: 410, body: { code: 'debtor.erased' } });
    expect(JSON.stringify(after.body)).not.toContain(PHONE);
  });

  it('answers 403 to staff tokens and 401 without a token', async () => {
    const { debtorId, mobile } = await debtorWithContacts('CR-4');
    const ids = { tenantId: tenant, debtorId, contactPointId: mobile.contactPointId };

    expect(await resolve(ids, agent)).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden' },
    });
    expect(await resolve(ids, privacyOfficer)).toMatchObject({ status: 403 });
    expect(await resolve(ids, null)).toMatchObject({
      status: 401,
      body: { code: 'auth.missing_token' },
    });
  });
});
