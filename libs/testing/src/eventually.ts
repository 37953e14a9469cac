import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long. Default 10 000 ms. */
  timeoutMs?: number;
  /** Pause between attempts. Default 100 ms. */
  intervalMs?: number;
}

/**
 * Retries `assertion` until it passes (returns or resolves without throwing) and returns its
 * result. Once `timeoutMs` has passed, the last failure is rethrown, so the test reports the real
 * expectation rather than "timed out". Use it instead of sleeping for asynchronous effects.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw error;
      await sleep(Math.min(intervalMs, remaining));
    }
  }
}
