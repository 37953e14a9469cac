import { runMigrateCommand } from './migrate-command';
import { captureJsonLog } from '@clement/testing';

describe('runMigrateCommand before touching the database', () => {
  it('fails fast with exit code 1 when DATABASE_URL is missing', async () => {
    const logDestination = captureJsonLog();
    const exit = jest.fn();

    const code = await runMigrateCommand({
      schema: 'case',
      migrations: [],
      env: {},
      logDestination,
      exit,
    });

    expect(code).toBe(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(logDestination.lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        service: 'case-migrate',
        msg: 'migrate: DATABASE_URL is not set',
      }),
    ]);
  });

  it('rejects a malformed URL without printing it', async () => {
    const logDestination = captureJsonLog();

    const code = await runMigrateCommand({
      schema: 'case',
      migrations: [],
      env: { DATABASE_URL: 'mysql://app:hunter2@db/clement' },
      logDestination,
      exit: () => undefined,
    });

    expect(code).toBe(1);
    expect(logDestination.lines()[0]?.['msg']).toMatch(/must start with postgres:\/\//);
    expect(JSON.stringify(logDestination.lines())).not.toContain('hunter2');
  });

  it('rejects an invalid schema name', async () => {
    const logDestination = captureJsonLog();

    const code = await runMigrateCommand({
      schema: 'Case-Service',
      migrations: [],
      env: { DATABASE_URL: 'postgres://app:pw@db/clement' },
      logDestination,
      exit: () => undefined,
    });

    expect(code).toBe(1);
    expect(logDestination.lines()[0]?.['msg']).toMatch(/Invalid schema name "Case-Service"/);
  });
});
