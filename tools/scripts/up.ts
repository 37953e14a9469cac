/**
 * The platform launcher behind `npm run up`: infrastructure, topics, a check of the messaging
 * backbone, the services, and a demo portfolio imported for the tenant `demo-bank`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { allTopicDefinitions, ProbeEmittedSchema, topicCatalogue } from '@clement/contracts';
import { ensureInfrastructure } from '@clement/local-infra';
import {
  createKafkajsPort,
  EventConsumer,
  handlersFor,
  messagingMigrations,
  Outbox,
  OutboxRelay,
  provisionTopics,
} from '@clement/messaging';
import { createServiceDataSource, ensureSchema, runMigrations } from '@clement/persistence';
import { mintToken } from '../../apps/case-service/src/auth/dev-token';
import { buildProgram } from '../../apps/cli/src/program';
import { loadLocalSecrets } from './local-secrets';
import { launchService, type RunningService } from './service-launcher';

const DEMO_TENANT = 'demo-bank';
const DEMO_PORTFOLIO = join(__dirname, '..', '..', 'deploy', 'demo', 'portfolio.sample.csv');

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const infrastructure = await ensureInfrastructure({
    log,
    persistentDir: process.env['CLEMENT_DATA_DIR'] || undefined,
  });
  const services: RunningService[] = [];
  let demo: { agentToken: string; cases: number } | undefined;
  const stop = async () => {
    log('up: stopping...');
    // Services first, so they drain and commit while Kafka and PostgreSQL are still there.
    await Promise.all(services.map((service) => service.stop()));
    await infrastructure.stop();
  };
  try {
    const kafka = createKafkajsPort({
      clientId: 'clement-up',
      brokers: infrastructure.kafkaBrokers,
    });
    const admin = await kafka.admin();
    const created = await provisionTopics(admin, allTopicDefinitions());
    await admin.disconnect();
    log(`up: topics ready (${allTopicDefinitions().length} declared, ${created.length} created)`);

    const probeMs = await platformCheck(infrastructure.databaseUrl, kafka);
    log(
      `up: platform check passed: a probe went outbox → relay → Kafka → consumer in ${probeMs} ms`,
    );

    const secrets = loadLocalSecrets(
      join(
        process.env['CLEMENT_DATA_DIR'] || join(__dirname, '..', '..', 'tmp'),
        'local-secrets.json',
      ),
    );
    const serviceEnv = {
      DATABASE_URL: infrastructure.databaseUrl,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      HOST: '127.0.0.1',
      PII_MASTER_KEYS: secrets.piiMasterKeys,
      AUTH_JWT_SECRET: secrets.jwtSecret,
    };
    const caseService = await launchService({
      name: 'case-service',
      port: Number(process.env['CASE_SERVICE_PORT'] ?? 3001),
      env: serviceEnv,
    });
    services.push(caseService);
    for (const service of services) log(`up: ${service.name} is ready at ${service.url}`);
    demo = await loadDemoPortfolio(caseService.url, secrets.jwtSecret, infrastructure.kafkaBrokers);
  } catch (error) {
    await stop();
    throw error;
  }

  process.stdout.write(
    [
      '',
      'Clement is up.',
      `  KAFKA_BROKERS=${infrastructure.kafkaBrokers.join(',')}`,
      `  DATABASE_URL=${infrastructure.databaseUrl}`,
      `  topics: ${allTopicDefinitions()
        .map((topic) => topic.name)
        .join(', ')}`,
      ...services.map(
        (service) =>
          `  ${service.name}: ${service.url} (/health/ready, /metrics; logs in ${service.logFile})`,
      ),
      `  demo tenant ${DEMO_TENANT}: ${demo?.cases ?? 0} cases; staff API docs at ${services[0]?.url}/docs`,
      `  an agent token for ${DEMO_TENANT} (12 h): ${demo?.agentToken ?? ''}`,
      `    curl -H "authorization: Bearer $TOKEN" ${services[0]?.url}/v1/cases?limit=5`,
      '  CRM outbound events: npm run clement -- crm tail --from-beginning',
      '  dead letters: npm run clement -- dlq list <topic>',
      '  benchmark: npm run bench:messaging',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await stop();
  process.exit(0);
}

/**
 * Creates the demo tenant and imports the sample portfolio through the integrator CLI, then waits
 * until case-service has opened its cases. Idempotent: a second `up` re-imports to no effect.
 */
