import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { allTopicDefinitions } from '@clement/contracts';
import { createKafkajsPort, provisionTopics } from '@clement/messaging';
import {
  eventually,
  findFreePort,
  killServiceProcess,
  requiredEnv,
  runEntryPoint,
  type ServiceProcess,
  startServiceProcess,
  stopGracefully,
  uniqueName,
  withinMs,
} from '@clement/testing';

// The service runs as a real process, as in production: telemetry must patch modules through
// Node's own `require`, which Jest replaces. Migrations run first through the `migrate` entry point.

const MAIN = join(__dirname, 'main.ts');
const MIGRATE = join(__dirname, 'migrate.ts');

const run = runEntryPoint;
const kill = killServiceProcess;
const startService = (env: NodeJS.ProcessEnv): Promise<ServiceProcess> =>
  startServiceProcess(MAIN, env);

describe('case-service process', () => {
  const schema = uniqueName('case_service');
  let env: NodeJS.ProcessEnv;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    // As the deployment does (Helm hook, compose kafka-init, `npm run up`) before services start.
    const kafka = createKafkajsPort({
      clientId: 'case-service-it',
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
    });
    const admin = await kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
    env = {
      ...process.env,
      DATABASE_URL: requiredEnv('DATABASE_URL'),
      KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
      DATABASE_SCHEMA: schema,
      PORT: String(await findFreePort()),
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'false',
      PII_MASTER_KEYS: `it-k1:${randomBytes(32).toString('base64')}`,
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    };
  });

  afterEach(() => kill(service));

  it('migrates, serves health and metrics, and shuts down cleanly on SIGTERM', async () => {
    const migrate = run(MIGRATE, env);
    const migrated = await withinMs(migrate.exited, 60_000, 'migrate');
    expect({ ...migrated, output: migrate.lines }).toMatchObject({ code: 0 });
    expect(migrate.lines.join('\n')).toContain('CreateMessagingTables1763900000000');

    service = await startService(env);
    const running = service;
    const baseUrl = `http://127.0.0.1:${env['PORT']}`;
    expect(running.lines.join('\n')).not.toContain('migrations applied at start');

    const live = await fetch(`${baseUrl}/health/live`);
    expect(live.status).toBe(200);

    // Kafka's admin client may need a moment after listen; readiness reflects it, so poll.
    await eventually(
      async () => {
        const ready = await fetch(`${baseUrl}/health/ready`);
        await expect(ready.json()).resolves.toEqual({
          status: 'ok',
          checks: { database: { status: 'up' }, kafka: { status: 'up' } },
        });
        expect(ready.status).toBe(200);
      },
      { timeoutMs: 30_000 },
    );

    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const scrape = await metrics.text();
    expect(scrape).toMatch(/^# TYPE \S+ (counter|gauge|histogram)$/m);
    expect(scrape).toMatch(/^target_info\{service_name="case-service",/m);

    // The staff API's OpenAPI document, public like the probes; the API itself needs a token.
    const docs = await fetch(`${baseUrl}/docs-json`);
    expect(docs.status).toBe(200);
    const openApi = (await docs.json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, { scheme: string }> };
    };
    expect(Object.keys(openApi.paths)).toEqual(
      expect.arrayContaining(['/v1/cases', '/v1/cases/{caseId}', '/v1/debtors/{debtorId}/erasure']),
    );
    expect(openApi.components.securitySchemes['bearer']?.scheme).toBe('bearer');
    expect((await fetch(`${baseUrl}/v1/cases`)).status).toBe(401);

    await stopGracefully(running);
  });

  it('applies its migrations at start when MIGRATE_ON_START is true', async () => {
    service = await startService({
      ...env,
      DATABASE_SCHEMA: uniqueName('case_service_self_migrating'),
      PORT: String(await findFreePort()),
      MIGRATE_ON_START: 'true',
    });

    expect(service.lines.join('\n')).toContain('"msg":"migrations applied at start: 3"');
    await stopGracefully(service);
  });

  it('refuses to start without KAFKA_BROKERS, naming it and never printing secrets', async () => {
    const password = 'pa55-word-not-for-logs';
    const withSecret = new URL(requiredEnv('DATABASE_URL'));
    withSecret.password = password;
    const { KAFKA_BROKERS: _omitted, ...withoutBrokers } = env;
    service = run(MAIN, { ...withoutBrokers, DATABASE_URL: withSecret.toString() });

    const exit = await withinMs(service.exited, 30_000, 'exit on bad config');

    expect(exit.code).toBe(1);
    const output = service.lines.join('\n');
    expect(output).toContain('KAFKA_BROKERS: is missing');
    expect(output).not.toContain(password);
    expect(output).not.toContain('listening on port');
  });
});
