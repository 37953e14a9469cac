import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { allTopicDefinitions } from '@clement/contracts';
import { createKafkajsPort, type KafkaPort, provisionTopics } from '@clement/messaging';
import { runMigrations } from '@clement/persistence';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { type DispatchServiceConfig, loadDispatchServiceConfig } from '../config';
import type { SendingOverrides } from '../sending/sending.module';
import { dispatchTestEnv } from './dispatch-test-env';

export interface DispatchServiceHarness {
  readonly app: INestApplication;
  readonly config: DispatchServiceConfig;
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  readonly kafka: KafkaPort;
  close(): Promise<void>;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (by the integration globalSetup)`);
  return value;
}

/** dispatch-service in-process against the real Kafka and PostgreSQL, in a schema of its own. */
export async function startDispatchService(options: {
  schema: string;
  env?: Record<string, string>;
  overrides?: SendingOverrides;
  /** Listen on this port (e.g. the one providers were told to call back); default any. */
  port?: number;
}): Promise<DispatchServiceHarness> {
  const config = loadDispatchServiceConfig({
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    DATABASE_SCHEMA: options.schema,
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...dispatchTestEnv(),
    ...options.env,
  });
  const kafka = createKafkajsPort({
    clientId: `harness-${options.schema}`,
    brokers: config.kafkaBrokers,
  });
  const admin = await kafka.admin();
  try {
    await provisionTopics(admin, allTopicDefinitions());
  } finally {
    await admin.disconnect();
  }
  const app = await NestFactory.create(AppModule.forRoot(config, options.overrides), {
    logger: ['error', 'warn'],
    rawBody: true,
  });
  // Migrations before listen (which bootstraps): the outbox relay and consumers need their tables.
  const dataSource = app.get(DataSource);
  await runMigrations(dataSource);
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    dataSource,
    kafka,
    async close() {
      await app.close();
    },
  };
}
