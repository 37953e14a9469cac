import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './process-guard';

const PID_WRITE_GRACE_MS = 60_000;

export interface DirectoryLockOptions {
  /** Called once if another process holds the lock and we have to wait. */
  onWait?: () => void;
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Runs `action` while holding an exclusive lock between processes on this machine. `mkdir` is
 * atomic, so the lock is a directory; it records its owner's pid so a lock left by a killed
 * process is taken over instead of waited on forever.
 */
export async function withDirectoryLock<T>(
  lockDir: string,
  action: () => Promise<T>,
  options: DirectoryLockOptions = {},
): Promise<T> {
  const { timeoutMs = 10 * 60_000, pollMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let announcedWait = false;
  for (;;) {
    if (await tryAcquire(lockDir)) break;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for the lock ${lockDir}`);
    }
    if (!announcedWait) {
      announcedWait = true;
      options.onWait?.();
    }
    await sleep(pollMs);
  }
  try {
    return await action();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function tryAcquire(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (await isAbandoned(lockDir)) await rm(lockDir, { recursive: true, force: true });
    return false;
  }
  await writeFile(join(lockDir, 'owner.pid'), String(process.pid));
  return true;
}

async function isAbandoned(lockDir: string): Promise<boolean> {
  const owner = Number.parseInt(await readFile(join(lockDir, 'owner.pid'), 'utf8').catch(() => ''));
  if (Number.isInteger(owner) && owner > 0) return !isProcessAlive(owner);
  // No pid yet: normally its owner is between mkdir and writeFile; after a minute it died there.
  const created = await stat(lockDir).then(
    (stats) => stats.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - created > PID_WRITE_GRACE_MS;
}
