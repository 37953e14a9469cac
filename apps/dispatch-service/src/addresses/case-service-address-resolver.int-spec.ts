import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { allTopicDefinitions, caseV1, crmV1, topicCatalogue } from '@clement/contracts';
import {
  ContentType,
  createKafkajsPort,
  decodeRecord,
  envelopeToHeaders,
  type KafkaPort,
  provisionTopics,
  readTopicToEnd,
} from '@clement/messaging';
import {
  eventually,
  killServiceProcess,
  requiredEnv,
  type ServiceProcess,
  startCaseService,
  uniqueName,
} from '@clement/testing';
import { SignJWT } from 'jose';
import { AddressResolverUnavailableError } from './address-resolver';
import { bearerTokenSource } from './bearer-token-source';
import { CaseServiceAddressResolver } from './case-service-address-resolver';

// The client against a real case-service, run as a process from its entry point: an app never
// imports another app's code, so this is the only honest way to put the two together here.
const PHONE = '+447700900456';

jest.setTimeout(180_000);

describe('CaseServiceAddressResolver against case-service', () => {
  const secret = randomBytes(32).toString('hex');
  const tenant = uniqueName('tenant-dr')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  let kafka: KafkaPort;
  let caseService: ServiceProcess | undefined;
  let baseUrl: string;
  let tokenDir: string;

  const mint = (claims: { roles: string[]; tenant?: string }): Promise<string> =>
    new SignJWT({ roles: claims.roles, ...(claims.tenant ? { tenant: claims.tenant } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dispatch-service-it')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));

  const call = async (method: string, path: string, token: string): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: method === 'PUT' ? JSON.stringify({ displayName: 'Dispatch IT creditor' }) : undefined,
    });

  beforeAll(async () => {
    kafka = createKafkajsPort({
      clientId: 'dispatch-address-it',
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
    });
    const admin = await kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
    const started = await startCaseService({
      jwtSecret: secret,
      schemaPrefix: 'case_for_dispatch',
    });
    caseService = started.process;
    baseUrl = started.url;
    const put = await call(
      'PUT',
      `/v1/admin/tenants/${tenant}`,
      await mint({ roles: ['platform-admin'] }),
    );
    expect(put.status).toBe(200);
    tokenDir = mkdtempSync(join(tmpdir(), 'dispatch-token-'));
  });

  afterAll(() => {
    killServiceProcess(caseService);
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
  });

  /** A debtor published as the CRM would, and its contact points as case events carry them. */
  async function debtorFromCrm(
    creditorDebtorId: string,
  ): Promise<{ debtorId: string; points: caseV1.ContactPoint[] }> {
    const partitionKey = `${tenant}:${creditorDebtorId}`;
    const id = randomUUID();
    const message = create(crmV1.DebtorUpsertedSchema, {
      creditorDebtorId,
      sourceVersion: 1n,
      kind: crmV1.DebtorKind.PERSON,
      name: { givenNames: 'Jane', familyName: 'Doe' },
      contactPoints: {
        phones: [{ e164: PHONE, type: crmV1.PhoneType.MOBILE }],
        emails: [{ address: 'jane.doe@example.com' }],
      },
    });
    const producer = kafka.producer();
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
    let found: caseV1.ContactPointsChanged | undefined;
    await eventually(
      async () => {
        const records = await readTopicToEnd(kafka, topicCatalogue.caseEvents.name);
        found = records
          .filter((record) => record.headers['ce_tenantid'] === tenant)
          .map((record) => decodeRecord(topicCatalogue.caseEvents, record))
          .filter((event) => event.envelope.type === caseV1.ContactPointsChangedSchema.typeName)
          .map((event) => event.message as caseV1.ContactPointsChanged)
          .find((event) => event.contactPoints.length === 2);
        expect(found).toBeDefined();
      },
      { timeoutMs: 60_000 },
    );
    return { debtorId: found!.debtorId, points: found!.contactPoints };
  }

  it('resolves addresses with a token read from a file, and sees not found and erasure', async () => {
    const { debtorId, points } = await debtorFromCrm('DR-1');
    const mobile = points.find((point) => point.kind === caseV1.ContactPointKind.MOBILE)!;
    const email = points.find((point) => point.kind === caseV1.ContactPointKind.EMAIL)!;
    const tokenFile = join(tokenDir, 'token');
    writeFileSync(tokenFile, `${await mint({ roles: ['contact-resolver'] })}\n`);
    const resolver = new CaseServiceAddressResolver({
      baseUrl,
      token: bearerTokenSource({ tokenFile }),
    });

    await expect(resolver.resolve(tenant, debtorId, mobile.contactPointId)).resolves.toEqual({
      kind: 'found',
      address: PHONE,
      contactPointKind: 'mobile',
    });
    await expect(resolver.resolve(tenant, debtorId, email.contactPointId)).resolves.toEqual({
      kind: 'found',
      address: 'jane.doe@example.com',
      contactPointKind: 'email',
    });
    await expect(resolver.resolve(tenant, debtorId, randomUUID())).resolves.toEqual({
      kind: 'not_found',
    });
    await expect(resolver.resolve(tenant, randomUUID(), mobile.contactPointId)).resolves.toEqual({
      kind: 'not_found',
    });

    const privacyOfficer = await mint({ roles: ['privacy-officer'], tenant });
    expect((await call('POST', `/v1/debtors/${debtorId}/erasure`, privacyOfficer)).status).toBe(
      200,
    );
    // The cached address lives until its TTL or until DebtorErased makes dispatch forget it.
    resolver.forgetDebtor(tenant, debtorId);
    await expect(resolver.resolve(tenant, debtorId, mobile.contactPointId)).resolves.toEqual({
      kind: 'erased',
    });
  });

  it('fails as unavailable with a staff token, naming the status and not the address', async () => {
    const staffToken = await mint({ roles: ['agent'], tenant });
    const resolver = new CaseServiceAddressResolver({ baseUrl, token: () => staffToken });

    const error: unknown = await resolver
      .resolve(tenant, randomUUID(), randomUUID())
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(AddressResolverUnavailableError);
    expect((error as AddressResolverUnavailableError).status).toBe(403);
    expect((error as Error).message).toBe('case-service answered 403 (auth.forbidden)');
  });
});
