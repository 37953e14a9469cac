import { exec, execFile, spawn, spawnSync } from 'node:child_process';
import { ensureInfrastructure, parseBrokerList } from './infrastructure';

// Any attempt to run a program (java, mvn, initdb, a watchdog) fails the test loudly.
jest.mock('node:child_process', () => {
  const refuse = (name: string) =>
    jest.fn(() => {
      throw new Error(`unexpected child_process.${name}`);
    });
  return {
    ...jest.requireActual<object>('node:child_process'),
    exec: refuse('exec'),
    execFile: refuse('execFile'),
    spawn: refuse('spawn'),
    spawnSync: refuse('spawnSync'),
  };
});

describe('ensureInfrastructure with KAFKA_BROKERS and DATABASE_URL set', () => {
  it('uses them as given and starts nothing', async () => {
    const lines: string[] = [];

    const infrastructure = await ensureInfrastructure({
      env: {
        KAFKA_BROKERS: 'kafka-a:9092, kafka-b:9092',
        DATABASE_URL: 'postgres://app:secret@db.example:5432/clement',
      },
      log: (line) => lines.push(line),
    });

    expect(infrastructure.kafkaBrokers).toEqual(['kafka-a:9092', 'kafka-b:9092']);
    expect(infrastructure.databaseUrl).toBe('postgres://app:secret@db.example:5432/clement');
    expect(infrastructure.started).toEqual({ kafka: false, postgres: false });
    await infrastructure.stop();
    for (const run of [exec, execFile, spawn, spawnSync]) expect(run).not.toHaveBeenCalled();
    expect(lines.join('\n')).toMatch(/not starting a broker[\s\S]*not starting a server/);
    expect(lines.join('\n')).not.toContain('secret');
  });

  it('does not start containers either in testcontainers mode', async () => {
    const infrastructure = await ensureInfrastructure({
      env: {
        CLEMENT_INFRA: 'testcontainers',
        KAFKA_BROKERS: 'kafka:9092',
        DATABASE_URL: 'postgres://db/clement',
      },
      log: () => undefined,
    });
    expect(infrastructure.started).toEqual({ kafka: false, postgres: false });
  });

  it('rejects an unknown CLEMENT_INFRA', async () => {
    await expect(
      ensureInfrastructure({ env: { CLEMENT_INFRA: 'docker' }, log: () => undefined }),
    ).rejects.toThrow("CLEMENT_INFRA must be 'local' (default) or 'testcontainers', not 'docker'");
  });
});

describe('ensureInfrastructure without overrides', () => {
  it('does try to start servers (so the test above is meaningful)', async () => {
    await expect(
      ensureInfrastructure({
        env: { DATABASE_URL: 'postgres://db/clement' },
        log: () => undefined,
      }),
    ).rejects.toThrow('unexpected child_process.spawnSync');
  });
});

describe('parseBrokerList', () => {
  it('splits and trims a comma-separated list', () => {
    expect(parseBrokerList(' a:1 ,b:2,, ')).toEqual(['a:1', 'b:2']);
  });

  it('treats unset and blank as not given', () => {
    expect(parseBrokerList(undefined)).toBeUndefined();
    expect(parseBrokerList(' , ')).toBeUndefined();
  });
});
