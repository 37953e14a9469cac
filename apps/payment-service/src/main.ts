import './telemetry';
import { NestFactory } from '@nestjs/core';
import { runService } from '@clement/observability';
import { runMigrations } from '@clement/persistence';
import { configureHttp, setupOpenApi } from '@clement/staff-api';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { loadPaymentServiceConfig, SERVICE_NAME } from './config';
import { telemetry } from './telemetry';

runService({
  name: SERVICE_NAME,
  loadConfig: () => loadPaymentServiceConfig(),
  telemetry,
  create: async (config) => {
    const app = await NestFactory.create(AppModule.forRoot(config), {
      bufferLogs: true,
      // PSP webhooks are verified over the body exactly as received.
      rawBody: true,
      abortOnError: false,
    });
    const logger = app.get(Logger);
    app.useLogger(logger);
    configureHttp(app);
    setupOpenApi(app, {
      title: 'Clement payment-service API',
      version: '1',
      description:
        'Offers, payment plans, promises to pay, payments (card and direct debit), refunds and the ledger. Every mutating call takes an Idempotency-Key.',
    });
    if (config.MIGRATE_ON_START) {
      // Before listen: the relay, the consumer and the schedulers need their tables.
      const applied = await runMigrations(app.get(DataSource));
      logger.log(`migrations applied at start: ${applied.length}`, 'Bootstrap');
    }
    return { app, logger };
  },
});
