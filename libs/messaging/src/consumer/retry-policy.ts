export interface RetryPolicy {
  /** Attempts in all, the first included, before a transient failure is dead-lettered. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
};

/**
 * Exponential backoff with "full jitter": a random delay up to the exponential cap, so replicas
 * that failed together do not retry together.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
