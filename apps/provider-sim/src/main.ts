import './telemetry';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigValidationError, createLogger } from '@clement/observability';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadProviderSimConfig, type ProviderSimConfig, SERVICE_NAME } from './config';
import { telemetry } from './telemetry';

export async function createProviderSim(config: ProviderSimConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  return app;
}

async function bootstrap(config: ProviderSimConfig): Promise<void> {
  const app = await createProviderSim(config);
  const logger = app.get(Logger);
  closeOnSignal(app, logger);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.log(`listening on port ${port}`, 'Bootstrap');
}

/** Exit 0 after a clean close, as case-service does. */
function closeOnSignal(app: INestApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals): void => {
    if (closing) return;
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

function loadConfigOrExit(): ProviderSimConfig | undefined {
  try {
    return loadProviderSimConfig();
  } catch (error: unknown) {
    if (!(error instanceof ConfigValidationError)) throw error;
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
