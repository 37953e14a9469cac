import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProbeEmittedSchema, topicCatalogue } from '@clement/contracts';
import { ObservabilityModule } from '@clement/observability';
import { runMigrations, serviceDataSourceOptions } from '@clement/persistence';
import { eventually } from '@clement/testing';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { requiredEnv, uniqueSuffix } from '../__fixtures__/pipeline-fixture';
import { dlqTopicName } from '../cloudevents/event-topic';
import { handlersFor } from '../consumer/event-handlers';
import type { KafkaPort } from '../kafka/kafka-port';
import { provisionTopics } from '../kafka/topic-provisioning';
import { messagingMigrations } from '../outbox/messaging-migrations';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MessagingModule } from './messaging.module';
import { KAFKA_PORT } from './messaging.tokens';
import { provideEventConsumer } from './provide-event-consumer';

const suffix = uniqueSuffix();
const schema = `nest_${suffix}`;
const topic = { ...topicCatalogue.platformProbes, name: `test.internal.nest-${suffix}.v1` };
const source = '/clement/nest-messaging-test';
const groupId = `nest-test-${suffix}`;
const databaseUrl = requiredEnv('DATABASE_URL');

class CreateProbeReceipts1763900000001 implements MigrationInterface {
  readonly name = 'CreateProbeReceipts1763900000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${schema}"."probe_receipts" (
        "probe_id" text NOT NULL,
        "sequence" bigint NOT NULL,
        "event_id" text PRIMARY KEY
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${schema}"."probe_receipts"`);
  }
}

const migrations = [...messagingMigrations(schema), CreateProbeReceipts1763900000001];

// A feature the way a service cuts it: repository, use case, thin consumer, module.

