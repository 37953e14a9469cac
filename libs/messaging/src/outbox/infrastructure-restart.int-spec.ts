import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ProbeEmittedSchema } from '@clement/contracts';
import { eventually } from '@clement/testing';
import { DataSource } from 'typeorm';
import type { ChildProcess } from 'node:child_process';
import { killProcess, startFixtureProcessWithMessage } from '../__fixtures__/child-process';
import { testTopic, uniqueSuffix } from '../__fixtures__/pipeline-fixture';
import { EventConsumer } from '../consumer/event-consumer';
import { handlersFor } from '../consumer/event-handlers';
import { createKafkajsPort } from '../kafka/kafkajs-adapter';
import { provisionTopics } from '../kafka/topic-provisioning';
import { dlqTopicName } from '../cloudevents/event-topic';
import { messagingMigrations } from './messaging-migrations';
import { Outbox, pendingEvent } from './outbox';
import { OutboxRelay } from './outbox-relay';

const KEYS = 20;

/**
 * The relay and the consumer keep going when the broker and then the database restart under
 * them: nothing is lost, nothing is applied twice, per-key order holds. This test runs its own
 * Kafka and PostgreSQL (on fixed ports and data directories) so it can stop and start them.
 */
describe('outbox pipeline across a broker restart and a database restart', () => {
  const suffix = uniqueSuffix();
  const schema = `restart_${suffix}`;
  const topic = testTopic(`test.internal.restart-${suffix}.v1`, 3);
  // PostgreSQL runs as the `postgres` OS user, so its directory sits directly under /tmp.
  const postgresDir = join('/tmp', `clement-restart-pg-${suffix}`);
  const kafkaDir = join(tmpdir(), `clement-restart-kafka-${suffix}`);
  let kafka: ChildProcess;
  let postgres: ChildProcess;
  const startServer = async (kind: 'kafka' | 'postgres', dir: string) => {
    const { child, message } = await startFixtureProcessWithMessage('server-process.ts', {}, [
      kind,
      dir,
    ]);
    return { child, address: String(message) };
  };
  let dataSource: DataSource;
  let relay: OutboxRelay;
  let consumer: EventConsumer;
  let written = 0;
  const nextSequence = new Map<string, number>();

  const applied = async () =>
    Number(
      (
        (await dataSource.query(`SELECT count(*)::int AS n FROM "${schema}"."applied"`)) as {
          n: number;
        }[]
      )[0].n,
    );

  const write = async (count: number) => {
    const events = Array.from({ length: count }, (_, i) => {
      const key = `tenant-a:debtor-${(written + i) % KEYS}`;
      const sequence = (nextSequence.get(key) ?? 0) + 1;
      nextSequence.set(key, sequence);
      return pendingEvent(
        topic,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, { sequence: BigInt(sequence) }),
        {
          tenantId: 'tenant-a',
          partitionKey: key,
        },
      );
    });
    await dataSource.transaction((manager) =>
      new Outbox({ schema, source: '/clement/restart-test' }).appendAll(manager, events),
    );
    written += count;
  };

  beforeAll(async () => {
    const [kafkaServer, postgresServer] = await Promise.all([
      startServer('kafka', kafkaDir),
      startServer('postgres', postgresDir),
    ]);
    kafka = kafkaServer.child;
    postgres = postgresServer.child;
    const port = createKafkajsPort({
      clientId: 'restart-test',
      brokers: kafkaServer.address.split(','),
    });
    const admin = await port.admin();
    await provisionTopics(admin, [
      {
        name: topic.name,
        partitions: topic.partitions,
        retentionMs: 3_600_000,
        cleanupPolicy: 'delete',
      },
      {
        name: dlqTopicName(topic.name),
        partitions: topic.partitions,
        retentionMs: 3_600_000,
        cleanupPolicy: 'delete',
      },
    ]);
    await admin.disconnect();

    dataSource = new DataSource({
      type: 'postgres',
      url: postgresServer.address,
      schema,
      migrations: messagingMigrations(schema),
      migrationsTableName: 'migrations',
      extra: { max: 8 },
    });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await dataSource.runMigrations();
    await dataSource.query(
      `CREATE TABLE "${schema}"."applied" ("id" bigserial PRIMARY KEY, "key" text NOT NULL, "sequence" bigint NOT NULL, "event_id" text NOT NULL)`,
    );

    relay = new OutboxRelay({ dataSource, schema, producer: port.producer() });
    consumer = new EventConsumer({
      groupId: `restart-${suffix}`,
      kafka: port,
      dataSource,
      outbox: new Outbox({ schema, source: '/clement/restart-test' }),
      retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 500 },
      subscriptions: [
        handlersFor(topic).on(ProbeEmittedSchema, async (probe, { envelope, manager }) => {
          await manager.query(
            `INSERT INTO "${schema}"."applied" ("key", "sequence", "event_id") VALUES ($1, $2, $3)`,
            [envelope.partitionKey, probe.sequence.toString(), envelope.id],
          );
        }),
      ],
    });
    await relay.start();
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await Promise.all([
      kafka && killProcess(kafka, 'SIGTERM'),
      postgres && killProcess(postgres, 'SIGTERM'),
    ]);
    rmSync(kafkaDir, { recursive: true, force: true });
    rmSync(postgresDir, { recursive: true, force: true });
  });

  it('delivers every event exactly once, in order per key', async () => {
    await write(200);
    await eventually(async () => expect(await applied()).toBe(200), { timeoutMs: 30_000 });

    // Broker down: the service keeps writing; the outbox holds the events.
    await killProcess(kafka, 'SIGTERM');
    await write(200);
    kafka = (await startServer('kafka', kafkaDir)).child;
    await eventually(async () => expect(await applied()).toBe(400), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });

    // Database down under the relay and the consumer, while records wait in Kafka.
    await write(200);
    await killProcess(postgres, 'SIGTERM');
    postgres = (await startServer('postgres', postgresDir)).child;
    await write(200);
    await eventually(async () => expect(await applied()).toBe(800), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });

    expect(
      Number(
        (
          (await dataSource.query(
            `SELECT count(DISTINCT "event_id")::int AS n FROM "${schema}"."applied"`,
          )) as { n: number }[]
        )[0].n,
      ),
    ).toBe(800);
    const outOfOrder = (await dataSource.query(`
      SELECT count(*)::int AS n FROM (
        SELECT "sequence", row_number() OVER (PARTITION BY "key" ORDER BY "id") AS position FROM "${schema}"."applied"
      ) t WHERE "sequence" <> position`)) as { n: number }[];
    expect(outOfOrder[0].n).toBe(0);
  });
});
