/** What the client received for a request: replayed as is for the same key. */
export interface StoredResponse {
  readonly status: number;
  /** The body as sent (JSON); undefined for an empty body. */
  readonly body: unknown;
}

/** Who uses a key: the tenant (by default) and the key the client sent. */
export interface IdempotencyKeyRef {
  readonly scope: string;
  readonly key: string;
}

interface RecordBase extends IdempotencyKeyRef {
  readonly fingerprint: string;
  /** Set by each claim; completing or releasing needs it, so a taken-over claim cannot. */
  readonly lockToken: string;
  /** When the current claim was made. */
  readonly lockedAt: Date;
  /** After this the record is gone for every purpose (and `purgeExpired` deletes it). */
  readonly expiresAt: Date;
}

export interface InProgressRecord extends RecordBase {
  readonly status: 'in_progress';
}

export interface CompletedRecord extends RecordBase {
  readonly status: 'completed';
  readonly response: StoredResponse;
}

export type IdempotencyRecord = InProgressRecord | CompletedRecord;
