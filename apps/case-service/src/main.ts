import './telemetry';
import { NestFactory } from '@nestjs/core';
import { runService } from '@clement/observability';
import { runMigrations } from '@clement/persistence';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { loadCaseServiceConfig, SERVICE_NAME } from './config';
import { configureHttp, setupOpenApi } from '@clement/staff-api';
import { telemetry } from './telemetry';

runService({
  name: SERVICE_NAME,
  loadConfig: () => loadCaseServiceConfig(),
  telemetry,
  create: async (config) => {
    const app = await NestFactory.create(AppModule.forRoot(config), {
      bufferLogs: true,
      abortOnError: false,
    });
    const logger = app.get(Logger);
    app.useLogger(logger);
    configureHttp(app);
    setupOpenApi(app, {
      title: 'Clement case-service staff API',
      version: '1',
      description: 'Cases, debtors, holds, vulnerability, notes and erasure, per tenant.',
    });
    if (config.MIGRATE_ON_START) {
      // Before listen: the outbox relay starts on bootstrap and needs its table.
      const applied = await runMigrations(app.get(DataSource));
      logger.log(`migrations applied at start: ${applied.length}`, 'Bootstrap');
    }
    return { app, logger };
  },
});
