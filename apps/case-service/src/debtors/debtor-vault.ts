import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { type EncryptedValue, EncryptedValueSchema } from '@clement/contracts';
import {
  type BlindIndex,
  debtorAad,
  decryptValue,
  type DebtorKeyStore,
  encryptValue,
  type PreparedDebtorKey,
} from '../pii';
import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';

/** Encrypts and decrypts one debtor's personal data with their data key. */
export class DebtorSealer {
  private readonly aad: string;

  constructor(
    scope: TenantScope,
    readonly debtorId: string,
    readonly keyId: string,
    private readonly dataKey: Buffer,
  ) {
    this.aad = debtorAad(scope.tenantId, debtorId);
  }

  seal(plaintext: Uint8Array | string): EncryptedValue {
    return encryptValue(this.dataKey, this.keyId, plaintext, this.aad);
  }

  /** Sealed and serialised for a bytea column (self-describing: key id and algorithm included). */
  sealToBytes(plaintext: Uint8Array | string): Buffer {
    return Buffer.from(toBinary(EncryptedValueSchema, this.seal(plaintext)));
  }

  sealJson(value: unknown): Buffer {
    return this.sealToBytes(JSON.stringify(value));
  }

  open(value: EncryptedValue): Buffer {
    return decryptValue(this.dataKey, value, this.aad);
  }

  openBytes(stored: Uint8Array): Buffer {
    return this.open(fromBinary(EncryptedValueSchema, stored));
  }

  openJson<T>(stored: Uint8Array): T {
    return JSON.parse(this.openBytes(stored).toString('utf8')) as T;
  }
}

/** Per-debtor data keys and blind indexes: the only way into debtors' personal data. */
export class DebtorVault {
  constructor(
    private readonly keys: DebtorKeyStore,
    readonly blindIndex: BlindIndex,
  ) {}

  /** A new debtor's key and sealer; the key is stored later with `storePreparedKeys`. */
  async prepareSealer(
    scope: TenantScope,
    debtorId: string,
  ): Promise<{ sealer: DebtorSealer; key: PreparedDebtorKey }> {
    const key = await this.keys.prepare(scope.tenantId, debtorId);
    return { sealer: new DebtorSealer(scope, debtorId, key.keyId, key.dataKey), key };
  }

  storePreparedKeys(db: SqlRunner, keys: readonly PreparedDebtorKey[]): Promise<void> {
    return this.keys.insertPrepared(db, keys);
  }

  async createSealer(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<DebtorSealer> {
    const { keyId, dataKey } = await this.keys.create(db, scope.tenantId, debtorId);
    return new DebtorSealer(scope, debtorId, keyId, dataKey);
  }

  /** Undefined once the debtor's key was destroyed (erased). */
  async sealerFor(
    db: SqlRunner,
    scope: TenantScope,
    debtor: { id: string; keyId: string },
  ): Promise<DebtorSealer | undefined> {
    const dataKey = await this.keys.find(db, debtor.keyId, scope.tenantId, debtor.id);
    return dataKey && new DebtorSealer(scope, debtor.id, debtor.keyId, dataKey);
  }

  destroyKey(db: SqlRunner, keyId: string): Promise<boolean> {
    return this.keys.destroy(db, keyId);
  }
}
