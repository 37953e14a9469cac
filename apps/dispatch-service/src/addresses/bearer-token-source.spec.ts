import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerTokenSource } from './bearer-token-source';

describe('bearerTokenSource', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bearer-token-'));
    file = join(dir, 'token');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns a fixed token', async () => {
    await expect(bearerTokenSource({ token: 'fixed' })()).resolves.toBe('fixed');
  });

  it('needs exactly one of a token and a token file', () => {
    expect(() => bearerTokenSource({})).toThrow(/either/);
    expect(() => bearerTokenSource({ token: 'a', tokenFile: file })).toThrow(/either/);
  });

  it('re-reads the file at most once a minute, picking up a rotated token', async () => {
    let now = 0;
    writeFileSync(file, 'first\n');
    const token = bearerTokenSource({ tokenFile: file, now: () => now });

    await expect(token()).resolves.toBe('first');
    writeFileSync(file, 'second\n');
    now = 59_999;
    await expect(token()).resolves.toBe('first');
    now = 60_000;
    await expect(token()).resolves.toBe('second');
  });

  it('reads the file once for concurrent callers', async () => {
    writeFileSync(file, 'shared');
    const token = bearerTokenSource({ tokenFile: file });

    await expect(Promise.all([token(), token(), token()])).resolves.toEqual([
      'shared',
      'shared',
      'shared',
    ]);
  });

  it('keeps the last token through a failed re-read, and fails without any token', async () => {
    let now = 0;
    writeFileSync(file, 'kept');
    const token = bearerTokenSource({ tokenFile: file, now: () => now });
    await token();
    rmSync(file);
    now = 120_000;
    await expect(token()).resolves.toBe('kept');

    const missing = bearerTokenSource({ tokenFile: join(dir, 'absent') });
    await expect(missing()).rejects.toThrow(/cannot read the token file/);
    writeFileSync(file, '  \n');
    await expect(bearerTokenSource({ tokenFile: file })()).rejects.toThrow(
      /cannot read the token file/,
    );
  });
});
