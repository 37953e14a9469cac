export interface RetryDelayOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Largest ceiling, however many attempts. */
  capMs: number;
  /** The provider's Retry-After: never retry sooner, even above `capMs`. */
  retryAfterMs?: number;
  /** [0, 1), e.g. Math.random. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter (uniform in [0, min(cap, base * 2^(attempt-1))], whole ms),
 * raised to the provider's Retry-After when that is later. `attempt` 1 is the first retry.
 */
export function retryDelayMs(attempt: number, options: RetryDelayOptions): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError('attempt must be an integer >= 1');
  }
  const { baseMs, capMs } = options;
  if (!(baseMs >= 0 && capMs >= 0)) {
    throw new RangeError('baseMs and capMs must be non-negative');
  }
  // 2^52 already exceeds any sensible cap; stop before the power overflows to Infinity.
  const ceiling = Math.floor(Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 52)));
  const jittered = Math.min(ceiling, Math.floor(options.random() * (ceiling + 1)));
  const floor = Math.max(0, Math.ceil(options.retryAfterMs ?? 0));
  return Math.max(jittered, floor);
}
