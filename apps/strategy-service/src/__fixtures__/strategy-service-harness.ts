import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { allTopicDefinitions } from '@clement/contracts';
import { createKafkajsPort, provisionTopics } from '@clement/messaging';
import { runMigrations } from '@clement/persistence';
import { configureHttp, mintToken } from '@clement/staff-api';
import { requiredEnv } from '@clement/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { loadStrategyServiceConfig, type StrategyServiceConfig } from '../config';
import type { JourneysOverrides } from '../journeys/journeys.module';
import { TimerPoller } from '../journeys/timer-poller';

export interface StrategyServiceHarness {
  readonly app: INestApplication;
  readonly config: StrategyServiceConfig;
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  readonly timers: TimerPoller;
  /** A bearer token for the staff API with these roles in `tenantId`. */
  token(tenantId: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/** A staff-token secret shared by the instances of one test (any instance accepts its tokens). */
export const testJwtSecret = (): string => randomBytes(32).toString('hex');

/**
 * strategy-service in-process against the real Kafka and PostgreSQL, in a schema of its own,
 * with an injectable clock (`overrides.clock`). Several harnesses on one schema are replicas.
 */
export async function startStrategyService(options: {
  schema: string;
  jwtSecret?: string;
  env?: Record<string, string>;
  overrides?: JourneysOverrides;
}): Promise<StrategyServiceHarness> {
  const jwtSecret = options.jwtSecret ?? testJwtSecret();
  const config = loadStrategyServiceConfig({
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    DATABASE_SCHEMA: options.schema,
    LOG_LEVEL: 'warn',
    PORT: '0',
    AUTH_JWT_SECRET: jwtSecret,
    TIMER_POLL_INTERVAL_MS: '50',
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
  });
  configureHttp(app);
  // Migrations before listen (which bootstraps): the relay, consumers and poller need their tables.
  const dataSource = app.get(DataSource);
  await runMigrations(dataSource);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    dataSource,
    timers: app.get(TimerPoller),
    token: (tenantId, roles) => mintToken(jwtSecret, { subject: 'strategy-it', tenantId, roles }),
    async close() {
      await app.close();
    },
  };
}

/** Stores a strategy version through the staff API and activates it; returns its version. */
export async function activateStrategy(
  harness: Pick<StrategyServiceHarness, 'baseUrl' | 'token'>,
  tenantId: string,
  strategyId: string,
  document: string,
): Promise<number> {
  const headers = {
    authorization: `Bearer ${await harness.token(tenantId, ['strategy-admin'])}`,
    'content-type': 'application/json',
  };
  const created = await fetch(`${harness.baseUrl}/v1/strategies/${strategyId}/versions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ document }),
  });
  if (created.status !== 201) {
    throw new Error(`storing the strategy failed: ${created.status} ${await created.text()}`);
  }
  const { version } = (await created.json()) as { version: number };
  const activated = await fetch(
    `${harness.baseUrl}/v1/strategies/${strategyId}/versions/${version}/activate`,
    { method: 'POST', headers },
  );
  if (activated.status !== 200) {
    throw new Error(
      `activating the strategy failed: ${activated.status} ${await activated.text()}`,
    );
  }
  return version;
}
