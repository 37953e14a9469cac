import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { topicCatalogue } from '@clement/contracts';
import { createKafkajsPort } from '../kafka/kafkajs-adapter';
import type { KafkaPort } from '../kafka/kafka-port';
import { provisionTopics } from '../kafka/topic-provisioning';
import { messagingMigrations } from '../outbox/messaging-migrations';
import { dlqTopicName, type EventTopic } from '../cloudevents/event-topic';

/** Test-only wiring shared by the messaging integration tests and their child processes. */

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set (integration tests get it from the jest global setup)`);
  return value;
}

export function testKafka(clientId = 'messaging-test'): KafkaPort {
  return createKafkajsPort({ clientId, brokers: requiredEnv('KAFKA_BROKERS').split(',') });
}

/** A probes-shaped topic with its own name, so tests never see each other's records. */
export function testTopic(name: string, partitions = 6, acceptsJson = false): EventTopic {
  return { ...topicCatalogue.platformProbes, name, partitions, acceptsJson };
}

export async function createTestTopics(kafka: KafkaPort, topic: EventTopic): Promise<void> {
  const admin = await kafka.admin();
  try {
    await provisionTopics(admin, [
      {
        name: topic.name,
        partitions: topic.partitions,
        retentionMs: 86_400_000,
        cleanupPolicy: 'delete',
      },
      {
        name: dlqTopicName(topic.name),
        partitions: topic.partitions,
        retentionMs: 86_400_000,
        cleanupPolicy: 'delete',
      },
    ]);
  } finally {
    await admin.disconnect();
  }
}

export function testDataSource(schema: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url: requiredEnv('DATABASE_URL'),
    schema,
    migrations: messagingMigrations(schema),
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: poolSize },
  });
}

/** A fresh schema with the outbox and inbox tables, plus what the tests apply events to. */
export async function prepareSchema(schema: string): Promise<void> {
  const dataSource = testDataSource(schema, 1);
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations();
    await dataSource.query(`
      CREATE TABLE IF NOT EXISTS "${schema}"."applied" (
        "id" bigserial PRIMARY KEY,
        "key" text NOT NULL,
        "sequence" bigint NOT NULL,
        "event_id" text NOT NULL,
        "published_at_ms" bigint,
        "applied_at" timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  } finally {
    await dataSource.destroy();
  }
}

export function uniqueSuffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 10);
}
