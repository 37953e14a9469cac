import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { allTopicDefinitions } from '@clement/contracts';
import { createKafkajsPort, provisionTopics } from '@clement/messaging';
import { eventually, findFreePort, uniqueName } from '@clement/testing';

// The service runs as a real process, as in production: telemetry must patch modules through
// Node's own `require`, which Jest replaces. Migrations run first through the `migrate` entry point.

const REPO_ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(__dirname, 'main.ts');
const MIGRATE = join(__dirname, 'migrate.ts');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ServiceProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<Exit>;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set (by the integration globalSetup)`);
  }
  return value;
}

function run(entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

async function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function startService(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const service = run(MAIN, env);
  await Promise.race([
    eventually(
      () => expect(service.lines.join('\n')).toContain(`listening on port ${env['PORT']}`),
      { timeoutMs: 60_000 },
    ),
    service.exited.then((exit) => {
      throw new Error(
        `dispatch-service exited (${JSON.stringify(exit)}):\n${service.lines.join('\n')}`,
      );
    }),
  ]);
  return service;
}

async function stopGracefully(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  const exit = await withinMs(service.exited, 10_000, 'graceful shutdown');
  expect({ ...exit, output: service.lines.slice(-20) }).toMatchObject({ code: 0, signal: null });
  expect(service.lines.some((line) => line.includes('"msg":"shutdown complete"'))).toBe(true);
}

function kill(service: ServiceProcess | undefined): void {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
  }
}

describe('dispatch-service process', () => {
  const schema = uniqueName('dispatch_service');
  let env: NodeJS.ProcessEnv;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    // As the deployment does (Helm hook, compose kafka-init, `npm run up`) before services start.
    const kafka = createKafkajsPort({
      clientId: 'dispatch-service-it',
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
    });
    const admin = await kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
    env = {
      ...process.env,
      DATABASE_URL: requiredEnv('DATABASE_URL'),
      KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
      DATABASE_SCHEMA: schema,
      PORT: String(await findFreePort()),
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'false',
    };
  });

  afterEach(() => kill(service));

  it('migrates, serves health and metrics, and shuts down cleanly on SIGTERM', async () => {
    const migrate = run(MIGRATE, env);
    const migrated = await withinMs(migrate.exited, 60_000, 'migrate');
    expect({ ...migrated, output: migrate.lines }).toMatchObject({ code: 0 });
    const migrationLog = migrate.lines.join('\n');
    expect(migrationLog).toContain('CreateMessagingTables1763900000000');
    expect(migrationLog).toContain('CreateContactProjection1764600000000');

    service = await startService(env);
    const running = service;
    const baseUrl = `http://127.0.0.1:${env['PORT']}`;
    expect(running.lines.join('\n')).not.toContain('migrations applied at start');

    const live = await fetch(`${baseUrl}/health/live`);
    expect(live.status).toBe(200);

    // Kafka's admin client may need a moment after listen; readiness reflects it, so poll.
    await eventually(
      async () => {
        const ready = await fetch(`${baseUrl}/health/ready`);
        await expect(ready.json()).resolves.toEqual({
          status: 'ok',
          checks: { database: { status: 'up' }, kafka: { status: 'up' } },
        });
        expect(ready.status).toBe(200);
      },
      { timeoutMs: 30_000 },
    );

    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const scrape = await metrics.text();
    expect(scrape).toMatch(/^# TYPE \S+ (counter|gauge|histogram)$/m);
    expect(scrape).toMatch(/^target_info\{service_name="dispatch-service",/m);

    await stopGracefully(running);
  });

  it('applies its migrations at start when MIGRATE_ON_START is true', async () => {
    service = await startService({
      ...env,
      DATABASE_SCHEMA: uniqueName('dispatch_service_self_migrating'),
      PORT: String(await findFreePort()),
      MIGRATE_ON_START: 'true',
    });

    expect(service.lines.join('\n')).toContain('"msg":"migrations applied at start: 2"');
    await stopGracefully(service);
  });

  it('refuses to start without KAFKA_BROKERS, naming it and never printing secrets', async () => {
    const password = 'pa55-word-not-for-logs';
    const withSecret = new URL(requiredEnv('DATABASE_URL'));
    withSecret.password = password;
    const { KAFKA_BROKERS: _omitted, ...withoutBrokers } = env;
    service = run(MAIN, { ...withoutBrokers, DATABASE_URL: withSecret.toString() });

    const exit = await withinMs(service.exited, 30_000, 'exit on bad config');

    expect(exit.code).toBe(1);
    const output = service.lines.join('\n');
    expect(output).toContain('KAFKA_BROKERS: is missing');
    expect(output).not.toContain(password);
    expect(output).not.toContain('listening on port');
  });
});
