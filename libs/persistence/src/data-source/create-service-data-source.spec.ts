import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import {
  createServiceDataSource,
  serviceDataSourceOptions,
  serviceSchemaOf,
} from './create-service-data-source';

describe('createServiceDataSource', () => {
  it('confines the data source to the schema and never synchronizes', () => {
    const dataSource = createServiceDataSource({
      url: 'postgres://app:pw@db/clement',
      schema: 'dispatch',
      poolSize: 4,
    });
    const options = dataSource.options as PostgresConnectionOptions;

    expect(options).toMatchObject({
      type: 'postgres',
      schema: 'dispatch',
      synchronize: false,
      migrationsRun: false,
      dropSchema: false,
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'each',
      applicationName: 'dispatch',
      poolSize: 4,
      extra: { options: '-c search_path=dispatch' },
    });
    expect(serviceSchemaOf(dataSource)).toBe('dispatch');
  });

  it('exposes the same options for TypeOrmModule', () => {
    const options = { url: 'postgres://app:pw@db/clement', schema: 'crm' };

    expect(serviceDataSourceOptions(options)).toEqual(createServiceDataSource(options).options);
  });

  it('refuses unsafe schema names before building anything', () => {
    expect(() =>
      createServiceDataSource({ url: 'postgres://app:pw@db/clement', schema: 'x; DROP TABLE y' }),
    ).toThrow(/Invalid schema name/);
  });
});
