import type { ReadinessCheck } from '../health/readiness';
import { ReadinessRegistry } from './readiness.registry';

const check = (name: string, result: () => Promise<void>): ReadinessCheck => ({
  name,
  check: result,
});

describe('ReadinessRegistry', () => {
  it('reports the initial and the registered checks, and forgets unregistered ones', async () => {
    const registry = new ReadinessRegistry([check('db', () => Promise.resolve())], {
      serviceName: 'spec',
    });
    const unregister = registry.register(
      check('kafka', () => Promise.reject(new Error('no brokers'))),
    );

    await expect(registry.report()).resolves.toEqual({
      status: 'error',
      checks: { db: { status: 'up' }, kafka: { status: 'down', reason: 'no brokers' } },
    });

    unregister();
    expect(registry.names()).toEqual(['db']);
    await expect(registry.report()).resolves.toMatchObject({ status: 'ok' });
  });

  it('rejects two checks with the same name', () => {
    const registry = new ReadinessRegistry([], { serviceName: 'spec' });
    registry.register(check('db', () => Promise.resolve()));

    expect(() => registry.register(check('db', () => Promise.resolve()))).toThrow(
      'A readiness check named "db" is already registered',
    );
  });

  it('applies the configured timeout', async () => {
    const registry = new ReadinessRegistry([check('db', () => new Promise(() => undefined))], {
      serviceName: 'spec',
      readinessTimeoutMs: 20,
    });

    await expect(registry.report()).resolves.toEqual({
      status: 'error',
      checks: { db: { status: 'down', reason: 'timed out after 20ms' } },
    });
  });
});
