import { randomBytes } from 'node:crypto';
import { DebtorKeyStore, type SqlRunner } from './debtor-key-store';
import { LocalMasterKeyProvider, type MasterKeyProvider } from './master-key-provider';
import { decryptValue, debtorAad, encryptValue } from './pii-cipher';
import { KeyUnwrapError, PiiInputError } from './pii-errors';

interface Row {
  key_id: string;
  tenant_id: string;
  debtor_id: string;
  master_key_id: string;
  wrapped_key: Buffer | null;
  destroyed_at: Date | null;
}

/** Understands exactly the three statements DebtorKeyStore issues; answers like TypeORM (rows). */
class FakeDebtorKeys implements SqlRunner {
  readonly rows = new Map<string, Row>();
  readonly statements: { sql: string; params: unknown[] }[] = [];

  constructor(private readonly shape: 'typeorm' | 'pg' = 'typeorm') {}

  async query(sql: string, params: unknown[] = []): Promise<unknown> {
    this.statements.push({ sql, params });
    return this.shape === 'pg' ? { rows: this.run(sql, params) } : this.run(sql, params);
  }

  selects(): number {
    return this.statements.filter(({ sql }) => sql.startsWith('SELECT')).length;
  }

  private run(sql: string, params: unknown[]): unknown[] {
    if (sql.startsWith('INSERT INTO "case_service".debtor_keys')) {
      const [keyId, tenantId, debtorId, masterKeyId, wrapped] = params as [
        string,
        string,
        string,
        string,
        Buffer,
      ];
      if (this.rows.has(keyId)) throw new Error('duplicate key value violates unique constraint');
      this.rows.set(keyId, {
        key_id: keyId,
        tenant_id: tenantId,
        debtor_id: debtorId,
        master_key_id: masterKeyId,
        wrapped_key: wrapped,
        destroyed_at: null,
      });
      return [];
    }
    if (sql.startsWith('SELECT master_key_id, wrapped_key FROM "case_service".debtor_keys')) {
      const [keyId, tenantId, debtorId] = params;
      const row = this.rows.get(keyId as string);
      return row && row.tenant_id === tenantId && row.debtor_id === debtorId
        ? [{ master_key_id: row.master_key_id, wrapped_key: row.wrapped_key }]
        : [];
    }
    if (sql.startsWith('WITH destroyed AS (UPDATE "case_service".debtor_keys')) {
      const row = this.rows.get(params[0] as string);
      if (!row?.wrapped_key) return [{ destroyed: 0 }];
      row.wrapped_key = null;
      row.destroyed_at = new Date();
      return [{ destroyed: 1 }];
    }
    throw new Error(`unexpected SQL: ${sql}`);
  }
}

const TENANT = 'tenant-a';
const DEBTOR = '5b0e4a4e-7c1e-4f7a-9a53-0d7f0e1b2c3d';
const OTHER_DEBTOR = '00000000-0000-4000-8000-000000000000';

