const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL, so only plain lower-case identifiers are accepted. */
export function assertSqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name))
    throw new Error(`"${name}" is not a valid schema name (expected ${IDENTIFIER})`);
  return name;
}

/** What the library needs to run SQL: TypeORM's EntityManager and QueryRunner both fit. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}
