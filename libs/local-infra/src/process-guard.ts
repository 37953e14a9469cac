import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** A server process this Node process started and must not leave behind. */
export interface GuardedServer {
  /** Graceful, asynchronous stop (the same as the handle's stop()). */
  stop(): Promise<void>;
  /** Synchronous last-moment signal, for when Node is already exiting. */
  signalNow(): void;
}

export interface ProcessGuardOptions {
  pid: number;
  /** Signal that asks the server to shut down cleanly (Kafka: SIGTERM, PostgreSQL: SIGINT). */
  stopSignal: NodeJS.Signals;
  /** How long the watchdog waits after stopSignal before SIGKILL. */
  graceMs: number;
  /** Directory the watchdog removes once the server is gone (temporary data only). */
  removeDir?: string;
  server: GuardedServer;
}

export interface ProcessGuard {
  /** Call once the server has been stopped normally. */
  release(): void;
}

const HANDLED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// Runs detached from the terminal, so Ctrl-C does not reach it. Its stdin is a pipe from this Node
// process; the kernel closes that pipe whenever Node exits, including on SIGKILL or a crash, and
// `read` then returns. Only then does it stop the server and remove its temporary data.
const WATCHDOG_SCRIPT = [
  'pid="$1"; signal="$2"; tenths="$3"; dir="$4"',
  'while read -r _; do :; done',
  'kill -s "$signal" "$pid" 2>/dev/null',
  'while [ "$tenths" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; tenths=$((tenths - 1)); done',
  'kill -s KILL "$pid" 2>/dev/null',
  'if [ -n "$dir" ]; then rm -rf "$dir"; fi',
].join('\n');

const guarded = new Set<GuardedServer>();

/**
 * Makes sure a started server dies with this Node process: on normal exit, on SIGINT/SIGTERM/SIGHUP
 * and, through an external watchdog, even when Node is killed outright.
 */
export function guardProcess(options: ProcessGuardOptions): ProcessGuard {
  const watchdog = startWatchdog(options);
  guarded.add(options.server);
  installHandlers();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      watchdog.kill('SIGKILL');
      watchdog.stdin?.destroy();
      guarded.delete(options.server);
      if (guarded.size === 0) uninstallHandlers();
    },
  };
}

/** Sends `signal`, waits up to `timeoutMs` for the process to exit, then SIGKILLs it. */
export async function stopChildProcess(
  child: ChildProcess,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** True while a process with this pid exists (and we may signal it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startWatchdog(options: ProcessGuardOptions): ChildProcess {
  const watchdog = spawn(
    'sh',
    [
      '-c',
      WATCHDOG_SCRIPT,
      'clement-watchdog',
      String(options.pid),
      options.stopSignal.replace(/^SIG/, ''),
      String(Math.ceil(options.graceMs / 100)),
      options.removeDir ?? '',
    ],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  // The watchdog must never keep the event loop (a CLI, jest) alive by itself.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}

function installHandlers(): void {
  if (!process.listeners('exit').includes(onExit)) process.on('exit', onExit);
  for (const signal of HANDLED_SIGNALS) {
    if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
  }
}

function uninstallHandlers(): void {
  process.removeListener('exit', onExit);
  for (const signal of HANDLED_SIGNALS) process.removeListener(signal, onSignal);
}

function onExit(): void {
  for (const server of guarded) server.signalNow();
}

function onSignal(signal: NodeJS.Signals): void {
  // When the host listens too (the CLI does), it owns shutdown and calls stop() itself.
  if (process.listenerCount(signal) > 1) return;
  // Back to the default action, so a second Ctrl-C ends Node at once (the watchdogs still clean up).
  for (const handled of HANDLED_SIGNALS) process.removeListener(handled, onSignal);
  void Promise.allSettled([...guarded].map((server) => server.stop())).then(() => {
    process.kill(process.pid, signal);
  });
}