async function loadDemoPortfolio(
  caseServiceUrl: string,
  jwtSecret: string,
  brokers: readonly string[],
): Promise<{ agentToken: string; cases: number }> {
  const admin = await mintToken(jwtSecret, { subject: 'up', roles: ['platform-admin'] });
  const put = await fetch(`${caseServiceUrl}/v1/admin/tenants/${DEMO_TENANT}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Demo Bank plc' }),
  });
  if (!put.ok) throw new Error(`creating the demo tenant failed: HTTP ${put.status}`);

  process.env['KAFKA_BROKERS'] = brokers.join(',');
  const lines: string[] = [];
  let exitCode = 0;
  await buildProgram((line) => lines.push(line), {
    stderr: { isTTY: false, write: (text: string) => lines.push(text) },
    setExitCode: (code: number) => (exitCode = code),
  }).parseAsync(
    ['crm', 'import', DEMO_PORTFOLIO, '--tenant', DEMO_TENANT, '--source-version', '1'],
    { from: 'user' },
  );
  // 3: the sample has five malformed rows on purpose (deploy/demo/README.md).
  if (exitCode !== 0 && exitCode !== 3) {
    throw new Error(`the demo import failed (exit ${exitCode}):\n${lines.join('\n')}`);
  }
  log(
    `up: demo portfolio published (${lines.find((line) => line.startsWith('published')) ?? 'done'})`,
  );

  const agentToken = await mintToken(jwtSecret, {
    subject: 'demo-agent',
    tenantId: DEMO_TENANT,
    roles: ['agent', 'auditor'],
    expiresInSeconds: 12 * 3600,
  });
  const deadline = Date.now() + 120_000;
  let cases = 0;
  while (Date.now() < deadline) {
    const response = await fetch(`${caseServiceUrl}/v1/cases?limit=200`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    cases = ((await response.json()) as { items: unknown[] }).items.length;
    if (cases >= 195) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`up: demo tenant ${DEMO_TENANT} has ${cases}${cases === 200 ? '+' : ''} cases`);
  return { agentToken, cases };
}

/** Sends one probe through the real pipeline, so "up" means the backbone works, not just that ports are open. */
async function platformCheck(
  databaseUrl: string,
  kafka: ReturnType<typeof createKafkajsPort>,
): Promise<number> {
  const schema = 'platform_check';
  const dataSource = createServiceDataSource({
    url: databaseUrl,
    schema,
    migrations: messagingMigrations(schema),
  });
  await dataSource.initialize();
  await ensureSchema(dataSource);
  await runMigrations(dataSource);
  const outbox = new Outbox({ schema, source: '/clement/platform-check' });
  const probeId = randomUUID();
  let delivered: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (delivered = resolve));
  const consumer = new EventConsumer({
    groupId: 'clement-platform-check',
    kafka,
    dataSource,
    outbox,
    subscriptions: [
      handlersFor(topicCatalogue.platformProbes).on(ProbeEmittedSchema, async (probe) => {
        if (probe.probeId === probeId) delivered();
      }),
    ],
  });
  const relay = new OutboxRelay({ dataSource, schema, producer: kafka.producer() });
  try {
    await consumer.start();
    await relay.start();
    const started = Date.now();
    await dataSource.transaction((manager) =>
      outbox.append(
        manager,
        topicCatalogue.platformProbes,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, {
          probeId,
          sequence: 1n,
          emittedAt: timestampFromDate(new Date()),
          note: 'up',
        }),
        { tenantId: 'platform', partitionKey: `platform:${probeId}` },
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the platform check probe did not arrive in 60 s')),
        60_000,
      );
    });
    await Promise.race([arrived, timeout]).finally(() => clearTimeout(timer));
    return Date.now() - started;
  } finally {
    await relay.stop();
    await consumer.stop();
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  log(`up: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
