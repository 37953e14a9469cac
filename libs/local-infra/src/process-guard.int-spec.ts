import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './process-guard';

const FIXTURE = join(__dirname, '__fixtures__', 'guarded-sleeper.ts');
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

interface Guarded {
  parent: ChildProcess;
  pid: number;
  dir: string;
}

async function startGuarded(mode: 'wait' | 'exit'): Promise<Guarded> {
  // Plain node with tsx's require hook: a single process, so the signal reaches the guard's owner.
  const parent = spawn(process.execPath, ['--require', 'tsx/cjs', FIXTURE, mode], {
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let output = '';
    parent.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) resolve(output.split('\n')[0]!);
    });
    parent.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
  });
  const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
  return { parent, pid, dir };
}

async function expectCleanedUp(guarded: Guarded): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((isProcessAlive(guarded.pid) || existsSync(guarded.dir)) && Date.now() < deadline) {
    await sleep(50);
  }
  expect(isProcessAlive(guarded.pid)).toBe(false);
  expect(existsSync(guarded.dir)).toBe(false);
}

describe('process guard', () => {
  it.each(['SIGKILL', 'SIGINT', 'SIGTERM'] as const)(
    'stops the server and removes its data when Node gets %s',
    async (signal) => {
      const guarded = await startGuarded('wait');
      expect(isProcessAlive(guarded.pid)).toBe(true);
      guarded.parent.kill(signal);
      await expectCleanedUp(guarded);
    },
  );

  it('stops the server when Node exits without stopping it', async () => {
    await expectCleanedUp(await startGuarded('exit'));
  });
});
