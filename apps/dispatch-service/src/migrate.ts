// `migrate` entry point (and the Kubernetes Job's command): applies pending migrations, then exits.
import { runServiceMigrations } from '@clement/persistence';
import { loadDispatchServiceDatabaseConfig, SERVICE_NAME } from './config';
import { dispatchServiceMigrations } from './migrations';

void runServiceMigrations({
  serviceName: SERVICE_NAME,
  loadSchema: () => loadDispatchServiceDatabaseConfig().DATABASE_SCHEMA,
  migrations: dispatchServiceMigrations,
});
