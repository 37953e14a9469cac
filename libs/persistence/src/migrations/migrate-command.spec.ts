import { ConfigValidationError } from '@clement/observability';
import { runMigrateCommand, runServiceMigrations } from './migrate-command';
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

describe('runServiceMigrations', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('stops with exit code 1 on an invalid service config, before the migrations are built', async () => {
    const migrations = jest.fn(() => []);
    const code = await runServiceMigrations({
      serviceName: 'example-service',
      loadSchema: () => {
        throw new ConfigValidationError('ExampleConfig', ['DATABASE_SCHEMA: must be lower case']);
      },
      migrations,
    });

    expect(code).toBe(1);
    expect(process.exitCode).toBe(1);
    expect(migrations).not.toHaveBeenCalled();
  });

  it('lets an unexpected error through instead of calling it a config problem', () => {
    expect(() =>
      runServiceMigrations({
        serviceName: 'example-service',
        loadSchema: () => {
          throw new TypeError('bug');
        },
        migrations: () => [],
      }),
    ).toThrow('bug');
  });
});
