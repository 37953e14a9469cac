import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Starts a fixture script in its own Node process (TypeScript via tsx) and waits for 'ready'. */
export async function startFixtureProcess(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<ChildProcess> {
  return (await startFixtureProcessWithMessage(script, env, args)).child;
}

/** Like startFixtureProcess, also returning what the script sent when it became ready. */
export async function startFixtureProcessWithMessage(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ child: ChildProcess; message: unknown }> {
  const child = fork(join(__dirname, script), args, {
    execArgv: [
      '--require',
      'tsx/cjs',
      ...(process.env['FIXTURE_CPU_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/cpuprof'] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const message = await new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not become ready`)), 120_000);
    child.once('message', (ready) => {
      clearTimeout(timer);
      resolve(ready);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
  return { child, message };
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

/**
 * For the fixture scripts themselves: tells the parent they are ready, and stops cleanly on
 * SIGTERM or when the parent goes away (a SIGKILL from the test skips this, on purpose).
 */
export function serveUntilStopped(stop: () => Promise<void>): void {
  process.send?.('ready');
  const shutdown = () => {
    void stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);
}

export function exitOnStartupFailure(error: unknown): never {
  console.error(error);
  process.exit(1);
}
