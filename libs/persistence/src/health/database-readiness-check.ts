import type { ReadinessCheck } from '@clement/observability';
import type { DataSource } from 'typeorm';

/** Ready when the pool can run a trivial query; the reason carries PostgreSQL's own error. */
export function databaseReadinessCheck(dataSource: DataSource, name = 'database'): ReadinessCheck {
  return {
    name,
    check: async () => {
      if (!dataSource.isInitialized) {
        throw new Error('database connection is not initialized');
      }
      await dataSource.query('SELECT 1');
    },
  };
}
