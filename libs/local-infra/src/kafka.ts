import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { findFreePort } from './free-port';
import { findJava, requireMaven, type JavaRuntime } from './host-tools';
import {
  fetchKafkaJars,
  KAFKA_LOG4J_CONFIG_PATH,
  kafkaJarCacheStatus,
  type KafkaDistribution,
} from './kafka-distribution';
import { logToStderr } from './log';
import { runCommand } from './run-command';
import { guardProcess, hasExited, stopChildProcess } from './process-guard';

export interface KafkaBroker {
  /** Bootstrap servers, e.g. `['127.0.0.1:39092']`. */
  readonly brokers: string[];
  /** Broker log (WARN and above, plus JVM output); removed with a temporary data dir. */
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Keep broker data here across runs (ports are kept too). Default: a temporary dir, removed on stop. */
  dataDir?: string;
  /** PLAINTEXT listener port. Default: a free port. */
  port?: number;
  log?: (line: string) => void;
  startupTimeoutMs?: number;
}

export interface KafkaListenerPorts {
  broker: number;
  controller: number;
}

// Small heap: one test broker with little data. G1 with short pauses, like kafka-server-start.sh.
// No C1-only JIT (TieredStopAtLevel=1): its startup gain was within noise here, and it would slow
// the broker down in benchmarks.
const BROKER_JVM_OPTIONS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-Djava.awt.headless=true',
];
// The storage tool runs for a second; a C1-only JIT and the serial collector start fastest.
const TOOL_JVM_OPTIONS = [
  '-Xmx256m',
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Djava.awt.headless=true',
];
const DEFAULT_STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const PORT_ATTEMPTS = 3;
const LOG_TAIL_LINES = 40;
const READINESS_CLIENT_ID = 'clement-local-infra-readiness';

