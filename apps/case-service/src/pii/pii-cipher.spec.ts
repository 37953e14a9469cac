import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { EncryptedValueSchema } from '@clement/contracts';
import { randomBytes } from 'node:crypto';
import {
  debtorAad,
  decryptJson,
  decryptValue,
  encryptJson,
  encryptValue,
  PII_ALGORITHM,
} from './pii-cipher';
import { PiiDecryptionError, PiiInputError } from './pii-errors';

const dataKey = randomBytes(32);
const keyId = 'dk_0b8f2c57-4a8e-4b5e-9d4a-0f6f3c2d1e0a';
const aad = debtorAad('tenant-a', '5b0e4a4e-7c1e-4f7a-9a53-0d7f0e1b2c3d');
const PHONE = '+442079460000';

function decryptionError(run: () => unknown): PiiDecryptionError {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(PiiDecryptionError);
    return error as PiiDecryptionError;
  }
  throw new Error('expected decryption to fail');
}

describe('pii cipher', () => {
  it('round-trips a string through the protobuf EncryptedValue', () => {
    const value = encryptValue(dataKey, keyId, PHONE, aad);
    const decoded = fromBinary(EncryptedValueSchema, toBinary(EncryptedValueSchema, value));

    expect(decoded.keyId).toBe(keyId);
    expect(decoded.algorithm).toBe('AES-256-GCM');
    expect(decoded.ciphertext).toHaveLength(12 + Buffer.byteLength(PHONE) + 16);
    expect(Buffer.from(decoded.ciphertext).includes(PHONE)).toBe(false);
    expect(decryptValue(dataKey, decoded, aad).toString('utf8')).toBe(PHONE);
  });

  it('round-trips bytes, including empty plaintext', () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);

    expect(decryptValue(dataKey, encryptValue(dataKey, keyId, bytes, aad), aad)).toEqual(
      Buffer.from(bytes),
    );
    expect(decryptValue(dataKey, encryptValue(dataKey, keyId, '', aad), aad)).toHaveLength(0);
  });

  it('uses a fresh nonce per value, so equal plaintexts do not look equal', () => {
    const first = encryptValue(dataKey, keyId, PHONE, aad);
    const second = encryptValue(dataKey, keyId, PHONE, aad);

    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
  });

  it('fails for another debtor or tenant (AAD) and with another key', () => {
    const value = encryptValue(dataKey, keyId, PHONE, aad);

    for (const wrong of [
      debtorAad('tenant-a', '00000000-0000-4000-8000-000000000000'),
      debtorAad('tenant-b', '5b0e4a4e-7c1e-4f7a-9a53-0d7f0e1b2c3d'),
    ]) {
      expect(decryptionError(() => decryptValue(dataKey, value, wrong)).reason).toBe(
        'authentication-failed',
      );
    }
    expect(decryptionError(() => decryptValue(randomBytes(32), value, aad)).reason).toBe(
      'authentication-failed',
    );
  });

  it.each([
    ['nonce', 0],
    ['ciphertext', 12],
    ['tag', -1],
  ])('detects a flipped bit in the %s', (_part, index) => {
    const value = encryptValue(dataKey, keyId, PHONE, aad);
    const ciphertext = Buffer.from(value.ciphertext);
    ciphertext[index < 0 ? ciphertext.length + index : index] ^= 0x80;

    const error = decryptionError(() =>
      decryptValue(dataKey, create(EncryptedValueSchema, { ...value, ciphertext }), aad),
    );

    expect(error.reason).toBe('authentication-failed');
    expect(error.message).toContain(keyId);
    expect(error.message).not.toContain(PHONE);
  });

  it('rejects truncated values and unknown algorithms', () => {
    const value = encryptValue(dataKey, keyId, PHONE, aad);

    expect(
      decryptionError(() =>
        decryptValue(
          dataKey,
          create(EncryptedValueSchema, { ...value, ciphertext: value.ciphertext.subarray(0, 27) }),
          aad,
        ),
      ).reason,
    ).toBe('malformed');
    expect(
      decryptionError(() =>
        decryptValue(dataKey, create(EncryptedValueSchema, { ...value, algorithm: 'ROT13' }), aad),
      ).reason,
    ).toBe('unsupported-algorithm');
  });

  it('round-trips small JSON objects such as a profile', () => {
    const profile = { givenName: 'Zoë', familyName: "O'Brien", dateOfBirth: '1980-02-29' };

    const value = encryptJson(dataKey, keyId, profile, aad);

    expect(value.algorithm).toBe(PII_ALGORITHM);
    expect(decryptJson<typeof profile>(dataKey, value, aad)).toEqual(profile);
  });

  it('reports undecodable JSON without quoting it', () => {
    const value = encryptValue(dataKey, keyId, '{"givenName": "Zoë"', aad);

    const error = decryptionError(() => decryptJson(dataKey, value, aad));

    expect(error.reason).toBe('malformed');
    expect(error.message).not.toContain('Zoë');
  });

  it('rejects unusable input', () => {
    expect(() => encryptValue(randomBytes(16), keyId, PHONE, aad)).toThrow(PiiInputError);
    expect(() => encryptValue(dataKey, '', PHONE, aad)).toThrow(PiiInputError);
    expect(() => encryptJson(dataKey, keyId, undefined, aad)).toThrow(PiiInputError);
    expect(() => debtorAad('tenant:a', 'debtor')).toThrow(PiiInputError);
    expect(() => debtorAad('', 'debtor')).toThrow(PiiInputError);
    expect(() => debtorAad('tenant-a', '')).toThrow(PiiInputError);
    expect(debtorAad('tenant-a', 'debtor-1')).toBe('tenant-a:debtor-1');
  });
});
