import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './eventually';

// Services under test run as real processes, as in production: telemetry must patch modules
// through Node's own `require`, which Jest replaces.

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr, line by line. */
  lines: string[];
  exited: Promise<ProcessExit>;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (by the integration globalSetup)`);
  return value;
}

/** Runs a TypeScript entry point (`main.ts`, `migrate.ts`) with tsx, from the repository root. */
export function runEntryPoint(entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

export async function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts a service's `main.ts` and waits for `listening on port <env.PORT>`, or fails with its output. */
export async function startServiceProcess(
  main: string,
  env: NodeJS.ProcessEnv,
): Promise<ServiceProcess> {
  const service = runEntryPoint(main, env);
  await Promise.race([
    eventually(
      () => expect(service.lines.join('\n')).toContain(`listening on port ${env['PORT']}`),
      { timeoutMs: 60_000 },
    ),
    service.exited.then((exit) => {
      throw new Error(`${main} exited (${JSON.stringify(exit)}):\n${service.lines.join('\n')}`);
    }),
  ]);
  return service;
}

/** SIGTERM, then expects exit 0 within 10 s and the "shutdown complete" log line. */
export async function stopGracefully(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  const exit = await withinMs(service.exited, 10_000, 'graceful shutdown');
  expect({ ...exit, output: service.lines.slice(-20) }).toMatchObject({ code: 0, signal: null });
  expect(service.lines.some((line) => line.includes('"msg":"shutdown complete"'))).toBe(true);
}

/** SIGKILL if still running (afterEach clean-up). */
export function killServiceProcess(service: ServiceProcess | undefined): void {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
  }
}
