import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { allTopicDefinitions } from '@clement/contracts';
import { createKafkajsPort, type KafkaPort, provisionTopics } from '@clement/messaging';
import { runMigrations } from '@clement/persistence';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { configureHttp, mintToken } from '@clement/staff-api';
import { loadCaseServiceConfig, type CaseServiceConfig } from '../config';

export const TEST_JWT_SECRET = 'case-service-integration-tests-shared-secret-0123456789';

export interface CaseServiceHarness {
  readonly app: INestApplication;
  readonly config: CaseServiceConfig;
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  readonly kafka: KafkaPort;
  token(claims: { tenantId?: string; roles: string[]; subject?: string }): Promise<string>;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (by the integration globalSetup)`);
  return value;
}

/**
 * case-service in-process against the real Kafka and PostgreSQL of the integration run, in a
 * schema of its own, with HS256 staff tokens.
 */
export async function startCaseService(options: {
  schema: string;
  env?: Record<string, string>;
}): Promise<CaseServiceHarness> {
  const config = loadCaseServiceConfig({
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    DATABASE_SCHEMA: options.schema,
    PII_MASTER_KEYS: `test-k1:${randomBytes(32).toString('base64')}`,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
    PORT: '0',
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
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  configureHttp(app);
  // Migrations before listen (which bootstraps): the outbox relay and consumers need their tables.
  const dataSource = app.get(DataSource);
  await runMigrations(dataSource);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    baseUrl,
    dataSource,
    kafka,
    token: ({ tenantId, roles, subject }) =>
      mintToken(TEST_JWT_SECRET, { subject: subject ?? 'staff-1', tenantId, roles }),
    async request(method, path, { token, body } = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await app.close();
    },
  };
}
