// `migrate` entry point (and the Kubernetes Job's command): applies pending migrations, then exits.
import { runServiceMigrations } from '@clement/persistence';
import { loadStrategyServiceDatabaseConfig, SERVICE_NAME } from './config';
import { strategyServiceMigrations } from './migrations';

void runServiceMigrations({
  serviceName: SERVICE_NAME,
  loadSchema: () => loadStrategyServiceDatabaseConfig().DATABASE_SCHEMA,
  migrations: strategyServiceMigrations,
});
