// `migrate` entry point (and the Kubernetes Job's command): applies pending migrations, then exits.
import { runServiceMigrations } from '@clement/persistence';
import { loadCaseServiceDatabaseConfig, SERVICE_NAME } from './config';
import { caseServiceMigrations } from './migrations';

void runServiceMigrations({
  serviceName: SERVICE_NAME,
  loadSchema: () => loadCaseServiceDatabaseConfig().DATABASE_SCHEMA,
  migrations: caseServiceMigrations,
});
