import { retryDelayMs } from './retry-delay';

const fixed = (value: number) => () => value;

describe('retryDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [30, 1000],
    [5000, 1000],
  ])(
    'attempt %i: the largest delay (random near 1) is min(cap, base * 2^(attempt-1)) = %i',
    (attempt, ceiling) => {
      expect(
        retryDelayMs(attempt, { baseMs: 100, capMs: 1000, random: fixed(0.999_999_999) }),
      ).toBe(ceiling);
    },
  );

  it('draws uniformly from zero (full jitter)', () => {
    expect(retryDelayMs(3, { baseMs: 100, capMs: 10_000, random: fixed(0) })).toBe(0);
    expect(retryDelayMs(3, { baseMs: 100, capMs: 10_000, random: fixed(0.5) })).toBe(200);
  });

  it('stays within [0, ceiling] for any random draw', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(5_000, 50 * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = retryDelayMs(attempt, { baseMs: 50, capMs: 5_000, random });
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('never retries sooner than the provider Retry-After', () => {
    expect(
      retryDelayMs(1, { baseMs: 100, capMs: 1000, retryAfterMs: 750, random: fixed(0.1) }),
    ).toBe(750);
  });

  it('keeps the jittered delay when it is already later than Retry-After', () => {
    expect(
      retryDelayMs(4, { baseMs: 100, capMs: 1000, retryAfterMs: 10, random: fixed(0.5) }),
    ).toBe(400);
  });

  it('honours a Retry-After above the cap', () => {
    expect(
      retryDelayMs(1, { baseMs: 100, capMs: 1000, retryAfterMs: 30_000, random: fixed(0.9) }),
    ).toBe(30_000);
  });

  it('rounds a fractional Retry-After up', () => {
    expect(retryDelayMs(1, { baseMs: 0, capMs: 0, retryAfterMs: 1.2, random: fixed(0) })).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %p', (attempt) => {
    expect(() => retryDelayMs(attempt, { baseMs: 100, capMs: 1000, random: fixed(0) })).toThrow(
      RangeError,
    );
  });
});
