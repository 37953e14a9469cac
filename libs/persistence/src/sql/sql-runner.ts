/** What repositories need from a connection or transaction; TypeORM's EntityManager is one. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The rows of a statement's result. TypeORM answers UPDATE/DELETE … RETURNING with
 * `[rows, affectedCount]` and everything else with the rows alone.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
