import { type ReadinessCheck, runReadinessChecks } from './readiness';

const up = (name: string): ReadinessCheck => ({ name, check: () => Promise.resolve() });

describe('runReadinessChecks', () => {
  it('is ok when every check passes, and with no checks at all', async () => {
    await expect(runReadinessChecks([up('db'), up('kafka')])).resolves.toEqual({
      status: 'ok',
      checks: { db: { status: 'up' }, kafka: { status: 'up' } },
    });
    await expect(runReadinessChecks([])).resolves.toEqual({ status: 'ok', checks: {} });
  });

  it('names the failing check and its reason', async () => {
    const broken: ReadinessCheck = {
      name: 'kafka',
      check: () => Promise.reject(new Error('broker unreachable')),
    };

    await expect(runReadinessChecks([up('db'), broken])).resolves.toEqual({
      status: 'error',
      checks: { db: { status: 'up' }, kafka: { status: 'down', reason: 'broker unreachable' } },
    });
  });

  it('reports a check that hangs as down after the timeout', async () => {
    const hung: ReadinessCheck = { name: 'db', check: () => new Promise<void>(() => undefined) };
    const startedAt = Date.now();

    const report = await runReadinessChecks([hung], 50);

    expect(report).toEqual({
      status: 'error',
      checks: { db: { status: 'down', reason: 'timed out after 50ms' } },
    });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('treats a synchronous throw like a rejection', async () => {
    const throwing: ReadinessCheck = {
      name: 'config',
      check: () => {
        throw new Error('not loaded');
      },
    };

    const report = await runReadinessChecks([throwing]);

    expect(report.checks['config']).toEqual({ status: 'down', reason: 'not loaded' });
  });
});
