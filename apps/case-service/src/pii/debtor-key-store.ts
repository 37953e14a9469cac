import { randomBytes, randomUUID } from 'node:crypto';
import { assertSqlIdentifier, type SqlExecutor } from '@clement/messaging';
import { KEY_BYTES } from './aes-gcm';
import type { MasterKeyProvider } from './master-key-provider';
import { debtorAad } from './pii-cipher';
import { KeyUnwrapError, PiiInputError } from './pii-errors';

/** TypeORM's EntityManager (or QueryRunner) fits, so key writes join the caller's transaction. */
export type SqlRunner = SqlExecutor;

export interface DebtorKeyStoreOptions {
  /** The service's PostgreSQL schema holding `debtor_keys`. */
  readonly schema: string;
  readonly provider: MasterKeyProvider;
  /** Most data keys kept unwrapped in memory (least recently used go first); 0 disables caching. */
  readonly cacheSize?: number;
  /** How long a cached key lives; bounds how late another instance's destroy takes effect here. */
  readonly cacheTtlMs?: number;
  /** Milliseconds since the epoch; injected for tests. */
  readonly clock?: () => number;
}

interface CachedKey {
  readonly dataKey: Buffer;
  readonly tenantId: string;
  readonly debtorId: string;
  readonly expiresAt: number;
}

interface KeyRow {
  master_key_id: string;
  wrapped_key: Buffer | null;
}

const DEFAULT_CACHE_SIZE = 10_000;
const DEFAULT_CACHE_TTL_MS = 60_000;
// Lower-case only: the id is part of the AAD, so 'ABC…' and 'abc…' must not both be accepted.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Per-debtor data keys (envelope encryption): stored wrapped by the master key, destroyed on
 * erasure so every copy of the debtor's encrypted PII becomes unreadable (crypto-shredding).
 */
/** A data key made by `prepare`, to be stored by `insertPrepared`. */
export interface PreparedDebtorKey {
  readonly keyId: string;
  readonly dataKey: Buffer;
  readonly tenantId: string;
  readonly debtorId: string;
  readonly masterKeyId: string;
  readonly wrapped: Buffer;
}

export class DebtorKeyStore {
  private readonly table: string;
  private readonly provider: MasterKeyProvider;
  private readonly cacheSize: number;
  private readonly cacheTtlMs: number;
  private readonly clock: () => number;
  // Map iteration order is insertion order: re-inserting on a hit makes the first entry the LRU.
  private readonly cache = new Map<string, CachedKey>();
  // Bumped by every destroy, so a find that raced with one does not re-cache the key.
  private destroys = 0;

