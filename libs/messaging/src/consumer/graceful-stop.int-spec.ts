import { create, toBinary } from '@bufbuild/protobuf';
import { ProbeEmittedSchema } from '@clement/contracts';
import { eventually } from '@clement/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  createTestTopics,
  prepareSchema,
  requiredEnv,
  testDataSource,
  testKafka,
  testTopic,
  uniqueSuffix,
} from '../__fixtures__/pipeline-fixture';
import { ContentType, envelopeToHeaders } from '../cloudevents/cloud-event-headers';
import { Outbox } from '../outbox/outbox';
import { EventConsumer } from './event-consumer';
import { handlersFor } from './event-handlers';

describe('EventConsumer.stop', () => {
  const suffix = uniqueSuffix();
  const schema = `graceful_${suffix}`;
  const topic = testTopic(`test.internal.graceful-${suffix}.v1`, 1);
  const groupId = `graceful-${suffix}`;
  const kafka = testKafka('graceful-stop-test');
  let dataSource: DataSource;

  beforeAll(async () => {
    await createTestTopics(kafka, topic);
    await prepareSchema(schema);
    dataSource = testDataSource(schema);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('commits the offsets of what it finished, even inside the commit interval', async () => {
    let handled = 0;
    const consumer = new EventConsumer({
      groupId,
      kafka,
      dataSource,
      outbox: new Outbox({ schema, source: '/clement/graceful-test' }),
      // Far longer than the test: only the stop itself can commit.
      commitIntervalMs: 600_000,
      subscriptions: [
        handlersFor(topic).on(ProbeEmittedSchema, async () => {
          handled++;
        }),
      ],
    });
    await consumer.start();
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, count: number) =>
      producer.send(
        Array.from({ length: count }, (_, j) => {
          const i = from + j;
          return {
            topic: topic.name,
            key: 'tenant-a:debtor-1',
            value: Buffer.from(
              toBinary(ProbeEmittedSchema, create(ProbeEmittedSchema, { sequence: BigInt(i) })),
            ),
            headers: envelopeToHeaders({
              id: `${suffix}-${i}`,
              source: '/clement/graceful-test',
              type: ProbeEmittedSchema.typeName,
              time: new Date().toISOString(),
              contentType: ContentType.protobuf,
              tenantId: 'tenant-a',
              partitionKey: 'tenant-a:debtor-1',
              correlationId: `${suffix}-${i}`,
            }),
          };
        }),
      );
    // The first batch is committed at once (kafkajs starts its interval there); the second is not.
    await send(0, 10);
    await eventually(async () => expect(handled).toBe(10));
    await send(10, 10);
    await eventually(async () => expect(handled).toBe(20));
    await producer.disconnect();

    await consumer.stop();

    const admin = new Kafka({
      clientId: 'graceful-check',
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic.name] });
      expect(committed.partitions).toEqual([{ partition: 0, offset: '20', metadata: null }]);
    } finally {
      await admin.disconnect();
    }
  });
});
