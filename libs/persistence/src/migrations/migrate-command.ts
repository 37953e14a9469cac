import { ConfigValidationError, createLogger } from '@clement/observability';
import type { DestinationStream } from 'pino';
import {
  createServiceDataSource,
  type ServiceDataSourceOptions,
} from '../data-source/create-service-data-source';
import { describeDatabaseUrl, parseDatabaseUrl } from '../data-source/database-url';
import { assertServiceSchemaName } from '../data-source/schema-name';
import { runMigrations } from './run-migrations';

export interface MigrateCommandOptions {
  /** The service's schema, e.g. 'case'. */
  readonly schema: string;
  readonly migrations: ServiceDataSourceOptions['migrations'];
  /** Where DATABASE_URL is read from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Shown in pg_stat_activity (default `<schema>-migrate`). */
  readonly applicationName?: string;
  /** JSON log lines go here (default stdout). */
  readonly logDestination?: DestinationStream;
  /** Receives the exit code (default: sets process.exitCode, so the process exits with it). */
  readonly exit?: (code: number) => void;
}

/**
 * Body of every service's `migrate` script / Kubernetes Job:
 *
 *   void runMigrateCommand({ schema: 'case', migrations: [CreateCases1700000000000] });
 *
 * Reads and validates DATABASE_URL, applies pending migrations to the service's schema, logs
 * what it applied, and exits non-zero on any failure. Resolves to the exit code; never rejects.
 */
export async function runMigrateCommand(options: MigrateCommandOptions): Promise<number> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => void (process.exitCode = code));
  const logger = createLogger({
    name: `${options.schema}-migrate`,
    destination: options.logDestination,
  });

  let url: URL;
  try {
    assertServiceSchemaName(options.schema);
    url = parseDatabaseUrl(env['DATABASE_URL']);
  } catch (error: unknown) {
    logger.error({ schema: options.schema }, `migrate: ${messageOf(error)}`);
    exit(1);
    return 1;
  }

  const database = describeDatabaseUrl(url);
  const dataSource = createServiceDataSource({
    url: url.toString(),
    schema: options.schema,
    migrations: options.migrations,
    applicationName: options.applicationName ?? `${options.schema}-migrate`,
    poolSize: 2,
  });
  let code = 0;
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    logger.info(
      { schema: options.schema, database, applied },
      applied.length === 0
        ? 'migrate: schema is up to date, no pending migrations'
        : `migrate: applied ${applied.length} migration(s): ${applied.join(', ')}`,
    );
  } catch (error: unknown) {
    code = 1;
    logger.error(
      { schema: options.schema, database },
      `migrate: failed: ${scrubPassword(messageOf(error), url)}`,
    );
  } finally {
    if (dataSource.isInitialized) {
      await dataSource.destroy().catch(() => undefined);
    }
  }
  exit(code);
  return code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Drivers do not put the password in messages, but a URL-echoing error must not leak it either.
function scrubPassword(message: string, url: URL): string {
  const password = url.password ? decodeURIComponent(url.password) : '';
  return password.length > 0 ? message.split(password).join('[redacted]') : message;
}

export interface ServiceMigrateOptions {
  /** The service's name, for the logs and pg_stat_activity (`<name>-migrate`). */
  readonly serviceName: string;
  /** Reads and validates the service's database config; returns its schema. */
  readonly loadSchema: () => string;
  /** The service's migrations for a schema, oldest first. */
  readonly migrations: (schema: string) => MigrateCommandOptions['migrations'];
}

/**
 * The whole `migrate` entry point of a service: its config first (a problem is logged by
 * variable, never with its value, and exits 1), then {@link runMigrateCommand}.
 */
export function runServiceMigrations(options: ServiceMigrateOptions): Promise<number> {
  const name = `${options.serviceName}-migrate`;
  let schema: string;
  try {
    schema = options.loadSchema();
  } catch (error: unknown) {
    if (!(error instanceof ConfigValidationError)) {
      throw error;
    }
    createLogger({ name }).fatal({ problems: error.problems }, error.message);
    process.exitCode = 1;
    return Promise.resolve(1);
  }
  return runMigrateCommand({
    schema,
    migrations: options.migrations(schema),
    applicationName: name,
  });
}
