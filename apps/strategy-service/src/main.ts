import './telemetry';
import { NestFactory } from '@nestjs/core';
import { runService } from '@clement/observability';
import { runMigrations } from '@clement/persistence';
import { configureHttp, setupOpenApi } from '@clement/staff-api';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { loadStrategyServiceConfig, SERVICE_NAME } from './config';
import { telemetry } from './telemetry';

runService({
  name: SERVICE_NAME,
  loadConfig: () => loadStrategyServiceConfig(),
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
      title: 'Clement strategy-service staff API',
      version: '1',
      description: 'Strategies as versioned documents, their activation, and agent tasks.',
    });
    if (config.MIGRATE_ON_START) {
      // Before listen: the outbox relay, the consumers and the timer poller need their tables.
      const applied = await runMigrations(app.get(DataSource));
      logger.log(`migrations applied at start: ${applied.length}`, 'Bootstrap');
    }
    return { app, logger };
  },
});
