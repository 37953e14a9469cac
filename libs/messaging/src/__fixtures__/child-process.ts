import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Starts a fixture script in its own Node process (TypeScript via tsx) and waits for 'ready'. */
export async function startFixtureProcess(
  script: string,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = fork(join(__dirname, script), [], {
    execArgv: [
      '--require',
      'tsx/cjs',
      ...(process.env['FIXTURE_CPU_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/cpuprof'] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not become ready`)), 60_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
  return child;
}

export async function killProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}
