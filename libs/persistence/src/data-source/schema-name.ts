const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED = new Set(['public', 'information_schema']);

/**
 * Throws unless `schema` is a plain lower-case PostgreSQL identifier that a service may own.
 * The name is interpolated into SQL and connection options, so this is also the injection guard.
 */
export function assertServiceSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `Invalid schema name "${schema}": use 1-63 lower-case letters, digits or underscores, not starting with a digit`,
    );
  }
  if (RESERVED.has(schema) || schema.startsWith('pg_')) {
    throw new Error(`Schema name "${schema}" is reserved; each service owns a schema of its own`);
  }
}
