import type { DestinationStream } from 'pino';
import { runMigrateCommand } from './migrate-command';

function capture(): DestinationStream & { lines(): Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  return {
    write: (chunk: string) => void chunks.push(chunk),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('runMigrateCommand before touching the database', () => {
  it('fails fast with exit code 1 when DATABASE_URL is missing', async () => {
    const logDestination = capture();
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
    const logDestination = capture();

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
    const logDestination = capture();

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
