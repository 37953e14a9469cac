import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the result once the assertion passes', async () => {
    let calls = 0;
    const result = await eventually(
      () => {
        calls++;
        if (calls < 3) throw new Error(`not yet (${calls})`);
        return 'done';
      },
      { timeoutMs: 1_000, intervalMs: 5 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('retries asynchronous assertions', async () => {
    let ready = false;
    setTimeout(() => (ready = true), 30);
    await expect(
      eventually(() => Promise.resolve(expect(ready).toBe(true)), {
        timeoutMs: 1_000,
        intervalMs: 5,
      }),
    ).resolves.toBeUndefined();
  });

  it('rethrows the last failure, not the first, after the timeout', async () => {
    let calls = 0;
    const started = Date.now();
    const failure = await eventually(
      () => {
        calls++;
        throw new Error(`attempt ${calls}`);
      },
      { timeoutMs: 60, intervalMs: 10 },
    ).catch((error: unknown) => error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(calls).toBeGreaterThan(1);
    expect(failure).toEqual(new Error(`attempt ${calls}`));
  });

  it('does not wait when the first attempt passes', async () => {
    const started = Date.now();
    await eventually(() => undefined, { intervalMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(500);
  });
});
