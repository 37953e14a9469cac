import { createHash } from 'node:crypto';
import { strategyV1, topicCatalogue } from '@clement/contracts';
import { decodeRecord, readTopicToEnd } from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { type StaffApiClient, startStaffApiClient } from './__fixtures__/staff-api-client';
import { STRATEGY_CATALOGUE, type StrategyCatalogue } from './strategy-catalogue';

jest.setTimeout(120_000);

const yamlStrategy = (
  name: string,
  extra = '',
) => `# ${name}: comments and layout are kept as uploaded
schemaVersion: 1
name: ${name}
${extra}reactions:
  vulnerability:
    path: supportive
segments:
  - id: everyone
    path: early
paths:
  early:
    steps:
      - id: first-reminder
        send:
          channels: [sms, email]
          template: reminder.gentle
          purpose: reminder
      - id: stop
        end: {}
  supportive:
    steps:
      - id: done
        end: {}
`;

const jsonStrategy = (name: string) =>
  JSON.stringify(
    {
      schemaVersion: 1,
      name,
      reactions: { vulnerability: { path: 'early' } },
      segments: [{ id: 'everyone', path: 'early' }],
      paths: { early: { steps: [{ id: 'stop', end: {} }] } },
    },
    null,
    2,
  );

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const tenantName = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');

let api: StaffApiClient;
const tenantA = tenantName('strat-a');
const tenantB = tenantName('strat-b');
let adminA: string;
let adminB: string;
let auditorA: string;
let agentA: string;

beforeAll(async () => {
  api = await startStaffApiClient(uniqueName('strategy_api_it'));
  adminA = await api.token({ tenantId: tenantA, roles: ['strategy-admin'], subject: 'admin-a' });
  adminB = await api.token({ tenantId: tenantB, roles: ['strategy-admin'], subject: 'admin-b' });
  auditorA = await api.token({ tenantId: tenantA, roles: ['auditor'] });
  agentA = await api.token({ tenantId: tenantA, roles: ['agent'] });
});

afterAll(async () => {
  await api?.close();
});

async function activationEvents(tenant: string) {
  const records = await readTopicToEnd(api.kafka, topicCatalogue.strategyEvents.name);
  return records
    .filter((record) => record.headers['ce_tenantid'] === tenant)
    .map((record) => ({ record, ...decodeRecord(topicCatalogue.strategyEvents, record) }))
    .filter(({ envelope }) => envelope.type === strategyV1.StrategyVersionActivatedSchema.typeName)
    .map(({ record, message }) => ({
      key: record.key,
      message: message as strategyV1.StrategyVersionActivated,
    }));
}

const upload = (token: string, strategyId: string, document: string) =>
  api.request('POST', `/v1/strategies/${strategyId}/versions`, { token, body: { document } });

