import { chance, hashSeed, randomFor, seededRandom } from './seeded-random';

function take(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => random());
}

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(take(seededRandom('seed-1'), 20)).toEqual(take(seededRandom('seed-1'), 20));
  });

  it('gives a different sequence for a different seed', () => {
    expect(take(seededRandom('seed-1'), 5)).not.toEqual(take(seededRandom('seed-2'), 5));
  });

  it('stays in [0, 1) and spreads roughly evenly', () => {
    const values = take(seededRandom('spread'), 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('keys streams by seed and key independently', () => {
    expect(take(randomFor('s', '+34600000001:0'), 3)).toEqual(
      take(randomFor('s', '+34600000001:0'), 3),
    );
    expect(take(randomFor('s', '+34600000001:0'), 3)).not.toEqual(
      take(randomFor('s', '+34600000001:1'), 3),
    );
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    expect(hashSeed('ab\u0000c')).not.toBe(hashSeed('a\u0000bc'));
  });

  it('chance honours the rate at its edges and on average', () => {
    const random = seededRandom('chance');
    expect(chance(random, 0)).toBe(false);
    expect(chance(random, 1)).toBe(true);
    const hits = Array.from({ length: 10_000 }, () => chance(random, 0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2_800);
    expect(hits).toBeLessThan(3_200);
  });
});
