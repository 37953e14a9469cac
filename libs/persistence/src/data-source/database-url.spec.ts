import { DatabaseUrlError, describeDatabaseUrl, parseDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  it('accepts postgres and postgresql URLs', () => {
    expect(parseDatabaseUrl('postgres://app:pw@db:5432/clement').hostname).toBe('db');
    expect(parseDatabaseUrl('postgresql://app@db/clement?sslmode=require').pathname).toBe(
      '/clement',
    );
  });

  it.each([
    [undefined, 'DATABASE_URL is not set'],
    ['  ', 'DATABASE_URL is not set'],
    ['not a url s3cr3t', 'DATABASE_URL is not a valid URL'],
    [
      'mysql://app:s3cr3t@db/clement',
      'DATABASE_URL must start with postgres:// or postgresql:// (got mysql://)',
    ],
    ['postgres://app:s3cr3t@db:5432/', 'DATABASE_URL has no database name'],
  ])('rejects %j with a clear message that does not echo it', (value, message) => {
    let caught: unknown;
    try {
      parseDatabaseUrl(value);
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseUrlError);
    expect((caught as Error).message).toBe(message);
    expect((caught as Error).message).not.toContain('s3cr3t');
  });
});

describe('describeDatabaseUrl', () => {
  it('keeps user, host and database but drops password and parameters', () => {
    expect(
      describeDatabaseUrl(
        new URL('postgres://app:s3cr3t@db.internal:5432/clement?sslmode=require'),
      ),
    ).toBe('postgres://app@db.internal:5432/clement');
  });
});
