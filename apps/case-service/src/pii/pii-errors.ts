/** Why a PII operation failed; edges map these (e.g. config errors stop boot, decryption errors dead-letter). */
export enum PiiErrorCode {
  MasterKeyConfigInvalid = 'PII_MASTER_KEY_CONFIG_INVALID',
  UnknownMasterKey = 'PII_UNKNOWN_MASTER_KEY',
  KeyUnwrapFailed = 'PII_KEY_UNWRAP_FAILED',
  DecryptionFailed = 'PII_DECRYPTION_FAILED',
  InvalidInput = 'PII_INVALID_INPUT',
}

/** Base of every PII error. Messages never carry plaintext or key material, only ids and sizes. */
export abstract class PiiError extends Error {
  abstract readonly code: PiiErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** `PII_MASTER_KEYS` is malformed; thrown at boot. */
export class MasterKeyConfigError extends PiiError {
  readonly code = PiiErrorCode.MasterKeyConfigInvalid;
}

/** A data key was wrapped under a master key this process does not have (rotated out too early?). */
export class UnknownMasterKeyError extends PiiError {
  readonly code = PiiErrorCode.UnknownMasterKey;

  constructor(readonly masterKeyId: string) {
    super(`master key "${masterKeyId}" is not configured`);
  }
}

/** A wrapped data key failed authentication: corrupted, wrong context, or wrong master key. */
export class KeyUnwrapError extends PiiError {
  readonly code = PiiErrorCode.KeyUnwrapFailed;
}

export type PiiDecryptionFailure = 'unsupported-algorithm' | 'malformed' | 'authentication-failed';

/** An EncryptedValue could not be decrypted; `reason` says why without revealing any content. */
export class PiiDecryptionError extends PiiError {
  readonly code = PiiErrorCode.DecryptionFailed;

  constructor(
    readonly reason: PiiDecryptionFailure,
    readonly keyId: string,
  ) {
    super(`cannot decrypt value under data key "${keyId}": ${reason}`);
  }
}

/** An argument is unusable (empty id, a phone number with letters, a key of the wrong size). */
export class PiiInputError extends PiiError {
  readonly code = PiiErrorCode.InvalidInput;
}
