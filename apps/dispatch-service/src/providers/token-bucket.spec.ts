import { SenderRateLimiter, TokenBucket } from './token-bucket';

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBucket', () => {
  it('lets a full burst through at once, then refuses', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 3, now: clock.now });

    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 1000 });
  });

  it('says exactly how long until the next token, and has it then', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1, now: clock.now });
    expect(bucket.tryTake()).toEqual({ ok: true });

    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 100 });
    clock.advance(37);
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 63 });
    clock.advance(62);
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 1 });
    clock.advance(1);
    expect(bucket.tryTake()).toEqual({ ok: true });
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 100 });
  });

  it('rounds a fractional wait up to whole ms, for rates that do not divide 1000', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 3, burst: 1, now: clock.now });
    bucket.tryTake();

    const refused = bucket.tryTake();
    expect(refused).toEqual({ ok: false, waitMs: 334 });
    clock.advance(333);
    expect(bucket.tryTake()).toMatchObject({ ok: false, waitMs: 1 });
    clock.advance(1);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });

  it('handles rates below one per second', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.5, burst: 1, now: clock.now });
    bucket.tryTake();
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 2000 });
    clock.advance(2000);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });

  it('refills at the rate but never beyond the burst', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, now: clock.now });
    bucket.tryTake();
    bucket.tryTake();

    clock.advance(60_000);
    expect(bucket.available()).toBe(2);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      { ok: true },
      { ok: true },
      { ok: false, waitMs: 500 },
    ]);
  });

  it('sustains exactly the rate under constant demand', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 1, now: clock.now });
    let taken = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      if (bucket.tryTake().ok) taken++;
      clock.advance(1);
    }
    // One from the initial burst plus 5 per second over ten seconds (the last one at 9_800 ms).
    expect(taken).toBe(50);
  });

  it('a refusal consumes nothing', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: clock.now });
    bucket.tryTake();
    for (let i = 0; i < 5; i++) bucket.tryTake();
    clock.advance(1000);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });

  it('ignores a clock that steps back', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: clock.now });
    bucket.tryTake();
    clock.advance(-5000);
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 1000 });
    clock.advance(5000 + 1000);
    expect(bucket.tryTake()).toEqual({ ok: true });
  });

  it('can start partly filled', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5, now: clock.now, tokens: 0.5 });
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 500 });
  });

  it.each([
    { ratePerSecond: 0, burst: 1 },
    { ratePerSecond: -1, burst: 1 },
    { ratePerSecond: Number.NaN, burst: 1 },
    { ratePerSecond: 1, burst: 0 },
    { ratePerSecond: 1, burst: 0.5 },
  ])('refuses the configuration %o', (rate) => {
    expect(() => new TokenBucket({ ...rate, now: () => 0 })).toThrow(RangeError);
  });
});

describe('SenderRateLimiter', () => {
  it('does not limit keys without a configured rate', () => {
    const limiter = new SenderRateLimiter({ now: () => 0 });
    for (let i = 0; i < 1000; i++)
      expect(limiter.tryTake('twilio:+34600000000')).toEqual({ ok: true });
  });

  it('keeps one bucket per key', () => {
    const clock = fakeClock();
    const limiter = new SenderRateLimiter({ now: clock.now });
    limiter.configure('twilio:+34600000001', { ratePerSecond: 1, burst: 1 });
    limiter.configure('twilio:+34600000002', { ratePerSecond: 4, burst: 2 });

    expect(limiter.tryTake('twilio:+34600000001')).toEqual({ ok: true });
    expect(limiter.tryTake('twilio:+34600000001')).toEqual({ ok: false, waitMs: 1000 });
    expect(limiter.tryTake('twilio:+34600000002')).toEqual({ ok: true });
    expect(limiter.tryTake('twilio:+34600000002')).toEqual({ ok: true });
    expect(limiter.tryTake('twilio:+34600000002')).toEqual({ ok: false, waitMs: 250 });
    expect(limiter.tryTake('sendgrid:hello@clement.example')).toEqual({ ok: true });
  });

  it('keeps the bucket when the same rate is configured again', () => {
    const limiter = new SenderRateLimiter({ now: () => 0 });
    limiter.configure('k', { ratePerSecond: 1, burst: 1 });
    limiter.tryTake('k');
    limiter.configure('k', { ratePerSecond: 1, burst: 1 });
    expect(limiter.tryTake('k')).toEqual({ ok: false, waitMs: 1000 });
  });

  it('carries the tokens left over to a changed rate, up to the new burst', () => {
    const clock = fakeClock();
    const limiter = new SenderRateLimiter({ now: clock.now });
    limiter.configure('k', { ratePerSecond: 1, burst: 1 });
    limiter.tryTake('k');
    limiter.configure('k', { ratePerSecond: 10, burst: 10 });
    expect(limiter.tryTake('k')).toEqual({ ok: false, waitMs: 100 });
    clock.advance(1000);
    for (let i = 0; i < 10; i++) expect(limiter.tryTake('k')).toEqual({ ok: true });
    expect(limiter.tryTake('k').ok).toBe(false);
  });

  it('stops limiting a key configured with undefined', () => {
    const limiter = new SenderRateLimiter({ now: () => 0 });
    limiter.configure('k', { ratePerSecond: 1, burst: 1 });
    limiter.tryTake('k');
    limiter.configure('k', undefined);
    expect(limiter.tryTake('k')).toEqual({ ok: true });
  });
});
