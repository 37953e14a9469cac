import { decide } from './decide';
import type { CompletedRecord, InProgressRecord } from './idempotency-record';

const LOCK_TIMEOUT_MS = 60_000;
const now = new Date('2026-11-30T10:00:00.000Z');
const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const hoursFromNow = (hours: number) => new Date(now.getTime() + hours * 3_600_000);

const inProgress = (lockedAt: Date, fingerprint = 'fp-1'): InProgressRecord => ({
  scope: 'tenant-1',
  key: 'k-1',
  fingerprint,
  status: 'in_progress',
  lockToken: 'token-1',
  lockedAt,
  expiresAt: hoursFromNow(24),
});

const completed = (fingerprint = 'fp-1', expiresAt = hoursFromNow(23)): CompletedRecord => ({
  ...inProgress(secondsAgo(3_600), fingerprint),
  status: 'completed',
  expiresAt,
  response: { status: 201, body: { id: 'p-1' } },
});

describe('decide', () => {
  it('proceeds when the key has no record', () => {
    expect(decide(undefined, 'fp-1', now, LOCK_TIMEOUT_MS)).toEqual({ kind: 'proceed' });
  });

  it('replays the stored answer to the same request', () => {
    expect(decide(completed(), 'fp-1', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'replay',
      response: { status: 201, body: { id: 'p-1' } },
    });
  });

  it('refuses another request under the key, answered or running', () => {
    expect(decide(completed(), 'fp-2', now, LOCK_TIMEOUT_MS)).toEqual({ kind: 'mismatch' });
    expect(decide(inProgress(secondsAgo(1)), 'fp-2', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'mismatch',
    });
    // A dead claim still binds the key to its request.
    expect(decide(inProgress(secondsAgo(600)), 'fp-2', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'mismatch',
    });
  });

  it('reports a running twin as a conflict until the lock times out', () => {
    expect(decide(inProgress(now), 'fp-1', now, LOCK_TIMEOUT_MS)).toEqual({ kind: 'conflict' });
    expect(decide(inProgress(secondsAgo(59.999)), 'fp-1', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'conflict',
    });
  });

  it('takes over a claim older than the lock timeout', () => {
    expect(decide(inProgress(secondsAgo(60)), 'fp-1', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'takeover',
      reason: 'stale_lock',
    });
  });

  it('treats an expired record as none, whatever request it was for', () => {
    const expired = completed('fp-1', now);

    expect(decide(expired, 'fp-1', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'takeover',
      reason: 'expired',
    });
    expect(decide(expired, 'fp-2', now, LOCK_TIMEOUT_MS)).toEqual({
      kind: 'takeover',
      reason: 'expired',
    });
    expect(
      decide(completed('fp-1', new Date(now.getTime() + 1)), 'fp-2', now, LOCK_TIMEOUT_MS),
    ).toEqual({ kind: 'mismatch' });
  });
});
