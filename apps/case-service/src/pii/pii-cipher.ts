import { create } from '@bufbuild/protobuf';
import { type EncryptedValue, EncryptedValueSchema } from '@clement/contracts';
import { AES_256_GCM, KEY_BYTES, open, seal } from './aes-gcm';
import { PiiDecryptionError, PiiInputError } from './pii-errors';

export const PII_ALGORITHM = AES_256_GCM;

/**
 * The AAD binding a value to its debtor (docs/adr/0010), so a ciphertext copied onto another
 * debtor or tenant fails to decrypt. A tenant id with ':' would make the string ambiguous.
 */
export function debtorAad(tenantId: string, debtorId: string): string {
  if (!tenantId || tenantId.includes(':'))
    throw new PiiInputError('tenantId must be non-empty and must not contain ":"');
  if (!debtorId) throw new PiiInputError('debtorId must be non-empty');
  return `${tenantId}:${debtorId}`;
}

/** Encrypts under a debtor's data key; `keyId` names that key in the key store. */
export function encryptValue(
  dataKey: Buffer,
  keyId: string,
  plaintext: Uint8Array | string,
  aad: string,
): EncryptedValue {
  assertDataKey(dataKey);
  if (!keyId) throw new PiiInputError('keyId must be non-empty');
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return create(EncryptedValueSchema, {
    ciphertext: seal(dataKey, bytes, aad),
    keyId,
    algorithm: PII_ALGORITHM,
  });
}

/** Throws PiiDecryptionError for an unknown algorithm, a truncated value, a wrong key or AAD. */
export function decryptValue(dataKey: Buffer, value: EncryptedValue, aad: string): Buffer {
  assertDataKey(dataKey);
  if (value.algorithm !== PII_ALGORITHM)
    throw new PiiDecryptionError('unsupported-algorithm', value.keyId);
  const result = open(dataKey, value.ciphertext, aad);
  if (result === 'malformed') throw new PiiDecryptionError('malformed', value.keyId);
  if (result === 'forged') throw new PiiDecryptionError('authentication-failed', value.keyId);
  return result;
}

/** For small structured PII (a profile's names and date of birth) stored as one value. */
export function encryptJson(
  dataKey: Buffer,
  keyId: string,
  value: unknown,
  aad: string,
): EncryptedValue {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new PiiInputError('value is not representable as JSON');
  return encryptValue(dataKey, keyId, json, aad);
}

/** The caller states the shape; nothing checks it, so validate if the source is untrusted. */
export function decryptJson<T = unknown>(dataKey: Buffer, value: EncryptedValue, aad: string): T {
  const plaintext = decryptValue(dataKey, value, aad).toString('utf8');
  try {
    return JSON.parse(plaintext) as T;
  } catch {
    // SyntaxError messages quote the input, which is PII.
    throw new PiiDecryptionError('malformed', value.keyId);
  }
}

function assertDataKey(dataKey: Buffer): void {
  if (dataKey.length !== KEY_BYTES)
    throw new PiiInputError(`data key must be ${KEY_BYTES} bytes, got ${dataKey.length}`);
}
