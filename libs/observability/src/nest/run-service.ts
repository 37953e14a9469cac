import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ConfigValidationError } from '../config/load-config';
import { createLogger } from '../logging/create-logger';

/** What a service's main.ts hands to `runService`. */
export interface ServiceEntryPoint<Config extends { PORT: number; HOST: string }> {
  readonly name: string;
  /** Validates the environment; a ConfigValidationError stops the process with exit 1. */
  readonly loadConfig: () => Config;
  /** The service's telemetry handle, shut down when start-up fails. */
  readonly telemetry: { shutdown(): Promise<void> };
  /** Builds the app and prepares it (migrations, HTTP setup); `runService` listens. */
  readonly create: (config: Config) => Promise<{ app: INestApplication; logger: LoggerService }>;
}

/**
 * The shared life of a service process: validated config (problems named, values never), the
 * app created and listening, `listening on port N` logged, exit 0 after a clean close on
 * SIGTERM/SIGINT, exit 1 on any start-up failure.
 */
export function runService<Config extends { PORT: number; HOST: string }>(
  entry: ServiceEntryPoint<Config>,
): void {
  const fatalLogger = () => createLogger({ name: entry.name });
  const start = async (): Promise<void> => {
    let config: Config;
    try {
      config = entry.loadConfig();
    } catch (error: unknown) {
      if (!(error instanceof ConfigValidationError)) throw error;
      // The message names each bad variable and never its value.
      fatalLogger().fatal({ problems: error.problems }, error.message);
      await entry.telemetry.shutdown();
      process.exit(1);
    }
    const { app, logger } = await entry.create(config);
    closeOnSignal(app, logger);
    await app.listen(config.PORT, config.HOST);
    const { port } = app.getHttpServer().address() as AddressInfo;
    logger.log(`listening on port ${port}`, 'Bootstrap');
  };
  start().catch(async (error: unknown) => {
    fatalLogger().fatal(
      { err: error },
      `startup failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await entry.telemetry.shutdown().catch(() => undefined);
    process.exit(1);
  });
}

/**
 * Like `app.enableShutdownHooks()`, which Nest implements by re-raising the signal after closing,
 * so a clean stop and an abrupt kill look alike; here exit 0 means the app closed cleanly.
 */
export function closeOnSignal(app: INestApplication, logger: LoggerService): void {
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
