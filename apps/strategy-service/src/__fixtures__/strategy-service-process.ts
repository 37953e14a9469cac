import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually, killServiceProcess, type ServiceProcess } from '@clement/testing';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const STRATEGY_MAIN = join(__dirname, '..', 'main.ts');

/**
 * strategy-service from its main.ts, as a process of its own (extra Node flags allowed, e.g.
 * `--cpu-prof`); resolves once it listens on env.PORT.
 */
export async function startStrategyServiceProcess(
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--require', 'tsx/cjs', STRATEGY_MAIN], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const service: ServiceProcess = { child, lines, exited };
  await Promise.race([
    eventually(
      () => {
        if (!lines.some((line) => line.includes(`listening on port ${env['PORT']}`))) {
          throw new Error('not listening yet');
        }
      },
      { timeoutMs: 60_000 },
    ),
    exited.then((exit) => {
      throw new Error(`strategy-service exited (${JSON.stringify(exit)}):\n${lines.join('\n')}`);
    }),
  ]);
  return service;
}

export function killStrategyServiceProcess(service: ServiceProcess | undefined): void {
  killServiceProcess(service);
}

export type { ServiceProcess };
