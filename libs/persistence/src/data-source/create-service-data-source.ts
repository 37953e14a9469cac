import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { assertServiceSchemaName } from './schema-name';

export interface ServiceDataSourceOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** The service's own schema; tables, and the `migrations` table, live there. */
  readonly schema: string;
  readonly entities?: PostgresConnectionOptions['entities'];
  readonly migrations?: PostgresConnectionOptions['migrations'];
  /** Shown in pg_stat_activity (default: the schema name). */
  readonly applicationName?: string;
  /** Maximum pool connections (pg default 10). */
  readonly poolSize?: number;
  /** Log SQL (default false). */
  readonly logging?: boolean;
  /** Give up connecting after this long (default 10 s) instead of hanging. */
  readonly connectTimeoutMs?: number;
}

export const MIGRATIONS_TABLE = 'migrations';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * TypeORM options confined to one service's schema, e.g. for `TypeOrmModule.forRootAsync`'s
 * `useFactory`. The schema is changed only by migrations run explicitly (`runMigrations` / the
 * migrate command), never by `synchronize`.
 */
export function serviceDataSourceOptions(
  options: ServiceDataSourceOptions,
): PostgresConnectionOptions {
  assertServiceSchemaName(options.schema);
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    applicationName: options.applicationName ?? options.schema,
    poolSize: options.poolSize,
    logging: options.logging ?? false,
    connectTimeoutMS: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // gen_random_uuid() is built in since PostgreSQL 13; creating extensions is database-wide and
    // needs privileges a service should not have.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // Unqualified names in raw SQL and migrations resolve to the service's schema only.
    extra: { options: `-c search_path=${options.schema}` },
  };
}

/** A TypeORM DataSource (not yet initialized) built from `serviceDataSourceOptions`. */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource(serviceDataSourceOptions(options));
}

/** The schema a data source made by `createServiceDataSource` is confined to. */
export function serviceSchemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as PostgresConnectionOptions).schema;
  if (dataSource.options.type !== 'postgres' || schema === undefined) {
    throw new Error(
      'Expected a PostgreSQL data source with a schema (see createServiceDataSource)',
    );
  }
  assertServiceSchemaName(schema);
  return schema;
}
