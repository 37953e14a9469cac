/**
 * The platform launcher behind `npm run up`. For now the platform is its infrastructure and the
 * messaging backbone; services join this list as they are built.
 */
import { randomUUID } from 'node:crypto';
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
import { launchService, type RunningService } from './service-launcher';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const infrastructure = await ensureInfrastructure({
    log,
    persistentDir: process.env['CLEMENT_DATA_DIR'] || undefined,
  });
  const services: RunningService[] = [];
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

    const serviceEnv = {
      DATABASE_URL: infrastructure.databaseUrl,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      HOST: '127.0.0.1',
    };
    services.push(
      await launchService({
        name: 'case-service',
        port: Number(process.env['CASE_SERVICE_PORT'] ?? 3001),
        env: serviceEnv,
      }),
    );
    for (const service of services) log(`up: ${service.name} is ready at ${service.url}`);
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
