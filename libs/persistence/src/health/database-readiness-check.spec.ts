import { createServiceDataSource } from '../data-source/create-service-data-source';
import { databaseReadinessCheck } from './database-readiness-check';

describe('databaseReadinessCheck', () => {
  it('is named and reports an uninitialized data source as not ready', async () => {
    const dataSource = createServiceDataSource({
      url: 'postgres://app:pw@127.0.0.1:1/clement',
      schema: 'case',
    });

    const check = databaseReadinessCheck(dataSource, 'case-db');

    expect(check.name).toBe('case-db');
    await expect(check.check()).rejects.toThrow('database connection is not initialized');
  });
});