/** Starts a single-node KRaft broker (broker and controller in one JVM) from the cached jars. */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const log = options.log ?? logToStderr;
  const startedAt = Date.now();
  const java = findJava();
  const distribution = await fetchKafkaJars({ log });
  const persistent = options.dataDir !== undefined;
  const dataDir =
    options.dataDir !== undefined
      ? resolve(options.dataDir)
      : await mkdtemp(join(tmpdir(), 'clement-kafka-'));
  const deadline = startedAt + (options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);

  try {
    for (let attempt = 1; ; attempt++) {
      const storage = await prepareStorage({
        dataDir,
        requestedPort: options.port,
        java,
        distribution,
      });
      try {
        const broker = await launchBroker({
          java,
          distribution,
          storage,
          persistent,
          deadline,
          log,
        });
        log(`kafka: ready on ${broker.brokers[0]} in ${secondsSince(startedAt)}s`);
        return broker;
      } catch (error) {
        const mayRetry = storage.fresh && options.port === undefined && attempt < PORT_ATTEMPTS;
        if (!(error instanceof PortTakenError) || !mayRetry) throw error;
        log('kafka: a port was taken by another process meanwhile; retrying with new ports');
        await rm(dataDir, { recursive: true, force: true });
        await mkdir(dataDir, { recursive: true });
      }
    }
  } catch (error) {
    if (!persistent) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Fails fast, before anything is started, when this machine cannot run the local broker: no Java
 * 17+, or jars still to fetch and no Maven.
 */
export function checkKafkaPrerequisites(env: NodeJS.ProcessEnv = process.env): void {
  findJava(env);
  const jarCache = kafkaJarCacheStatus(env);
  if (!jarCache.complete) requireMaven(jarCache.libsDir);
}

/** The broker configuration: one node that is both broker and KRaft controller, on 127.0.0.1. */
export function kafkaServerProperties(ports: KafkaListenerPorts, logDir: string): string {
  const broker = `127.0.0.1:${ports.broker}`;
  const controller = `127.0.0.1:${ports.controller}`;
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    listeners: `PLAINTEXT://${broker},CONTROLLER://${controller}`,
    'advertised.listeners': `PLAINTEXT://${broker},CONTROLLER://${controller}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.bootstrap.servers': controller,
    'log.dirs': logDir,
    'num.partitions': 1,
    'auto.create.topics.enable': false,
    // A single node can only hold one replica of the internal topics.
    'offsets.topic.replication.factor': 1,
    // One broker gains nothing from 50 partitions; creating them costs about a second.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Tests create fresh consumer groups all the time; do not wait 3s for more members.
    'group.initial.rebalance.delay.ms': 0,
    // Sized for a laptop or a 2-core CI machine shared with PostgreSQL and the services:
    // the defaults (3 network, 8 I/O threads) mostly add context switches there.
    'num.network.threads': 2,
    'num.io.threads': 2,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** Reads the listener ports back from a server.properties written by kafkaServerProperties. */
export function parseListenerPorts(serverProperties: string): KafkaListenerPorts | undefined {
  const listeners = /^listeners=(.*)$/m.exec(serverProperties)?.[1] ?? '';
  const broker = /PLAINTEXT:\/\/[^,]*:(\d+)/.exec(listeners)?.[1];
  const controller = /CONTROLLER:\/\/[^,]*:(\d+)/.exec(listeners)?.[1];
  if (broker === undefined || controller === undefined) return undefined;
  return { broker: Number(broker), controller: Number(controller) };
}

/** A random cluster id in Kafka's format: 16 bytes, base64url without padding (22 characters). */
export function generateClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    // Kafka never issues ids starting with '-': they read as command-line flags.
    if (!id.startsWith('-')) return id;
  }
}

interface PreparedStorage {
  dataDir: string;
  ports: KafkaListenerPorts;
  propertiesFile: string;
  logFile: string;
  /** Created by this call (so it may be wiped and recreated with other ports). */
  fresh: boolean;
}

async function prepareStorage(input: {
  dataDir: string;
  requestedPort: number | undefined;
  java: JavaRuntime;
  distribution: KafkaDistribution;
}): Promise<PreparedStorage> {
  const { dataDir, requestedPort } = input;
  const propertiesFile = join(dataDir, 'server.properties');
  const logFile = join(dataDir, 'kafka.log');
  const logDir = join(dataDir, 'data');
  await mkdir(dataDir, { recursive: true });

  if (existsSync(join(logDir, 'meta.properties')) && existsSync(propertiesFile)) {
    const ports = parseListenerPorts(await readFile(propertiesFile, 'utf8'));
    if (!ports) throw new Error(`kafka: cannot read the listener ports from ${propertiesFile}`);
    if (requestedPort !== undefined && requestedPort !== ports.broker) {
      throw new Error(
        `kafka: ${dataDir} holds a broker that listens on port ${ports.broker}, not ${requestedPort}; ` +
          `omit the port or use another data dir`,
      );
    }
    return { dataDir, ports, propertiesFile, logFile, fresh: false };
  }

  const broker = requestedPort ?? (await findFreePort());
  let controller = await findFreePort();
  while (controller === broker) controller = await findFreePort();
  const ports = { broker, controller };
  await rm(logDir, { recursive: true, force: true });
  await writeFile(propertiesFile, kafkaServerProperties(ports, logDir));
  await formatStorage(input.java, input.distribution, propertiesFile, logFile);
  return { dataDir, ports, propertiesFile, logFile, fresh: true };
}

/** Another process bound one of our freshly chosen ports before the broker did. */
class PortTakenError extends Error {}

async function launchBroker(input: {
  java: JavaRuntime;
  distribution: KafkaDistribution;
  storage: PreparedStorage;
  persistent: boolean;
  deadline: number;
  log: (line: string) => void;
}): Promise<KafkaBroker> {
  const { storage, persistent, log } = input;
  const { dataDir, logFile } = storage;
  const broker = `127.0.0.1:${storage.ports.broker}`;
  const child = spawnBroker(input.java, input.distribution, storage);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopChildProcess(child, 'SIGTERM', STOP_TIMEOUT_MS);
      guard.release();
      if (!persistent) await rm(dataDir, { recursive: true, force: true });
    })());
  const guard = guardProcess({
    pid: child.pid,
    stopSignal: 'SIGTERM',
    graceMs: STOP_TIMEOUT_MS,
    removeDir: persistent ? undefined : dataDir,
    server: {
      stop,
      signalNow: () => {
        if (!hasExited(child)) child.kill('SIGTERM');
      },
    },
  });

  try {
    await waitUntilBrokerAnswers(broker, child, logFile, input.deadline);
  } catch (error) {
    await stopChildProcess(child, 'SIGKILL', STOP_TIMEOUT_MS);
    guard.release();
    if (/Address already in use/.test(await readLogTail(logFile))) {
      throw new PortTakenError((error as Error).message);
    }
    throw error;
  }
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`kafka: broker exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
    }
  });
  return { brokers: [broker], logFile, stop: () => stop().then(() => log('kafka: stopped')) };
}

