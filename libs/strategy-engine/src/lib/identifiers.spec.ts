import { assignArm, assignmentBucket, derivedId, uuidFromName } from './identifiers';

describe('assignArm', () => {
  it('is deterministic per case and experiment', () => {
    expect(assignArm('case-1', 'early@1', 2000)).toBe(assignArm('case-1', 'early@1', 2000));
    expect(assignmentBucket('case-1', 'early@1')).toBe(assignmentBucket('case-1', 'early@1'));
  });
  it('assigns about the share to the challenger', () => {
    const cases = Array.from({ length: 10_000 }, (_, i) => `case-${i}`);
    const challengers = cases.filter((c) => assignArm(c, 'early@1', 2000) === 'challenger').length;
    expect(challengers).toBeGreaterThan(1800);
    expect(challengers).toBeLessThan(2200);
  });
  it('0 bps is always champion; a larger share keeps the earlier challengers (monotone buckets)', () => {
    const cases = Array.from({ length: 500 }, (_, i) => `case-${i}`);
    expect(cases.every((c) => assignArm(c, 'k', 0) === 'champion')).toBe(true);
    const at10 = cases.filter((c) => assignArm(c, 'k', 1000) === 'challenger');
    expect(at10.every((c) => assignArm(c, 'k', 3000) === 'challenger')).toBe(true);
  });
  it('a different experiment key reshuffles', () => {
    const cases = Array.from({ length: 200 }, (_, i) => `case-${i}`);
    const differ = cases.filter(
      (c) => assignmentBucket(c, 'early@1') !== assignmentBucket(c, 'early@2'),
    );
    expect(differ.length).toBeGreaterThan(190);
  });
});

describe('derived ids', () => {
  it('are name-based v5 UUIDs, stable and distinct per kind and seq', () => {
    const id = derivedId('decision', 't', 'c', 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedId('decision', 't', 'c', 1)).toBe(id);
    expect(derivedId('dispatch', 't', 'c', 1)).not.toBe(id);
    expect(derivedId('decision', 't', 'c', 2)).not.toBe(id);
    expect(derivedId('decision', 'u', 'c', 1)).not.toBe(id);
    expect(uuidFromName('x')).not.toBe(uuidFromName('y'));
  });
});
