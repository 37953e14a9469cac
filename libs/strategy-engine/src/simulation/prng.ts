/**
 * A small seeded pseudo-random generator (mulberry32) and a string hash to seed it. Not
 * cryptographic: it only has to make simulations repeatable for a given seed.
 */
export interface Random {
  /** A uniform number in [0, 1). */
  next(): number;
}

/** FNV-1a over the UTF-16 code units, 32 bits: spreads nearby seeds like "42:case-1", "42:case-2". */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    },
  };
}

/** A generator of its own for one named stream (e.g. one case), so streams do not disturb each other. */
export function randomFor(seed: number, stream: string): Random {
  return mulberry32(hashSeed(`${seed}:${stream}`));
}

/** Picks a key of `weights` with probability proportional to its weight. */
export function pickWeighted<K extends string>(
  random: Random,
  weights: Readonly<Record<K, number>>,
): K {
  const entries = (Object.entries(weights) as [K, number][]).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!isNonEmpty(entries)) throw new Error('pickWeighted needs at least one positive weight');
  let point = random.next() * total;
  let picked = entries[0][0];
  for (const [key, weight] of entries) {
    picked = key;
    point -= weight;
    if (point < 0) break;
  }
  // Rounding may leave a sliver past the last key: it takes it.
  return picked;
}

function isNonEmpty<T>(items: T[]): items is [T, ...T[]] {
  return items.length > 0;
}
