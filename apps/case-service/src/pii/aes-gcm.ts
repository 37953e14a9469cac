import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

// One layout for wrapped keys and encrypted values: 12-byte random nonce, ciphertext, 16-byte tag.
export const AES_256_GCM = 'AES-256-GCM';
export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

// Nonces are cut from a pool filled by the CSPRNG in one call: a randomBytes call per value was a
// third of the encryption time. Every nonce is still fresh random bytes, used once.
const NONCE_POOL_BYTES = NONCE_BYTES * 1024;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;

function freshNonce(): Buffer {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomFillSync(Buffer.allocUnsafe(NONCE_POOL_BYTES));
    noncePoolOffset = 0;
  }
  const nonce = noncePool.subarray(noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

export function seal(key: Buffer, plaintext: Uint8Array, aad: string): Buffer {
  // Random 96-bit nonces are safe for far more than the values one debtor key ever encrypts.
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export type OpenFailure = 'malformed' | 'forged';

/** Returns a failure instead of throwing so each caller raises its own typed error. */
export function open(key: Buffer, sealed: Uint8Array, aad: string): Buffer | OpenFailure {
  if (sealed.length < SEAL_OVERHEAD) return 'malformed';
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return 'forged';
  }
}
