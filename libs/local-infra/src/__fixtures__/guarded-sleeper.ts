/**
 * Child process for process-guard.int-spec: starts `sleep`, guards it like a server, prints
 * `{ pid, dir }` and then ends as the test asks (argv[2]): 'wait' (to be signalled) or 'exit'.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardProcess, stopChildProcess } from '../process-guard';

const dir = mkdtempSync(join(tmpdir(), 'clement-guard-spec-'));
const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
sleeper.unref();
const pid = sleeper.pid;
if (pid === undefined) throw new Error('sleep did not start');
guardProcess({
  pid,
  stopSignal: 'SIGTERM',
  graceMs: 2_000,
  removeDir: dir,
  server: {
    stop: () => stopChildProcess(sleeper, 'SIGTERM', 2_000),
    signalNow: () => sleeper.kill('SIGTERM'),
  },
});
process.stdout.write(`${JSON.stringify({ pid, dir })}\n`);
if (process.argv[2] === 'exit') process.exit(0);
setInterval(() => undefined, 60_000);