describe('uploading and reading versions', () => {
  it('numbers versions per strategy and returns the document exactly as uploaded', async () => {
    const v1Text = yamlStrategy('Gentle early');
    const v1 = await upload(adminA, 'gentle', v1Text);
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({
      strategyId: 'gentle',
      version: 1,
      documentSha256: sha256(v1Text),
      format: 'yaml',
      name: 'Gentle early',
    });

    const v2Text = jsonStrategy('Gentle early, JSON');
    const v2 = await upload(adminA, 'gentle', v2Text);
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, format: 'json', documentSha256: sha256(v2Text) });

    const read = await api.request('GET', '/v1/strategies/gentle/versions/1', { token: auditorA });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      strategyId: 'gentle',
      version: 1,
      document: v1Text,
      documentSha256: sha256(v1Text),
      createdBy: 'admin-a',
    });
  });

  it('refuses an invalid document with each problem at its JSON pointer, and stores nothing', async () => {
    const broken = yamlStrategy('Broken').replace('path: early', 'path: nowhere');
    const response = await upload(adminA, 'gentle', broken);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'strategy.invalid_document',
      errors: [{ field: '/segments/0/path', reason: 'no path "nowhere"' }],
    });
    const syntax = await upload(adminA, 'gentle', 'name: [unclosed');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].field).toBe('');

    const versions = await api.request('GET', '/v1/strategies/gentle/versions', { token: adminA });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('refuses a document over 256 KiB with 413', async () => {
    const huge = `${yamlStrategy('Huge')}\n#${'x'.repeat(256 * 1024)}\n`;
    const response = await upload(adminA, 'gentle', huge);
    expect(response.status).toBe(413);
    // The store's own limit (strategy.document_too_large) when the service's JSON body limit is
    // above 256 KiB; the body parser's (payload_too_large) when it is below.
    expect(['strategy.document_too_large', 'payload_too_large']).toContain(response.body.code);
  });

  it('validates without storing', async () => {
    const ok = await api.request('POST', '/v1/strategies/validate', {
      token: adminA,
      body: { document: yamlStrategy('Draft') },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, problems: [] });

    const bad = await api.request('POST', '/v1/strategies/validate', {
      token: adminA,
      body: { document: yamlStrategy('Draft').replace('purpose: reminder', 'purpose: nagging') },
    });
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.problems).toContainEqual(
      expect.objectContaining({ path: '/paths/early/steps/0/send/purpose' }),
    );
    const list = await api.request('GET', '/v1/strategies', { token: adminA });
    expect(list.body.items.map((s: { strategyId: string }) => s.strategyId)).toEqual(['gentle']);
  });

  it('serialises version numbers of concurrent uploads', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => upload(adminA, 'busy', yamlStrategy(`Busy ${i}`))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(responses.map((r) => r.body.version as number).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps stored versions immutable in the database itself', async () => {
    const schema = (api.service.dataSource.options as { schema: string }).schema;
    await expect(
      api.service.dataSource.query(
        `UPDATE "${schema}"."strategy_versions" SET "document" = 'tampered' WHERE "tenant_id" = $1`,
        [tenantA],
      ),
    ).rejects.toThrow('strategy versions are immutable');
  });
});