function formatStorage(
  java: JavaRuntime,
  distribution: KafkaDistribution,
  propertiesFile: string,
  logFile: string,
): Promise<void> {
  const args = [
    ...TOOL_JVM_OPTIONS,
    ...loggingOptions(logFile),
    '-cp',
    distribution.classpath,
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '--cluster-id',
    generateClusterId(),
    '--config',
    propertiesFile,
  ];
  return runCommand(java.command, args, {
    cwd: dirname(propertiesFile),
    describeFailure: (code) => `kafka: formatting the storage failed (exit code ${code})`,
  });
}

function spawnBroker(
  java: JavaRuntime,
  distribution: KafkaDistribution,
  storage: PreparedStorage,
): ChildProcess & { pid: number } {
  const { logFile } = storage;
  // JVM stdout/stderr (crash reports, early errors) go to the same file as log4j, by O_APPEND.
  const output = openSync(logFile, 'a');
  try {
    const child = spawn(
      java.command,
      [
        ...BROKER_JVM_OPTIONS,
        ...loggingOptions(logFile),
        '-cp',
        distribution.classpath,
        'kafka.Kafka',
        storage.propertiesFile,
      ],
      // Same process group as Node: Ctrl-C in a terminal reaches the broker too.
      { cwd: storage.dataDir, stdio: ['ignore', output, output], detached: false },
    );
    if (child.pid === undefined) {
      throw new Error(`kafka: could not start \`${java.command}\` (no process was created)`);
    }
    // Stopping is explicit (stop(), exit handlers); the child alone must not keep Node running.
    child.unref();
    return child as ChildProcess & { pid: number };
  } finally {
    closeSync(output);
  }
}

function loggingOptions(logFile: string): string[] {
  return [
    `-Dlog4j2.configurationFile=${KAFKA_LOG4J_CONFIG_PATH}`,
    `-Dclement.kafka.logFile=${logFile}`,
  ];
}

async function waitUntilBrokerAnswers(
  broker: string,
  child: ChildProcess,
  logFile: string,
  deadline: number,
): Promise<void> {
  const kafka = new Kafka({
    clientId: READINESS_CLIENT_ID,
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  let lastError: unknown;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  while (Date.now() < deadline) {
    if (spawnError || hasExited(child)) {
      const reason = spawnError?.message ?? `exit ${child.signalCode ?? `code ${child.exitCode}`}`;
      throw new Error(
        `kafka: broker process ended during startup (${reason}). Last lines of the broker log:\n` +
          (await readLogTail(logFile)),
      );
    }
    try {
      await probeBroker(kafka);
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(200);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(
    `kafka: broker on ${broker} did not answer within the startup timeout (last error: ${reason}). ` +
      `Last lines of the broker log:\n${await readLogTail(logFile)}`,
  );
}

async function probeBroker(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    // A real request: the broker is up, has elected its controller and serves metadata.
    await admin.describeCluster();
    // The first group lookup creates __consumer_offsets. Done here, the first test's consumer
    // does not crash-loop on "coordinator not available" while it happens.
    await admin.describeGroups([READINESS_CLIENT_ID]);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  // Likewise, the first transactional producer creates __transaction_state.
  const producer = kafka.producer({
    transactionalId: READINESS_CLIENT_ID,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 5 },
  });
  try {
    await producer.connect();
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** The last lines of the broker log, without Java stack frames (they crowd out the messages). */
async function readLogTail(logFile: string): Promise<string> {
  const file = await open(logFile, 'r').catch(() => undefined);
  if (!file) return '(no log file)';
  try {
    const { size } = await file.stat();
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const lines = buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^\s+(at |\.\.\. \d+ more)/.test(line))
      .slice(-LOG_TAIL_LINES);
    return lines.length > 0 ? lines.join('\n') : '(log is empty)';
  } finally {
    await file.close();
  }
}

function secondsSince(startedAt: number): string {
  return ((Date.now() - startedAt) / 1000).toFixed(1);
}
