import './telemetry';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, createLogger } from '@clement/observability';
import { runMigrations } from '@clement/persistence';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { type DispatchServiceConfig, loadDispatchServiceConfig, SERVICE_NAME } from './config';
import { telemetry } from './telemetry';

async function bootstrap(config: DispatchServiceConfig): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  closeOnSignal(app, logger);
  if (config.MIGRATE_ON_START) {
    // Before listen: the outbox relay and the consumers start on bootstrap and need their tables.
    const applied = await runMigrations(app.get(DataSource));
    logger.log(`migrations applied at start: ${applied.length}`, 'Bootstrap');
  }
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.log(`listening on port ${port}`, 'Bootstrap');
}

/**
 * Like `app.enableShutdownHooks()`, which Nest implements by re-raising the signal after closing,
 * so a clean stop and an abrupt kill look alike; here exit 0 means the app closed cleanly.
 */
function closeOnSignal(app: INestApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals): void => {
    if (closing) {
      return;
    }
    closing = true;
    logger.log(`${signal} received, shutting down`, 'Bootstrap');
    app.close().then(
      () => {
        logger.log('shutdown complete', 'Bootstrap');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed', 'Bootstrap');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

function loadConfigOrExit(): DispatchServiceConfig | undefined {
  try {
    return loadDispatchServiceConfig();
  } catch (error: unknown) {
    if (!(error instanceof ConfigValidationError)) {
      throw error;
    }
    // The message names each bad variable and never its value.
    createLogger({ name: SERVICE_NAME }).fatal({ problems: error.problems }, error.message);
    return undefined;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config) {
    await telemetry.shutdown();
    process.exit(1);
  }
  await bootstrap(config);
}

main().catch(async (error: unknown) => {
  createLogger({ name: SERVICE_NAME }).fatal(
    { err: error },
    `startup failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
});
