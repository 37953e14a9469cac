// `migrate` entry point (and the Kubernetes Job's command): applies pending migrations, then exits.
import { ConfigValidationError, createLogger } from '@clement/observability';
import { runMigrateCommand } from '@clement/persistence';
import { loadStrategyServiceDatabaseConfig, SERVICE_NAME } from './config';
import { strategyServiceMigrations } from './migrations';

function main(): Promise<number> {
  let schema: string;
  try {
    schema = loadStrategyServiceDatabaseConfig().DATABASE_SCHEMA;
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
    migrations: strategyServiceMigrations(schema),
    applicationName: `${SERVICE_NAME}-migrate`,
  });
}

void main();
