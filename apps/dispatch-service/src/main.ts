import './telemetry';
import { NestFactory } from '@nestjs/core';
import { runService } from '@clement/observability';
import { runMigrations } from '@clement/persistence';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { loadDispatchServiceConfig, SERVICE_NAME } from './config';
import { telemetry } from './telemetry';

runService({
  name: SERVICE_NAME,
  loadConfig: () => loadDispatchServiceConfig(),
  telemetry,
  create: async (config) => {
    const app = await NestFactory.create(AppModule.forRoot(config), {
      bufferLogs: true,
      // The webhooks verify provider signatures over the body exactly as received.
      rawBody: true,
      abortOnError: false,
    });
    const logger = app.get(Logger);
    app.useLogger(logger);
    if (config.MIGRATE_ON_START) {
      // Before listen: the outbox relay and the consumers start on bootstrap and need their tables.
      const applied = await runMigrations(app.get(DataSource));
      logger.log(`migrations applied at start: ${applied.length}`, 'Bootstrap');
    }
    return { app, logger };
  },
});
