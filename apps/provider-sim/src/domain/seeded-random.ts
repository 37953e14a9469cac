/**
 * A small seeded PRNG (mulberry32 over a cyrb53-style string hash). Not for cryptography: it only
 * makes the simulator's outcome choices repeatable for a given SIM_SEED.
 */
export type RandomSource = () => number;

/** 32-bit hash of a string, so any text (seed + key) can seed a stream. */
export function hashSeed(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return h1 >>> 0;
}

/** Numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: string): RandomSource {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One stream per (seed, key). Keys name a destination and its n-th message, so a destination's
 * outcomes do not depend on how concurrent requests to other destinations interleave.
 */
export function randomFor(seed: string, key: string): RandomSource {
  return seededRandom(`${seed}\u0000${key}`);
}

/** True with probability `rate` (0..1). */
export function chance(random: RandomSource, rate: number): boolean {
  return rate > 0 && random() < rate;
}
