import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';
import { serviceSchemaOf } from '../data-source/create-service-data-source';

/** Creates the service's schema if it does not exist yet (migrations need it for their table). */
export async function ensureSchema(dataSource: DataSource): Promise<void> {
  assertInitialized(dataSource);
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${serviceSchemaOf(dataSource)}"`);
}

/**
 * Applies pending migrations, each in its own transaction, and returns the names applied (empty
 * when up to date). An advisory lock per schema makes concurrent runs (two pods, a Job and a
 * developer) wait for each other instead of racing.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  assertInitialized(dataSource);
  const schema = serviceSchemaOf(dataSource);
  const lockKey = `clement.migrations.${schema}`;
  // One connection for lock, schema and migrations: the lock belongs to this session.
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    return await withUnlock(runner, lockKey, async () => {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    });
  } finally {
    await runner.release();
  }
}

async function withUnlock<T>(
  runner: QueryRunner,
  lockKey: string,
  work: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error: unknown) {
    // The migration error is the one worth reporting; a failed unlock ends with the session anyway.
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    throw error;
  }
  await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
  return result;
}

function assertInitialized(dataSource: DataSource): void {
  if (!dataSource.isInitialized) {
    throw new Error('The data source is not initialized; call dataSource.initialize() first');
  }
}
