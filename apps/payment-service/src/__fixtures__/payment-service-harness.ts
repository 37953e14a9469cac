import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runMigrations } from '@clement/persistence';
import { configureHttp } from '@clement/staff-api';
import { DataSource } from 'typeorm';
import { AppModule, type PaymentServiceOverrides } from '../app.module';
import { loadPaymentServiceConfig, type PaymentServiceConfig } from '../config';

export interface PaymentServiceHarness {
  readonly app: INestApplication;
  readonly config: PaymentServiceConfig;
  readonly baseUrl: string;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * payment-service in-process against the real Kafka and PostgreSQL, in a schema of its own,
 * with an injectable clock, listening where the simulator sends its webhooks.
 */
export async function startPaymentService(options: {
  env: Record<string, string>;
  schema: string;
  overrides?: PaymentServiceOverrides;
}): Promise<PaymentServiceHarness> {
  const config = loadPaymentServiceConfig({ ...options.env, DATABASE_SCHEMA: options.schema });
  const app = await NestFactory.create(AppModule.forRoot(config, options.overrides), {
    logger: ['error', 'warn'],
    rawBody: true,
  });
  configureHttp(app);
  const dataSource = app.get(DataSource);
  await runMigrations(dataSource);
  await app.listen(config.PORT, '127.0.0.1');
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${config.PORT}`,
    dataSource,
    async close() {
      await app.close();
    },
  };
}
