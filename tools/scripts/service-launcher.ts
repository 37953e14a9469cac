import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A Clement service as `npm run up` starts it: migrations first, then the process, then readiness. */
export interface ServiceSpec {
  readonly name: string;
  readonly port: number;
  readonly env: Record<string, string>;
  /**
   * Run `apps/<name>/src/migrate.ts` before the service (default true). Off for a service without
   * a database, or one started with MIGRATE_ON_START=true.
   */
  readonly migrate?: boolean;
}

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

const repoRoot = join(__dirname, '..', '..');

export async function launchService(spec: ServiceSpec): Promise<RunningService> {
  const logDir = join(repoRoot, 'tmp', 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${spec.name}.log`);
  const env = { ...process.env, ...spec.env, PORT: String(spec.port) };

  if (spec.migrate ?? true) {
    const migrate = runTypeScript(`apps/${spec.name}/src/migrate.ts`, env, logFile);
    const code = await new Promise<number | null>((resolve) => migrate.once('exit', resolve));
    if (code !== 0)
      throw new Error(`${spec.name}: migrations failed (exit ${code}); see ${logFile}`);
  }

  const child = runTypeScript(`apps/${spec.name}/src/main.ts`, env, logFile);
  const url = `http://127.0.0.1:${spec.port}`;
  await waitUntilReady(spec.name, child, `${url}/health/ready`, logFile);
  return {
    name: spec.name,
    url,
    logFile,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function runTypeScript(entry: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', entry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function waitUntilReady(
  name: string,
  child: ChildProcess,
  readyUrl: string,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`${name} was not ready within 60 s; see ${logFile}`);
}