function setup(
  options: { cacheSize?: number; cacheTtlMs?: number; provider?: MasterKeyProvider } = {},
) {
  let now = 1_000_000;
  const provider =
    options.provider ?? new LocalMasterKeyProvider([{ id: 'mk1', key: randomBytes(32) }]);
  const unwrap = jest.spyOn(provider, 'unwrap');
  const store = new DebtorKeyStore({
    schema: 'case_service',
    provider,
    cacheSize: options.cacheSize,
    cacheTtlMs: options.cacheTtlMs,
    clock: () => now,
  });
  return {
    store,
    db: new FakeDebtorKeys(),
    unwrap,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('DebtorKeyStore', () => {
  it('creates a random key with an opaque id and stores it wrapped', async () => {
    const { store, db } = setup();

    const { keyId, dataKey } = await store.create(db, TENANT, DEBTOR);

    expect(keyId).toMatch(
      /^dk_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(dataKey).toHaveLength(32);
    const row = db.rows.get(keyId)!;
    expect(row).toMatchObject({ tenant_id: TENANT, debtor_id: DEBTOR, master_key_id: 'mk1' });
    expect(row.wrapped_key!.includes(dataKey)).toBe(false);
    expect(db.statements[0].params).not.toContain(dataKey);
    expect((await store.create(db, TENANT, DEBTOR)).keyId).not.toBe(keyId);
  });

  it('finds the key for its debtor, so values encrypted before decrypt after', async () => {
    const { store, db } = setup();
    const { keyId, dataKey } = await store.create(db, TENANT, DEBTOR);
    const value = encryptValue(dataKey, keyId, '+442079460000', debtorAad(TENANT, DEBTOR));

    const found = await store.find(db, keyId, TENANT, DEBTOR);

    expect(found).toEqual(dataKey);
    expect(decryptValue(found!, value, debtorAad(TENANT, DEBTOR)).toString()).toBe('+442079460000');
  });

  it('finds nothing for an unknown key or another tenant or debtor, even when cached', async () => {
    const { store, db } = setup();
    const { keyId } = await store.create(db, TENANT, DEBTOR);

    await expect(store.find(db, 'dk_unknown', TENANT, DEBTOR)).resolves.toBeUndefined();
    await expect(store.find(db, keyId, 'tenant-b', DEBTOR)).resolves.toBeUndefined();
    await store.find(db, keyId, TENANT, DEBTOR);
    await expect(store.find(db, keyId, 'tenant-b', DEBTOR)).resolves.toBeUndefined();
    await expect(store.find(db, keyId, TENANT, OTHER_DEBTOR)).resolves.toBeUndefined();
  });

  it('does not cache on create, because the transaction may roll back', async () => {
    const { store, db } = setup();
    const { keyId } = await store.create(db, TENANT, DEBTOR);
    db.rows.clear();

    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toBeUndefined();
  });

  it('serves repeated finds from the cache until the TTL expires', async () => {
    const { store, db, unwrap, advance } = setup({ cacheTtlMs: 60_000 });
    const { keyId, dataKey } = await store.create(db, TENANT, DEBTOR);

    await store.find(db, keyId, TENANT, DEBTOR);
    advance(59_999);
    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toEqual(dataKey);
    expect(db.selects()).toBe(1);
    expect(unwrap).toHaveBeenCalledTimes(1);

    advance(1);
    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toEqual(dataKey);
    expect(db.selects()).toBe(2);
    expect(unwrap).toHaveBeenCalledTimes(2);
  });

  it('sees a destroy by another instance once the TTL has passed', async () => {
    const { store, db, advance } = setup({ cacheTtlMs: 60_000 });
    const { keyId } = await store.create(db, TENANT, DEBTOR);
    await store.find(db, keyId, TENANT, DEBTOR);
    // Destroying needs no master key: the other instance may even be configured differently.
    const other = setup().store;

    await expect(other.destroy(db, keyId)).resolves.toBe(true);
    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toBeDefined();
    advance(60_000);
    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toBeUndefined();
  });

  it('hands out copies, so a caller wiping its key does not wipe the cache', async () => {
    const { store, db } = setup();
    const { keyId, dataKey } = await store.create(db, TENANT, DEBTOR);

    (await store.find(db, keyId, TENANT, DEBTOR))!.fill(0);

    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toEqual(dataKey);
  });

  it('evicts the least recently used key beyond cacheSize', async () => {
    const { store, db } = setup({ cacheSize: 2 });
    const a = await store.create(db, TENANT, DEBTOR);
    const b = await store.create(db, TENANT, DEBTOR);
    const c = await store.create(db, TENANT, DEBTOR);

    await store.find(db, a.keyId, TENANT, DEBTOR);
    await store.find(db, b.keyId, TENANT, DEBTOR);
    await store.find(db, a.keyId, TENANT, DEBTOR); // a is now more recent than b
    await store.find(db, c.keyId, TENANT, DEBTOR); // evicts b
    expect(db.selects()).toBe(3);

    await store.find(db, a.keyId, TENANT, DEBTOR);
    await store.find(db, c.keyId, TENANT, DEBTOR);
    expect(db.selects()).toBe(3);
    await store.find(db, b.keyId, TENANT, DEBTOR);
    expect(db.selects()).toBe(4);
  });

  it('does not cache with cacheSize 0', async () => {
    const { store, db } = setup({ cacheSize: 0 });
    const { keyId } = await store.create(db, TENANT, DEBTOR);

    await store.find(db, keyId, TENANT, DEBTOR);
    await store.find(db, keyId, TENANT, DEBTOR);

    expect(db.selects()).toBe(2);
  });

  it('destroys a live key once, evicting it from the cache', async () => {
    const { store, db } = setup();
    const { keyId } = await store.create(db, TENANT, DEBTOR);
    await store.find(db, keyId, TENANT, DEBTOR);

    await expect(store.destroy(db, keyId)).resolves.toBe(true);

    expect(db.rows.get(keyId)).toMatchObject({ wrapped_key: null, destroyed_at: expect.any(Date) });
    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toBeUndefined();
    await expect(store.destroy(db, keyId)).resolves.toBe(false);
    await expect(store.destroy(db, 'dk_unknown')).resolves.toBe(false);
    const destroy = db.statements.find(({ sql }) => sql.startsWith('WITH destroyed'))!;
    expect(destroy.sql).toContain('SET wrapped_key = NULL, destroyed_at = now()');
  });

  it('does not re-cache a key whose find raced with a destroy', async () => {
    const { store, db } = setup();
    const { keyId } = await store.create(db, TENANT, DEBTOR);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowDb: SqlRunner = {
      query: async (sql, params) => {
        const result = await db.query(sql, params);
        if (sql.startsWith('SELECT')) await gate;
        return result;
      },
    };

    const finding = store.find(slowDb, keyId, TENANT, DEBTOR);
    await new Promise((resolve) => setImmediate(resolve));
    await store.destroy(db, keyId);
    release();

    await expect(finding).resolves.toBeDefined(); // read before the destroy
    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toBeUndefined();
  });

  it('works with a pg client that answers { rows }', async () => {
    const { store } = setup();
    const db = new FakeDebtorKeys('pg');
    const { keyId, dataKey } = await store.create(db, TENANT, DEBTOR);

    await expect(store.find(db, keyId, TENANT, DEBTOR)).resolves.toEqual(dataKey);
    await expect(store.destroy(db, keyId)).resolves.toBe(true);
  });

  it('still finds keys wrapped under a master key that has since been rotated', async () => {
    const old = { id: 'mk1', key: randomBytes(32) };
    const db = new FakeDebtorKeys();
    const before = new DebtorKeyStore({
      schema: 'case_service',
      provider: new LocalMasterKeyProvider([old]),
    });
    const after = new DebtorKeyStore({
      schema: 'case_service',
      provider: new LocalMasterKeyProvider([{ id: 'mk2', key: randomBytes(32) }, old]),
    });
    const { keyId, dataKey } = await before.create(db, TENANT, DEBTOR);

    await expect(after.find(db, keyId, TENANT, DEBTOR)).resolves.toEqual(dataKey);
    expect(db.rows.get((await after.create(db, TENANT, DEBTOR)).keyId)!.master_key_id).toBe('mk2');
  });

  it('throws, rather than reporting "erased", when a stored key fails to unwrap', async () => {
    const { store, db } = setup();
    const { keyId } = await store.create(db, TENANT, DEBTOR);
    db.rows.get(keyId)!.wrapped_key![15] ^= 0x01;

    await expect(store.find(db, keyId, TENANT, DEBTOR)).rejects.toBeInstanceOf(KeyUnwrapError);
  });

  it('validates the schema, the debtor id and the cache options', async () => {
    const provider = new LocalMasterKeyProvider([{ id: 'mk1', key: randomBytes(32) }]);
    const { store, db } = setup();

    expect(() => new DebtorKeyStore({ schema: 'case"; DROP TABLE x; --', provider })).toThrow(
      /not a valid schema name/,
    );
    expect(() => new DebtorKeyStore({ schema: 's', provider, cacheSize: -1 })).toThrow(
      PiiInputError,
    );
    expect(() => new DebtorKeyStore({ schema: 's', provider, cacheTtlMs: 1.5 })).toThrow(
      PiiInputError,
    );
    await expect(store.create(db, TENANT, 'not-a-uuid')).rejects.toBeInstanceOf(PiiInputError);
    await expect(store.create(db, TENANT, DEBTOR.toUpperCase())).rejects.toBeInstanceOf(
      PiiInputError,
    );
    await expect(store.create(db, 'tenant:a', DEBTOR)).rejects.toBeInstanceOf(PiiInputError);
    expect(db.statements).toHaveLength(0);
  });
});