  constructor(options: DebtorKeyStoreOptions) {
    this.table = `"${assertSqlIdentifier(options.schema)}".debtor_keys`;
    this.provider = options.provider;
    this.cacheSize = nonNegativeInteger('cacheSize', options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.cacheTtlMs = nonNegativeInteger('cacheTtlMs', options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS);
    this.clock = options.clock ?? Date.now;
  }

  /** A new random data key for the debtor, stored wrapped in the caller's transaction. */
  async create(
    db: SqlRunner,
    tenantId: string,
    debtorId: string,
  ): Promise<{ keyId: string; dataKey: Buffer }> {
    const prepared = await this.prepare(tenantId, debtorId);
    await this.insertPrepared(db, [prepared]);
    // Not cached here: the caller's transaction may still roll back and leave no such key.
    return { keyId: prepared.keyId, dataKey: prepared.dataKey };
  }

  /**
   * A new data key, wrapped but not stored yet: for callers that store many with one statement
   * (`insertPrepared`) in the transaction that uses them.
   */
  async prepare(tenantId: string, debtorId: string): Promise<PreparedDebtorKey> {
    const context = keyContext(tenantId, debtorId);
    // Random, never derived from PII: key ids travel in events and logs.
    const keyId = `dk_${randomUUID()}`;
    const dataKey = randomBytes(KEY_BYTES);
    const { masterKeyId, wrapped } = await this.provider.wrap(dataKey, context);
    return { keyId, dataKey, tenantId, debtorId, masterKeyId, wrapped };
  }

  async insertPrepared(db: SqlRunner, keys: readonly PreparedDebtorKey[]): Promise<void> {
    if (keys.length === 0) return;
    const values: unknown[] = [];
    const rows = keys.map((key) => {
      const n = values.length;
      values.push(key.keyId, key.tenantId, key.debtorId, key.masterKeyId, key.wrapped);
      return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`;
    });
    await db.query(
      `INSERT INTO ${this.table} (key_id, tenant_id, debtor_id, master_key_id, wrapped_key) VALUES ${rows.join(', ')}`,
      values,
    );
  }

  /** The debtor's data key, or undefined when it does not exist (for them) or was destroyed. */
  async find(
    db: SqlRunner,
    keyId: string,
    tenantId: string,
    debtorId: string,
  ): Promise<Buffer | undefined> {
    const context = keyContext(tenantId, debtorId);
    const cached = this.cached(keyId);
    if (cached) {
      // Same answer as the query below, which filters by tenant and debtor.
      if (cached.tenantId !== tenantId || cached.debtorId !== debtorId) return undefined;
      return Buffer.from(cached.dataKey);
    }
    const destroysBefore = this.destroys;
    const [row] = rowsOf<KeyRow>(
      await db.query(
        `SELECT master_key_id, wrapped_key FROM ${this.table} WHERE key_id = $1 AND tenant_id = $2 AND debtor_id = $3`,
        [keyId, tenantId, debtorId],
      ),
    );
    if (!row?.wrapped_key) return undefined;
    // An unwrap failure throws rather than returning undefined: undefined means "erased".
    const dataKey = await this.provider.unwrap(row.wrapped_key, row.master_key_id, context);
    if (dataKey.length !== KEY_BYTES)
      throw new KeyUnwrapError(
        `data key "${keyId}" has ${dataKey.length} bytes, expected ${KEY_BYTES}`,
      );
    if (this.destroys === destroysBefore)
      this.remember(keyId, {
        dataKey,
        tenantId,
        debtorId,
        expiresAt: this.clock() + this.cacheTtlMs,
      });
    return Buffer.from(dataKey);
  }

  /**
   * Crypto-shreds the key: the row stays (audit of when), the wrapped key goes. True when a live
   * key was destroyed, false when it was already destroyed or never existed.
   */
  async destroy(db: SqlRunner, keyId: string): Promise<boolean> {
    this.destroys++;
    this.cache.delete(keyId);
    // A CTE so the statement is a SELECT: TypeORM returns [rows, count] for a bare UPDATE.
    const [row] = rowsOf<{ destroyed: number }>(
      await db.query(
        `WITH destroyed AS (UPDATE ${this.table} SET wrapped_key = NULL, destroyed_at = now() WHERE key_id = $1 AND wrapped_key IS NOT NULL RETURNING key_id) SELECT count(*)::int AS destroyed FROM destroyed`,
        [keyId],
      ),
    );
    return Number(row?.destroyed ?? 0) > 0;
  }

  private cached(keyId: string): CachedKey | undefined {
    const entry = this.cache.get(keyId);
    if (!entry) return undefined;
    this.cache.delete(keyId);
    if (entry.expiresAt <= this.clock()) return undefined;
    this.cache.set(keyId, entry);
    return entry;
  }

  private remember(keyId: string, entry: CachedKey): void {
    if (this.cacheSize === 0 || this.cacheTtlMs === 0) return;
    this.cache.delete(keyId);
    this.cache.set(keyId, entry);
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}

/** Validates ids before they reach SQL (debtor_id is a uuid column) and builds the wrap context. */
function keyContext(tenantId: string, debtorId: string): string {
  if (!UUID.test(debtorId)) throw new PiiInputError('debtorId must be a lower-case UUID');
  return debtorAad(tenantId, debtorId);
}

/** TypeORM returns the rows array; a pg client returns `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === 'object' && Array.isArray((result as { rows?: unknown }).rows))
    return (result as { rows: T[] }).rows;
  throw new Error('SqlRunner.query returned neither a rows array nor { rows }');
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new PiiInputError(`${name} must be a non-negative integer`);
  return value;
}
