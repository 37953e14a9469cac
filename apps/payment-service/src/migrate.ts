// `migrate` entry point (and the Kubernetes Job's command): applies pending migrations, then exits.
import { runServiceMigrations } from '@clement/persistence';
import { loadPaymentServiceDatabaseConfig, SERVICE_NAME } from './config';
import { paymentServiceMigrations } from './migrations';

void runServiceMigrations({
  serviceName: SERVICE_NAME,
  loadSchema: () => loadPaymentServiceDatabaseConfig().DATABASE_SCHEMA,
  migrations: paymentServiceMigrations,
});
