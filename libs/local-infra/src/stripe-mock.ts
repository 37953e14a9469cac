import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDirectoryLock } from './directory-lock';
import { clementCacheDir } from './kafka-distribution';
import { logToStderr } from './log';
import { guardProcess, hasExited, stopChildProcess } from './process-guard';
import { runCommand } from './run-command';

/** Stripe's mock API server (https://github.com/stripe/stripe-mock), built from source with Go. */
export const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock';
/** Pinned: its bundled OpenAPI spec and fixtures change with every release. */
export const STRIPE_MOCK_VERSION = '0.203.0';
/** Oldest Go that builds the pinned release (its go.mod says `go 1.22.1`). */
const MINIMUM_GO = '1.22';
/** stripe-mock accepts any test-mode looking key (letters and digits after `sk_test_`). */
const PROBE_API_KEY = 'sk_test_123';

const OVERRIDE_HINT = 'or point STRIPE_MOCK_URL at a running stripe-mock';
const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface StripeMockBinary {
  version: string;
  /** Path of the executable. */
  binary: string;
}

export interface FetchStripeMockOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Where the pinned binary lives in the cache and whether it is there already. */
export function stripeMockBinaryStatus(env: NodeJS.ProcessEnv = process.env): {
  versionDir: string;
  binary: string;
  present: boolean;
} {
  const versionDir = join(clementCacheDir(env), `stripe-mock-${STRIPE_MOCK_VERSION}`);
  const binary = join(versionDir, 'stripe-mock');
  return { versionDir, binary, present: isExecutable(binary) };
}

/**
 * Returns the cached stripe-mock binary, building it with `go install` on the first run. The
 * binary appears by an atomic rename and concurrent first runs wait on a lock, so nobody ever
 * runs a half-written file.
 */
export async function fetchStripeMock(
  options: FetchStripeMockOptions = {},
): Promise<StripeMockBinary> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const { versionDir, binary, present } = stripeMockBinaryStatus(env);
  const result = { version: STRIPE_MOCK_VERSION, binary };
  if (present) return result;

  await mkdir(versionDir, { recursive: true });
  await withDirectoryLock(
    join(versionDir, 'fetch.lock'),
    async () => {
      // Someone else may have built it while we waited for the lock.
      if (isExecutable(binary)) return;
      const go = findGo(env, binary);
      log(`stripe-mock: building v${STRIPE_MOCK_VERSION} with \`${go} install\` (first run)...`);
      const started = Date.now();
      const staging = join(
        versionDir,
        `bin.staging-${process.pid}-${randomBytes(4).toString('hex')}`,
      );
      try {
        await mkdir(staging);
        const target = `${STRIPE_MOCK_MODULE}@v${STRIPE_MOCK_VERSION}`;
        await runCommand(go, ['install', target], {
          // Outside any Go module, so the repository cannot influence the build.
          cwd: versionDir,
          // A static binary: no C compiler needed, nothing to link against at run time.
          env: { ...env, GOBIN: staging, CGO_ENABLED: '0' },
          describeFailure: (code) =>
            `stripe-mock: \`${go} install ${target}\` failed with exit code ${code}`,
        });
        await rename(join(staging, 'stripe-mock'), binary);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      log(`stripe-mock: built in ${((Date.now() - started) / 1000).toFixed(1)}s into ${binary}`);
    },
    { onWait: () => log('stripe-mock: another process is building it; waiting for it...') },
  );
  return result;
}

/**
 * The `go` command: on PATH, else `$GOROOT/bin/go`, else the official installer's
 * /usr/local/go/bin/go. Only needed while the binary is not cached.
 */
export function findGo(env: NodeJS.ProcessEnv = process.env, cachedBinary?: string): string {
  const candidates = [
    'go',
    ...(env.GOROOT ? [join(env.GOROOT, 'bin', 'go')] : []),
    '/usr/local/go/bin/go',
  ];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const result = spawnSync(candidate, ['version'], { encoding: 'utf8', env });
    if (!result.error && result.status === 0) return candidate;
    failures.push(`${candidate}: ${result.error?.message ?? `exit code ${result.status}`}`);
  }
  throw new Error(
    `stripe-mock: the binary is not cached${cachedBinary ? ` at ${cachedBinary}` : ''} yet and no ` +
      `Go toolchain was found to build it (${failures.join('; ')}). Install Go ${MINIMUM_GO}+ ` +
      `(https://go.dev/dl/, e.g. into /usr/local/go, with /usr/local/go/bin on PATH), ` +
      `${OVERRIDE_HINT}.`,
  );
}

/** Fails fast, before anything is started, when stripe-mock can neither be found nor built. */
export function checkStripeMockPrerequisites(env: NodeJS.ProcessEnv = process.env): void {
  const status = stripeMockBinaryStatus(env);
  if (!status.present) findGo(env, status.binary);
}

export interface StripeMockServer {
  /** e.g. `http://127.0.0.1:40167`. */
  readonly url: string;
  /** Its request log; removed on stop. */
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface StartStripeMockOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  startupTimeoutMs?: number;
}

/**
 * Starts stripe-mock on loopback. The OS picks both ports (HTTP and the HTTPS listener it always
 * opens), and the HTTP one is read back from its output, so parallel runs never collide.
 */
