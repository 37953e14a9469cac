// `migrate` entry point (and the Kubernetes Job's command): applies pending migrations, then exits.
import { ConfigValidationError, createLogger } from '@clement/observability';
import { runMigrateCommand } from '@clement/persistence';
import { loadDispatchServiceDatabaseConfig, SERVICE_NAME } from './config';
import { dispatchServiceMigrations } from './migrations';

function main(): Promise<number> {
  let schema: string;
  try {
    schema = loadDispatchServiceDatabaseConfig().DATABASE_SCHEMA;
  } catch (error: unknown) {
    if (!(error instanceof ConfigValidationError)) {
      throw error;
    }
    createLogger({ name: `${SERVICE_NAME}-migrate` }).fatal(
      { problems: error.problems },
      error.message,
    );
    process.exitCode = 1;
    return Promise.resolve(1);
  }
  return runMigrateCommand({
    schema,
    migrations: dispatchServiceMigrations(schema),
    applicationName: `${SERVICE_NAME}-migrate`,
  });
}

void main();