describe('activation', () => {
  it('activates a version: pointer, history, catalogue and an event on the topic', async () => {
    const first = await api.request('POST', '/v1/strategies/gentle/versions/1/activate', {
      token: adminA,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ strategyId: 'gentle', version: 1, previous: null });

    const second = await api.request('POST', '/v1/strategies/gentle/versions/2/activate', {
      token: adminA,
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      version: 2,
      previous: { strategyId: 'gentle', version: 1 },
      activatedBy: 'admin-a',
      changed: true,
    });

    const again = await api.request('POST', '/v1/strategies/gentle/versions/2/activate', {
      token: adminA,
    });
    expect(again.body.changed).toBe(false);

    const active = await api.request('GET', '/v1/strategies/active', { token: auditorA });
    expect(active.body).toMatchObject({ strategyId: 'gentle', version: 2, challenger: null });
    const list = await api.request('GET', '/v1/strategies', { token: auditorA });
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ strategyId: 'gentle', latestVersion: 2, activeVersion: 2 }),
    );

    // Old versions stay readable, byte for byte, after a newer one is active.
    const v1 = await api.request('GET', '/v1/strategies/gentle/versions/1', { token: auditorA });
    expect(v1.body.document).toBe(yamlStrategy('Gentle early'));
    expect(v1.body.documentSha256).toBe(sha256(yamlStrategy('Gentle early')));

    const catalogue = api.service.app.get<StrategyCatalogue>(STRATEGY_CATALOGUE);
    const compiled = await catalogue.active(tenantA);
    expect(compiled?.champion.ref).toEqual({ strategyId: 'gentle', version: 2 });
    expect(compiled?.champion.document.name).toBe('Gentle early, JSON');

    const events = await eventually(
      async () => {
        const found = await activationEvents(tenantA);
        expect(found).toHaveLength(2); // the no-op re-activation published nothing
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(events.map((e) => e.key)).toEqual([`${tenantA}:gentle`, `${tenantA}:gentle`]);
    expect(events[1]?.message).toMatchObject({
      strategyId: 'gentle',
      version: 2,
      previousVersion: 1,
      documentSha256: sha256(jsonStrategy('Gentle early, JSON')),
      challengerStrategyId: '',
      activatedBy: { id: 'admin-a' },
    });
  });

  it('requires a challenger the document names to be stored, and publishes its share', async () => {
    const missing = await upload(
      adminA,
      'experiment',
      yamlStrategy(
        'Missing challenger',
        'challenger:\n  strategyId: gentle\n  version: 9\n  share: 0.2\n',
      ),
    );
    expect(missing.status).toBe(201);
    const refused = await api.request('POST', '/v1/strategies/experiment/versions/1/activate', {
      token: adminA,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('strategy.challenger_not_found');

    const named = await upload(
      adminA,
      'experiment',
      yamlStrategy(
        'With challenger',
        'challenger:\n  strategyId: gentle\n  version: 1\n  share: 0.2\n',
      ),
    );
    const activated = await api.request('POST', '/v1/strategies/experiment/versions/2/activate', {
      token: adminA,
    });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({
      strategyId: 'experiment',
      version: named.body.version,
      challenger: { strategyId: 'gentle', version: 1, shareBps: 2_000 },
      previous: { strategyId: 'gentle', version: 2 },
    });
    const active = await api.request('GET', '/v1/strategies/active', { token: adminA });
    expect(active.body.challenger).toEqual({ strategyId: 'gentle', version: 1, shareBps: 2_000 });

    const compiled = await api.service.app
      .get<StrategyCatalogue>(STRATEGY_CATALOGUE)
      .active(tenantA);
    expect(compiled?.challenger?.strategy.ref).toEqual({ strategyId: 'gentle', version: 1 });
    expect(compiled?.challenger?.shareBps).toBe(2_000);

    const event = await eventually(
      async () => {
        const found = (await activationEvents(tenantA)).find(
          (e) => e.message.strategyId === 'experiment',
        );
        expect(found).toBeDefined();
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(event?.key).toBe(`${tenantA}:experiment`);
    expect(event?.message).toMatchObject({
      version: 2,
      // It replaces another strategy, gentle v2, which the event names.
      previousStrategyId: 'gentle',
      previousVersion: 2,
      challengerStrategyId: 'gentle',
      challengerVersion: 1,
      challengerShareBps: 2_000,
    });
  });
});

describe('access', () => {
  it('keeps tenants apart: another tenant sees nothing and cannot activate', async () => {
    expect(
      (await api.request('GET', '/v1/strategies/gentle/versions/1', { token: adminB })).status,
    ).toBe(404);
    expect(
      (await api.request('GET', '/v1/strategies/gentle/versions', { token: adminB })).status,
    ).toBe(404);
    const activate = await api.request('POST', '/v1/strategies/gentle/versions/1/activate', {
      token: adminB,
    });
    expect(activate.status).toBe(404);
    expect((await api.request('GET', '/v1/strategies', { token: adminB })).body.items).toEqual([]);
    const active = await api.request('GET', '/v1/strategies/active', { token: adminB });
    expect(active.status).toBe(404);
    expect(active.body.code).toBe('strategy.no_active_strategy');
    // Tenant B's own strategy of the same id starts at version 1.
    expect((await upload(adminB, 'gentle', yamlStrategy('B'))).body.version).toBe(1);
  });

  it('answers 401 without a token and 403 to roles that may not write or read', async () => {
    expect((await api.request('GET', '/v1/strategies')).status).toBe(401);
    expect((await upload(auditorA, 'gentle', yamlStrategy('x'))).status).toBe(403);
    expect((await upload(agentA, 'gentle', yamlStrategy('x'))).status).toBe(403);
    expect(
      (await api.request('POST', '/v1/strategies/gentle/versions/1/activate', { token: auditorA }))
        .status,
    ).toBe(403);
    expect((await api.request('GET', '/v1/strategies', { token: agentA })).status).toBe(403);
    // A platform admin acts for no tenant, so it cannot reach any tenant's strategies.
    const platform = await api.token({ roles: ['platform-admin'] });
    expect((await api.request('GET', '/v1/strategies', { token: platform })).status).toBe(403);
  });

  it('publishes the JSON Schema without a token', async () => {
    const response = await api.request('GET', '/v1/strategies/schema');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      $id: 'https://clement.dev/schemas/strategy.schema.json',
      required: expect.arrayContaining(['schemaVersion', 'segments', 'paths']),
    });
  });

  it('rejects malformed path parameters', async () => {
    expect((await upload(adminA, '-bad', yamlStrategy('x'))).status).toBe(400);
    expect(
      (await api.request('GET', '/v1/strategies/gentle/versions/one', { token: adminA })).status,
    ).toBe(400);
  });
});