export async function startStripeMock(
  options: StartStripeMockOptions = {},
): Promise<StripeMockServer> {
  const log = options.log ?? logToStderr;
  const startedAt = Date.now();
  const { binary } = await fetchStripeMock({ log, env: options.env });
  const dir = await mkdtemp(join(tmpdir(), 'clement-stripe-mock-'));
  const logFile = join(dir, 'stripe-mock.log');
  const deadline = startedAt + (options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);

  let child: ChildProcess & { pid: number };
  try {
    child = spawnStripeMock(binary, dir, logFile);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopChildProcess(child, 'SIGTERM', STOP_TIMEOUT_MS);
      guard.release();
      await rm(dir, { recursive: true, force: true });
    })());
  const guard = guardProcess({
    pid: child.pid,
    stopSignal: 'SIGTERM',
    graceMs: STOP_TIMEOUT_MS,
    removeDir: dir,
    server: {
      stop,
      signalNow: () => {
        if (!hasExited(child)) child.kill('SIGTERM');
      },
    },
  });

  let url: string;
  try {
    url = await waitUntilAnswering(child, logFile, deadline);
  } catch (error) {
    await stop();
    throw error;
  }
  child.once('exit', (code, signal) => {
    if (!stopping) log(`stripe-mock: exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  log(`stripe-mock: v${STRIPE_MOCK_VERSION} ready on ${url} in ${secondsSince(startedAt)}s`);
  return { url, logFile, stop: () => stop().then(() => log('stripe-mock: stopped')) };
}

export interface StripeMock {
  /** Base URL of the mock API, e.g. `http://127.0.0.1:40167`. */
  readonly url: string;
  /** False when STRIPE_MOCK_URL was given and nothing was started. */
  readonly started: boolean;
  /** Stops what was started; idempotent. */
  stop(): Promise<void>;
}

/** STRIPE_MOCK_URL, when set, is used as it is; otherwise a local stripe-mock is started. */
export async function ensureStripeMock(options: StartStripeMockOptions = {}): Promise<StripeMock> {
  const env = options.env ?? process.env;
  const log = options.log ?? logToStderr;
  const given = parseStripeMockUrl(env.STRIPE_MOCK_URL);
  if (given) {
    log(`stripe-mock: using STRIPE_MOCK_URL=${given} (not starting one)`);
    return { url: given, started: false, stop: async () => undefined };
  }
  const server = await startStripeMock({ ...options, env, log });
  return { url: server.url, started: true, stop: () => server.stop() };
}

/** `' http://host:12111/ '` gives `'http://host:12111'`; unset or blank gives undefined. */
export function parseStripeMockUrl(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(
      `STRIPE_MOCK_URL must be an http(s) URL such as http://127.0.0.1:12111, not '${trimmed}'`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`STRIPE_MOCK_URL must be an http(s) URL, not '${trimmed}'`);
  }
  return url.origin;
}

/** Reads the HTTP address from stripe-mock's start-up line `Listening for HTTP at address: …`. */
export function parseHttpListenAddress(output: string): string | undefined {
  return /^Listening for HTTP at address: (\S+)$/m.exec(output)?.[1];
}

function spawnStripeMock(
  binary: string,
  dir: string,
  logFile: string,
): ChildProcess & { pid: number } {
  const output = openSync(logFile, 'a');
  try {
    const child = spawn(
      binary,
      // Both listeners on loopback with ports the OS chooses; HTTPS cannot be switched off.
      ['-http-addr', '127.0.0.1:0', '-https-addr', '127.0.0.1:0'],
      { cwd: dir, stdio: ['ignore', output, output], detached: false },
    );
    if (child.pid === undefined) {
      throw new Error(`stripe-mock: could not start \`${binary}\` (no process was created)`);
    }
    // Stopping is explicit (stop(), exit handlers); the child alone must not keep Node running.
    child.unref();
    return child as ChildProcess & { pid: number };
  } finally {
    closeSync(output);
  }
}

async function waitUntilAnswering(
  child: ChildProcess,
  logFile: string,
  deadline: number,
): Promise<string> {
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  let lastError = 'it has not printed its HTTP address yet';
  while (Date.now() < deadline) {
    const output = await readFile(logFile, 'utf8').catch(() => '');
    if (spawnError || hasExited(child)) {
      const reason = spawnError?.message ?? `exit ${child.signalCode ?? `code ${child.exitCode}`}`;
      throw new Error(
        `stripe-mock: ended during startup (${reason}). Its output:\n${output.trim()}`,
      );
    }
    const address = parseHttpListenAddress(output);
    if (address) {
      const url = `http://${address}`;
      try {
        // A real API call: routing and the bundled spec are loaded.
        const response = await fetch(`${url}/v1/balance`, {
          headers: { authorization: `Bearer ${PROBE_API_KEY}` },
          signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) return url;
        lastError = `GET /v1/balance answered ${response.status}`;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    await sleep(100);
  }
  throw new Error(`stripe-mock: did not answer within the startup timeout (${lastError})`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function secondsSince(startedAt: number): string {
  return ((Date.now() - startedAt) / 1000).toFixed(1);
}
