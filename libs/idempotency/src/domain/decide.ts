import type { IdempotencyRecord, StoredResponse } from './idempotency-record';

export type IdempotencyDecision =
  /** No record: claim the key and run the handler. */
  | { readonly kind: 'proceed' }
  /** Same request, already answered: send the stored response again. */
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /** Same request, still running elsewhere: the client retries later. */
  | { readonly kind: 'conflict' }
  /** The key was used for another request. */
  | { readonly kind: 'mismatch' }
  /** The record is expired, or its claim outlived the lock timeout (the process died): reclaim it. */
  | { readonly kind: 'takeover'; readonly reason: 'expired' | 'stale_lock' };

/**
 * What to do with a request whose key has `existing` as record. An expired record counts as none,
 * even for another request; a running claim older than `lockTimeoutMs` is presumed dead.
 */
export function decide(
  existing: IdempotencyRecord | undefined,
  fingerprint: string,
  now: Date,
  lockTimeoutMs: number,
): IdempotencyDecision {
  if (existing === undefined) {
    return { kind: 'proceed' };
  }
  if (existing.expiresAt.getTime() <= now.getTime()) {
    return { kind: 'takeover', reason: 'expired' };
  }
  if (existing.fingerprint !== fingerprint) {
    return { kind: 'mismatch' };
  }
  switch (existing.status) {
    case 'completed':
      return { kind: 'replay', response: existing.response };
    case 'in_progress':
      return existing.lockedAt.getTime() + lockTimeoutMs <= now.getTime()
        ? { kind: 'takeover', reason: 'stale_lock' }
        : { kind: 'conflict' };
  }
}
