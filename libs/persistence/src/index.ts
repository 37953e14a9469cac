export {
  createServiceDataSource,
  MIGRATIONS_TABLE,
  type ServiceDataSourceOptions,
  serviceDataSourceOptions,
  serviceSchemaOf,
} from './data-source/create-service-data-source';
export {
  DatabaseUrlError,
  describeDatabaseUrl,
  parseDatabaseUrl,
} from './data-source/database-url';
export { assertServiceSchemaName } from './data-source/schema-name';
export { ensureSchema, runMigrations } from './migrations/run-migrations';
export {
  type MigrateCommandOptions,
  runMigrateCommand,
  runServiceMigrations,
  type ServiceMigrateOptions,
} from './migrations/migrate-command';
export { databaseReadinessCheck } from './health/database-readiness-check';
export { rowsOf, type SqlRunner } from './sql/sql-runner';
