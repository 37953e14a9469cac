import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDirectoryLock } from './directory-lock';

describe('withDirectoryLock', () => {
  let root: string;
  let lockDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'clement-lock-spec-'));
    lockDir = join(root, 'fetch.lock');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lets one holder in at a time and releases afterwards', async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withDirectoryLock(
        lockDir,
        async () => {
          events.push(`${name} in`);
          await sleep(30);
          events.push(`${name} out`);
        },
        { pollMs: 5 },
      );
    await Promise.all([hold('a'), hold('b')]);
    // Either may win the race for the lock; what matters is that they never overlap.
    expect(events.join(', ')).toMatch(/^(a in, a out, b in, b out|b in, b out, a in, a out)$/);
    expect(existsSync(lockDir)).toBe(false);
  });

  it('releases the lock when the action fails', async () => {
    await expect(
      withDirectoryLock(lockDir, () => Promise.reject(new Error('mvn failed'))),
    ).rejects.toThrow('mvn failed');
    expect(existsSync(lockDir)).toBe(false);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const finished = spawnSync('true');
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'owner.pid'), String(finished.pid));
    const onWait = jest.fn();
    await expect(
      withDirectoryLock(lockDir, () => Promise.resolve('mine'), { pollMs: 5, onWait }),
    ).resolves.toBe('mine');
  });

  it('waits for a live owner and gives up at the timeout', async () => {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'owner.pid'), String(process.pid));
    const onWait = jest.fn();
    await expect(
      withDirectoryLock(lockDir, () => Promise.resolve(), { pollMs: 5, timeoutMs: 50, onWait }),
    ).rejects.toThrow(/timed out after 0.05s waiting for the lock/);
    expect(onWait).toHaveBeenCalledTimes(1);
  });
});
