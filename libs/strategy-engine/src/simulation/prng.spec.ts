import { EventQueue } from './event-queue';
import { hashSeed, mulberry32, pickWeighted, randomFor } from './prng';

describe('mulberry32', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const draw = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i += 1) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      buckets[Math.floor(value * 10)]! += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe('hashSeed and randomFor', () => {
  it('hashes text to 32-bit unsigned integers, differently for nearby texts', () => {
    expect(hashSeed('42:case-1')).toBe(hashSeed('42:case-1'));
    expect(hashSeed('42:case-1')).not.toBe(hashSeed('42:case-2'));
    expect(hashSeed('')).toBe(0x811c9dc5);
    expect(Number.isInteger(hashSeed('x')) && hashSeed('x') >= 0 && hashSeed('x') < 2 ** 32).toBe(
      true,
    );
  });

  it('gives independent streams per name', () => {
    const a = randomFor(42, 'case-1');
    const b = randomFor(42, 'case-2');
    expect(a.next()).not.toBe(b.next());
    expect(randomFor(42, 'case-1').next()).toBe(randomFor(42, 'case-1').next());
  });
});

describe('pickWeighted', () => {
  it('picks in proportion to the weights and never a zero weight', () => {
    const random = mulberry32(1);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i += 1) counts[pickWeighted(random, { a: 1, b: 2, c: 0 })] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(1.85);
    expect(counts.b / counts.a).toBeLessThan(2.15);
  });

  it('refuses weights that are all zero', () => {
    expect(() => pickWeighted(mulberry32(1), { a: 0 })).toThrow(/positive weight/);
  });
});

describe('EventQueue', () => {
  it('pops by instant, and in scheduling order for equal instants', () => {
    const queue = new EventQueue<string>();
    queue.push(30, 'c');
    queue.push(10, 'a1');
    queue.push(20, 'b');
    queue.push(10, 'a2');
    queue.push(10, 'a3');
    const order: string[] = [];
    for (let item = queue.pop(); item; item = queue.pop()) order.push(item.item);
    expect(order).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('sorts a large random agenda', () => {
    const queue = new EventQueue<number>();
    const random = mulberry32(3);
    const values = Array.from({ length: 5000 }, () => Math.floor(random.next() * 1000));
    values.forEach((value) => queue.push(value, value));
    const popped: number[] = [];
    for (let item = queue.pop(); item; item = queue.pop()) popped.push(item.at);
    expect(popped).toEqual([...values].sort((a, b) => a - b));
  });
});
