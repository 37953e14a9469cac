/**
 * Token buckets for provider send rates (e.g. Twilio's per-sender MPS). Pure: time comes from the
 * injected clock. Tokens are kept in thousandths so integer rates and ms clocks stay exact.
 */

export interface TokenRate {
  /** Sustained tokens per second, > 0. */
  ratePerSecond: number;
  /** Bucket size: how many may go at once after a quiet spell, >= 1. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; waitMs: number };

const UNIT = 1000;

export class TokenBucket {
  private readonly rate: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private units: number;
  private last: number;

  constructor(
    options: TokenRate & {
      now: () => number;
      /** Initial tokens; default full. */ tokens?: number;
    },
  ) {
    if (!(Number.isFinite(options.ratePerSecond) && options.ratePerSecond > 0)) {
      throw new RangeError('ratePerSecond must be a positive number');
    }
    if (!(Number.isFinite(options.burst) && options.burst >= 1)) {
      throw new RangeError('burst must be at least 1');
    }
    this.rate = options.ratePerSecond;
    this.capacity = options.burst * UNIT;
    this.now = options.now;
    this.last = options.now();
    const initial = options.tokens ?? options.burst;
    this.units = Math.min(this.capacity, Math.max(0, initial * UNIT));
  }

  /** Takes one token, or says how many ms until one is available. */
  tryTake(): TakeResult {
    this.refill();
    if (this.units >= UNIT) {
      this.units -= UNIT;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil((UNIT - this.units) / this.rate) };
  }

  /** Tokens available now (fractional). */
  available(): number {
    this.refill();
    return this.units / UNIT;
  }

  private refill(): void {
    const now = this.now();
    // A clock that steps back adds nothing rather than draining the bucket.
    const elapsedMs = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    // rate tokens/s = rate units/ms (UNIT = 1000).
    this.units = Math.min(this.capacity, this.units + elapsedMs * this.rate);
  }
}

/** One bucket per sender key (e.g. `twilio:+34600000000`); keys without a configured rate are unlimited. */
export class SenderRateLimiter {
  private readonly now: () => number;
  private readonly buckets = new Map<string, { rate: TokenRate; bucket: TokenBucket }>();

  constructor(options: { now: () => number }) {
    this.now = options.now;
  }

  /** Sets or clears (undefined) the rate of one key. A changed rate keeps the tokens left, up to the new burst. */
  configure(key: string, rate: TokenRate | undefined): void {
    const current = this.buckets.get(key);
    if (!rate) {
      this.buckets.delete(key);
      return;
    }
    if (
      current &&
      current.rate.ratePerSecond === rate.ratePerSecond &&
      current.rate.burst === rate.burst
    ) {
      return;
    }
    const bucket = new TokenBucket({
      ratePerSecond: rate.ratePerSecond,
      burst: rate.burst,
      now: this.now,
      ...(current ? { tokens: current.bucket.available() } : {}),
    });
    this.buckets.set(key, {
      rate: { ratePerSecond: rate.ratePerSecond, burst: rate.burst },
      bucket,
    });
  }

  tryTake(key: string): TakeResult {
    return this.buckets.get(key)?.bucket.tryTake() ?? { ok: true };
  }

  /** Tokens the sender has now without taking any; Infinity when it is not limited. */
  available(key: string): number {
    return this.buckets.get(key)?.bucket.available() ?? Number.POSITIVE_INFINITY;
  }
}