@Injectable()
class ProbeReceiptRepository {
  async add(
    manager: EntityManager,
    receipt: { probeId: string; sequence: bigint; eventId: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO "${schema}"."probe_receipts" ("probe_id", "sequence", "event_id") VALUES ($1, $2, $3)`,
      [receipt.probeId, receipt.sequence.toString(), receipt.eventId],
    );
  }
}

@Injectable()
class RecordProbeReceiptUseCase {
  constructor(private readonly receipts: ProbeReceiptRepository) {}

  execute(
    manager: EntityManager,
    probe: { probeId: string; sequence: bigint },
    eventId: string,
  ): Promise<void> {
    return this.receipts.add(manager, { ...probe, eventId });
  }
}

@Injectable()
class EmitProbeUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async execute(probeId: string, sequence: number): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.outbox.append(
        manager,
        topic,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, { probeId, sequence: BigInt(sequence) }),
        { tenantId: 'tenant-a', partitionKey: `tenant-a:${probeId}` },
      ),
    );
  }
}

@Injectable()
class ProbesConsumer {
  constructor(private readonly recordReceipt: RecordProbeReceiptUseCase) {}

  subscriptions() {
    return [
      handlersFor(topic).on(ProbeEmittedSchema, (probe, context) =>
        this.recordReceipt.execute(context.manager, probe, context.envelope.id),
      ),
    ];
  }
}

@Module({
  providers: [
    ProbeReceiptRepository,
    RecordProbeReceiptUseCase,
    EmitProbeUseCase,
    ProbesConsumer,
    provideEventConsumer({
      groupId,
      inject: [ProbesConsumer],
      subscriptions: (consumer: ProbesConsumer) => consumer.subscriptions(),
    }),
  ],
})
class ProbesModule {}

@Module({
  imports: [
    ObservabilityModule.forRoot({ serviceName: 'nest-messaging-test', logLevel: 'silent' }),
    TypeOrmModule.forRootAsync({
      useFactory: () => ({
        ...serviceDataSourceOptions({ url: databaseUrl, schema, migrations }),
        retryAttempts: 0,
      }),
    }),
    MessagingModule.forRootAsync({
      useFactory: () => ({
        clientId: 'nest-messaging-test',
        brokers: requiredEnv('KAFKA_BROKERS').split(','),
        schema,
        source,
      }),
    }),
    ProbesModule,
  ],
})
class AppModule {}

async function provisionTestTopics(kafka: KafkaPort): Promise<void> {
  const admin = await kafka.admin();
  try {
    await provisionTopics(
      admin,
      [topic.name, dlqTopicName(topic.name)].map((name) => ({
        name,
        partitions: topic.partitions,
        retentionMs: 86_400_000,
        cleanupPolicy: 'delete',
      })),
    );
  } finally {
    await admin.disconnect();
  }
}

describe('MessagingModule in a Nest application', () => {
  let app: INestApplication;
  let kafka: KafkaPort;
  let baseUrl: string;
  // Outlives the app, to look at the database after app.close().
  let observer: DataSource;

  const receipts = async (probeId: string) =>
    (await observer.query(
      `SELECT "sequence" FROM "${schema}"."probe_receipts" WHERE "probe_id" = $1`,
      [probeId],
    )) as { sequence: string }[];
  const pendingOutboxRows = async () =>
    (
      (await observer.query(`SELECT count(*)::int AS "count" FROM "${schema}"."outbox"`)) as {
        count: number;
      }[]
    )[0].count;

  beforeAll(async () => {
    // abortOnError: false turns a failed boot into a rejected promise instead of process.exit.
    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    kafka = app.get<KafkaPort>(KAFKA_PORT);
    // Before bootstrap (listen), which starts the relay and consumers: schema and topics first.
    await runMigrations(app.get(DataSource));
    await provisionTestTopics(kafka);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    observer = new DataSource(serviceDataSourceOptions({ url: databaseUrl, schema, poolSize: 2 }));
    await observer.initialize();
  });

  afterAll(async () => {
    await app?.close();
    await observer?.destroy();
  });

  it('publishes an event appended through the injected Outbox and hands it to the injected use case', async () => {
    await app.get(EmitProbeUseCase).execute('probe-1', 7);

    await eventually(async () => expect(await receipts('probe-1')).toEqual([{ sequence: '7' }]), {
      timeoutMs: 30_000,
    });
    expect(await pendingOutboxRows()).toBe(0);
  });

  it('reports Kafka in /health/ready', async () => {
    const ready = await fetch(`${baseUrl}/health/ready`);

    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({
      status: 'ok',
      checks: { kafka: { status: 'up' } },
    });
  });

  it('stops the relay and the consumer when the app closes', async () => {
    await app.close();

    // The relay is stopped: an event appended now stays in the outbox.
    await observer.transaction((manager) =>
      new Outbox({ schema, source }).append(
        manager,
        topic,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, { probeId: 'probe-2', sequence: 8n }),
        { tenantId: 'tenant-a', partitionKey: 'tenant-a:probe-2' },
      ),
    );
    await sleep(3_000);
    expect(await pendingOutboxRows()).toBe(1);

    // It also gave up its advisory lock: another relay becomes the leader and publishes the row.
    const producer = kafka.producer();
    await producer.connect();
    const standby = new OutboxRelay({ dataSource: observer, schema, producer });
    try {
      await expect(standby.publishBatch()).resolves.toBe(1);
    } finally {
      await standby.stop();
    }

    // The consumer is stopped: the published event is not handled.
    await sleep(3_000);
    expect(await receipts('probe-2')).toEqual([]);
    expect(await receipts('probe-1')).toEqual([{ sequence: '7' }]);

    // It committed what it handled: the group's next member starts after probe-1.
    const seen: string[] = [];
    const successor = kafka.consumer({ groupId, topics: [topic.name] });
    await successor.run(async (batch) => {
      for (const record of batch.records) {
        seen.push(record.key ?? '');
        batch.markProcessed(record.offset);
      }
    });
    try {
      await eventually(() => expect(seen).toContain('tenant-a:probe-2'), { timeoutMs: 30_000 });
      expect(seen).toEqual(['tenant-a:probe-2']);
    } finally {
      await successor.disconnect();
    }

    // And it left the group: Kafka deletes only a group without members.
    const admin = await kafka.admin();
    try {
      await expect(admin.deleteGroup(groupId)).resolves.toBeUndefined();
    } finally {
      await admin.disconnect();
    }
  });
});
