import { hkdfSync } from 'node:crypto';
import { KEY_BYTES, open, seal } from './aes-gcm';
import {
  KeyUnwrapError,
  MasterKeyConfigError,
  PiiInputError,
  UnknownMasterKeyError,
} from './pii-errors';

/**
 * The port behind which master keys live. Data keys are wrapped here and never stored in the
 * clear; a KMS adapter (AWS KMS, Vault transit) can implement it without touching callers.
 */
export interface MasterKeyProvider {
  /** The key new data keys are wrapped under. */
  readonly currentKeyId: string;
  /** `context` is bound to the wrapped key (AAD), so it only unwraps for the same debtor. */
  wrap(dataKey: Buffer, context: string): Promise<{ masterKeyId: string; wrapped: Buffer }>;
  unwrap(wrapped: Buffer, masterKeyId: string, context: string): Promise<Buffer>;
  /** Secret for the blind index; async so a KMS adapter can fetch a separate secret. */
  blindIndexKey(): Promise<Buffer>;
}

export const BLIND_INDEX_KEY_LABEL = 'clement/blind-index/v1';

/** HKDF-SHA256 subkey of a master key, so one configured secret serves several purposes safely. */
export function deriveKey(masterKey: Buffer, label: string): Buffer {
  // No salt: master keys are uniformly random already, HKDF's extract step needs none.
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), label, KEY_BYTES));
}

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface LocalMasterKeyProviderOptions {
  /**
   * Master key the blind-index key is derived from (default: the current key). Blind indexes
   * are not re-encrypted on rotation, so pin this to keep existing indexes matching after the
   * wrapping key rotates.
   */
  readonly blindIndexKeyId?: string;
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const FORMAT = '<keyId>:<base64 of 32 bytes>[,<keyId>:<base64>...]';

/**
 * Master keys from configuration (`PII_MASTER_KEYS`), AES-256-GCM key wrapping in process.
 * The first key wraps; the others only unwrap, which is how a master key is rotated.
 */
export class LocalMasterKeyProvider implements MasterKeyProvider {
  // ES private fields: util.inspect and JSON.stringify do not show them, so keys stay out of logs.
  readonly #keys = new Map<string, Buffer>();
  readonly #blindIndexKey: Buffer;
  readonly currentKeyId: string;

  constructor(keys: readonly MasterKey[], options: LocalMasterKeyProviderOptions = {}) {
    if (keys.length === 0) throw new MasterKeyConfigError('at least one master key is required');
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id))
        throw new MasterKeyConfigError(`invalid master key id (expected ${KEY_ID})`);
      if (key.length !== KEY_BYTES)
        throw new MasterKeyConfigError(
          `master key "${id}" must be ${KEY_BYTES} bytes, got ${key.length}`,
        );
      if (this.#keys.has(id))
        throw new MasterKeyConfigError(`master key "${id}" is configured twice`);
      this.#keys.set(id, Buffer.from(key));
    }
    this.currentKeyId = keys[0].id;
    const blindIndexKeyId = options.blindIndexKeyId ?? this.currentKeyId;
    const blindIndexMaster = this.#keys.get(blindIndexKeyId);
    if (!blindIndexMaster)
      throw new MasterKeyConfigError(
        `blind-index master key "${blindIndexKeyId}" is not among the configured keys`,
      );
    this.#blindIndexKey = deriveKey(blindIndexMaster, BLIND_INDEX_KEY_LABEL);
  }

  /**
   * Parses `<keyId>:<base64 32 bytes>[,<keyId>:<base64>...]`. Errors name entries by position
   * and key id only: a mistyped entry may be mostly key material.
   */
  static fromConfig(
    value: string | undefined,
    options: LocalMasterKeyProviderOptions = {},
  ): LocalMasterKeyProvider {
    if (!value?.trim())
      throw new MasterKeyConfigError(`PII_MASTER_KEYS is empty; expected ${FORMAT}`);
    const keys = value.split(',').map((raw, index): MasterKey => {
      const entry = raw.trim();
      const position = `PII_MASTER_KEYS entry ${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon < 0) throw new MasterKeyConfigError(`${position} is not of the form ${FORMAT}`);
      const id = entry.slice(0, colon);
      if (!KEY_ID.test(id))
        throw new MasterKeyConfigError(`${position} has an invalid key id (expected ${KEY_ID})`);
      const encoded = entry.slice(colon + 1);
      if (!BASE64.test(encoded))
        throw new MasterKeyConfigError(`${position} ("${id}") is not valid standard base64`);
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== KEY_BYTES)
        throw new MasterKeyConfigError(
          `${position} ("${id}") must decode to ${KEY_BYTES} bytes, got ${key.length}`,
        );
      return { id, key };
    });
    return new LocalMasterKeyProvider(keys, options);
  }

  async wrap(dataKey: Buffer, context: string): Promise<{ masterKeyId: string; wrapped: Buffer }> {
    if (dataKey.length === 0) throw new PiiInputError('cannot wrap an empty data key');
    const masterKeyId = this.currentKeyId;
    return { masterKeyId, wrapped: seal(this.#key(masterKeyId), dataKey, context) };
  }

  async unwrap(wrapped: Buffer, masterKeyId: string, context: string): Promise<Buffer> {
    const result = open(this.#key(masterKeyId), wrapped, context);
    if (typeof result === 'string')
      throw new KeyUnwrapError(
        `cannot unwrap data key under master key "${masterKeyId}": ${result === 'malformed' ? 'malformed' : 'authentication failed'}`,
      );
    return result;
  }

  async blindIndexKey(): Promise<Buffer> {
    return Buffer.from(this.#blindIndexKey);
  }

  #key(masterKeyId: string): Buffer {
    const key = this.#keys.get(masterKeyId);
    if (!key) throw new UnknownMasterKeyError(masterKeyId);
    return key;
  }
}
