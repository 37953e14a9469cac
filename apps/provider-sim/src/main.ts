import './telemetry';
import { NestFactory } from '@nestjs/core';
import { runService } from '@clement/observability';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadProviderSimConfig, SERVICE_NAME } from './config';
import { telemetry } from './telemetry';

runService({
  name: SERVICE_NAME,
  loadConfig: () => loadProviderSimConfig(),
  telemetry,
  create: async (config) => {
    const app = await NestFactory.create(AppModule.forRoot(config), {
      bufferLogs: true,
      abortOnError: false,
    });
    const logger = app.get(Logger);
    app.useLogger(logger);
    return { app, logger };
  },
});
