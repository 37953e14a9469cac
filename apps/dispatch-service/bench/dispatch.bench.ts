/**
 * dispatch-service throughput and pacing benchmark (a command, not a test): npm run bench:dispatch
 *
 * Everything real and in processes: Kafka and PostgreSQL (ensureInfrastructure), case-service and
 * the provider simulator (SendingPlatform), dispatch-service from its main.ts. Prints, from one run:
 *  1. the raw Twilio SDK against the simulator (the baseline): N creates, 32 at a time, msg/s;
 *  2. dispatch-service without a rate limit: N SendMessage commands (one SMS per debtor) from
 *     publish to N messages created at the simulator, and to N MessageSent events; ratio to 1.;
 *  3. pacing: dispatch restarted with the tenant's SMS sender at BENCH_RATE/s, burst BENCH_BURST, and
 *     BENCH_RATE × 15 commands; the achieved rate from the simulator's request times, accuracy,
 *     and the most requests in any 1-second window (must be ≤ rate + burst).
 * Env: BENCH_DEBTORS (2000) = N, BENCH_RATE (20), BENCH_BURST (1); what-if: BENCH_POLL_INTERVAL_MS
 * (the service's 250); BENCH_CPU_PROF=<dir> writes a CPU profile of dispatch. KAFKA_BROKERS /
 * DATABASE_URL if set.
 * dispatch runs with DISPATCH_SEND_CONCURRENCY 32 and DISPATCH_BATCH_SIZE 500; its timing knobs
 * are the service's defaults, not the integration tests' short ones.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import { ensureInfrastructure } from '@clement/local-infra';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testTenantsJson } from '../src/__fixtures__/dispatch-test-env';
import { type PlacedDebtor, SendingPlatform } from '../src/__fixtures__/sending-platform';
import { createTwilioGateway } from '../src/providers';

// SendingPlatform starts its processes with @clement/testing's startServiceProcess, which checks
// their output with Jest's global `expect`; outside Jest, the two matchers it uses stand in.
(globalThis as { expect?: unknown }).expect ??= (actual: unknown) => ({
  toContain(expected: string): void {
    if (typeof actual !== 'string' || !actual.includes(expected))
      throw new Error(`expected output to contain ${JSON.stringify(expected)}`);
  },
});

const DEBTORS = Number(process.env['BENCH_DEBTORS'] ?? 2_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 20);
const BURST = Number(process.env['BENCH_BURST'] ?? 1);
const PACED_SECONDS = 15;
const CONCURRENCY = 32;
const BATCH_SIZE = 500;
const SMS_FROM = '+447700900001';
const MESSAGE_SENT = 'clement.dispatch.v1.MessageSent';
const DISPATCH_MAIN = join(__dirname, '..', 'src', 'main.ts');
const REPO_ROOT = join(__dirname, '..', '..', '..');
// The service's defaults (config.ts), in place of SendingPlatform's short test settings.
const SERVICE_TIMING = {
  DISPATCH_POLL_INTERVAL_MS: process.env['BENCH_POLL_INTERVAL_MS'] ?? '250',
  DISPATCH_RETRY_BASE_MS: '1000',
  DISPATCH_RETRY_CAP_MS: '300000',
  DISPATCH_RECONCILE_DELAY_MS: '30000',
  PROVIDER_TIMEOUT_MS: '10000',
  DISPATCH_LEASE_MS: '60000',
};

interface SimStats {
  requests: Record<string, number>;
  created: Record<string, number>;
  requestTimes: number[];
}

interface Context {
  platform: SendingPlatform;
  databaseUrl: string;
  kafkaBrokers: string;
  schema: string;
  debtors: PlacedDebtor[];
  /** MessageSent events of the platform's tenant seen so far, and when each arrived. */
  sentEvents: number[];
}

async function main(): Promise<void> {
  const load = loadavg()[0].toFixed(2);
  const infra = await ensureInfrastructure({ postgresSettings: { max_connections: 200 } });
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  let platform: SendingPlatform | undefined;
  let dispatch: DispatchProcess | undefined;
  let events: Kafka | undefined;
  let stopEvents: (() => Promise<void>) | undefined;
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.version}; load average ${load} before the run`,
    );
    console.log(
      `infrastructure: Kafka ${infra.started.kafka ? 'started by the bench' : 'from KAFKA_BROKERS'}, ` +
        `PostgreSQL ${infra.started.postgres ? 'started by the bench' : 'from DATABASE_URL'}; ` +
        `case-service, provider-sim and dispatch-service as processes, all on these ${cpus().length} cores`,
    );
    platform = await new SendingPlatform().start();
    const context: Context = {
      platform,
      databaseUrl: infra.databaseUrl,
      kafkaBrokers: infra.kafkaBrokers.join(','),
      schema: `bench_dispatch_${randomUUID().replace(/-/g, '').slice(0, 8)}`,
      debtors: [],
      sentEvents: [],
    };

    dispatch = await startDispatch(context, testTenantsJson(platform.tenant));
    const placing = performance.now();
    context.debtors = await platform.placeDebtors(DEBTORS);
    if (context.debtors.length < DEBTORS)
      throw new Error(`only ${context.debtors.length} of ${DEBTORS} debtors placed`);
    await waitForProjection(context);
    console.log(
      `set-up: ${fmt(DEBTORS)} debtors placed through the CRM topic and projected into dispatch's ` +
        `contact_points in ${seconds(performance.now() - placing)} s`,
    );

    events = new Kafka({
      clientId: 'bench-dispatch-events',
      brokers: infra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    stopEvents = await countMessageSent(events, context);

    // 1. The baseline: the Twilio SDK alone against the same simulator.
    const raw = await rawSdk(context);
    console.log(
      `1. raw Twilio SDK → simulator, ${fmt(DEBTORS)} creates, ${CONCURRENCY} in flight: ` +
        `${fmt(raw.perSecond)} msg/s (${seconds(raw.ms)} s) (baseline)`,
    );
    await platform.sim('/sim/reset', { method: 'POST' });

    // 2. dispatch-service, no rate limit.
    const flat = await throughput(context);
    console.log(
      `2. dispatch-service, no rate limit (send concurrency ${CONCURRENCY}, batch ${BATCH_SIZE}, ` +
        `poll every ${SERVICE_TIMING.DISPATCH_POLL_INTERVAL_MS} ms): ` +
        `${fmt(flat.createdPerSecond)} msg/s to ${fmt(DEBTORS)} created at the simulator ` +
        `(${seconds(flat.createdMs)} s from publish), ${fmt(flat.sentPerSecond)} msg/s to ${fmt(DEBTORS)} ` +
        `MessageSent events (${seconds(flat.sentMs)} s)`,
    );
    console.log(
      `   first create request ${seconds(flat.firstRequestMs)} s after publish; ` +
        `${fmt(flat.steadyPerSecond)} msg/s between the first and the last create request`,
    );
    console.log(
      `   ratio dispatch ÷ raw SDK: ${(flat.createdPerSecond / raw.perSecond).toFixed(3)} ` +
        `(publish → created), ${(flat.steadyPerSecond / raw.perSecond).toFixed(3)} (first → last request)`,
    );
    console.log(`   ${flat.cpu}; commands published in ${seconds(flat.publishedMs)} s`);
    console.log(
      `   stages (dispatch's messages table, sampled every 0.5 s): all ${fmt(DEBTORS)} commands stored ` +
        `${seconds(flat.stages.storedMs)} s after publish, none pending (all decided) ` +
        `${seconds(flat.stages.decidedMs)} s, all created at the simulator ${seconds(flat.createdMs)} s`,
    );
    console.log(`   dispatch events: ${flat.eventCounts}; messages table: ${flat.statuses}`);

    // 3. Pacing: same schema, the tenant's senders now limited.
    await stopDispatch(dispatch);
    dispatch = await startDispatch(
      context,
      testTenantsJson(platform.tenant, { ratePerSecond: RATE, burst: BURST }),
    );
    await platform.sim('/sim/reset', { method: 'POST' });
    const paced = await pacing(context);
    console.log(
      `3. pacing at ${RATE}/s, burst ${BURST}: ${fmt(paced.requests)} create requests over ` +
        `${seconds(paced.spanMs)} s, achieved ${paced.achieved.toFixed(2)}/s, accuracy ` +
        `${paced.accuracy.toFixed(3)}; most requests in any 1 s window ${paced.maxWindow} ` +
        `(limit ${RATE + BURST}: ${paced.maxWindow <= RATE + BURST ? 'within ✔' : 'EXCEEDED ✘'})`,
    );
    if (paced.incomplete) console.log(`   ${paced.incomplete}`);
    console.log(
      `   gaps between requests: p50 ${paced.gaps.p50} ms, p99 ${paced.gaps.p99} ms, max ${paced.gaps.max} ms ` +
        `(ideal ${Math.round(1_000 / RATE)} ms); ` +
        `${fmt(paced.bursts)} bursts (requests < 100 ms apart), ${(paced.requests / paced.bursts).toFixed(1)} requests each on average`,
    );
    console.log(
      JSON.stringify({
        cpus: cpus().length,
        node: process.version,
        debtors: DEBTORS,
        rawSdkPerSecond: Math.round(raw.perSecond),
        dispatchCreatedPerSecond: Math.round(flat.createdPerSecond),
        dispatchSteadyPerSecond: Math.round(flat.steadyPerSecond),
        dispatchSentEventsPerSecond: Math.round(flat.sentPerSecond),
        storedMs: Math.round(flat.stages.storedMs),
        decidedMs: Math.round(flat.stages.decidedMs),
        createdMs: Math.round(flat.createdMs),
        ratioToRawSdk: Number((flat.createdPerSecond / raw.perSecond).toFixed(3)),
        pacing: {
          rate: RATE,
          burst: BURST,
          requests: paced.requests,
          achieved: Number(paced.achieved.toFixed(2)),
          accuracy: Number(paced.accuracy.toFixed(3)),
          maxInOneSecond: paced.maxWindow,
          bursts: paced.bursts,
          complete: paced.incomplete === undefined,
        },
      }),
    );
  } finally {
    await stopEvents?.().catch(() => undefined);
    if (dispatch) await stopDispatch(dispatch);
    platform?.stop();
    await infra.stop();
  }
}

// ---- dispatch-service ------------------------------------------------------------------------------

interface DispatchProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** dispatch-service's main.ts with tsx, as `nx serve` runs it; ready at `listening on port`. */
async function startDispatch(context: Context, tenantsJson: string): Promise<DispatchProcess> {
  const port = String(context.platform.dispatchPort);
  const child = spawn(
    process.execPath,
    [
      ...(process.env['BENCH_CPU_PROF']
        ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['BENCH_CPU_PROF']]
        : []),
      '--require',
      'tsx/cjs',
      DISPATCH_MAIN,
    ],
    {
      cwd: REPO_ROOT,
      env: dispatchEnv(context, tenantsJson),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  const listening = `listening on port ${port}`;
  await waitFor(
    async () => {
      if (gone) throw new Error(`dispatch-service exited:\n${lines.slice(-30).join('\n')}`);
      return lines.some((line) => line.includes(listening));
    },
    'dispatch-service to listen',
    60_000,
  );
  return { child, lines, exited };
}

/** SIGTERM and the service's graceful shutdown; SIGKILL after 15 s. */
async function stopDispatch(dispatch: DispatchProcess): Promise<void> {
  if (dispatch.child.exitCode !== null || dispatch.child.signalCode !== null) return;
  dispatch.child.kill('SIGTERM');
  const code = await Promise.race([dispatch.exited, sleep(15_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    dispatch.child.kill('SIGKILL');
    process.stderr.write('dispatch-service did not stop within 15 s of SIGTERM: killed\n');
  } else if (code !== 0) {
    process.stderr.write(
      `dispatch-service exited with ${code}:\n${dispatch.lines.slice(-20).join('\n')}\n`,
    );
  }
}

function dispatchEnv(context: Context, tenantsJson: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: context.databaseUrl,
    KAFKA_BROKERS: context.kafkaBrokers,
    DATABASE_SCHEMA: context.schema,
    PORT: String(context.platform.dispatchPort),
    HOST: '127.0.0.1',
    MIGRATE_ON_START: 'true',
    ...context.platform.dispatchEnv({
      ...SERVICE_TIMING,
      DISPATCH_TENANTS_JSON: tenantsJson,
      DISPATCH_SEND_CONCURRENCY: String(CONCURRENCY),
      DISPATCH_BATCH_SIZE: String(BATCH_SIZE),
    }),
  };
}

async function withDatabase<T>(context: Context, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: context.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Commands are judged against dispatch's projection: every debtor must be in it first. */
async function waitForProjection(context: Context): Promise<void> {
  await withDatabase(context, async (client) => {
    await waitFor(
      async () => {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(DISTINCT "debtor_id")::int AS n FROM "${context.schema}"."contact_points" WHERE "tenant_id" = $1`,
          [context.platform.tenant],
        );
        return (rows[0]?.n ?? 0) >= DEBTORS;
      },
      'debtors in dispatch contact_points',
      180_000,
    );
  });
}

/** Counts the tenant's MessageSent events as they arrive (a fresh group, from the beginning). */
async function countMessageSent(kafka: Kafka, context: Context): Promise<() => Promise<void>> {
  const consumer = kafka.consumer({
    groupId: `bench-dispatch-events-${randomUUID()}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topicCatalogue.dispatchEvents.name, fromBeginning: true });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const type = message.headers?.['ce_type']?.toString();
        const tenant = message.headers?.['ce_tenantid']?.toString();
        if (type === MESSAGE_SENT && tenant === context.platform.tenant)
          context.sentEvents.push(now);
      }
    },
  });
  await joined;
  return () => consumer.disconnect();
}

// ---- 1. the raw SDK --------------------------------------------------------------------------------

async function rawSdk(context: Context): Promise<{ perSecond: number; ms: number }> {
  const gateway = createTwilioGateway({
    accountSid: context.platform.secrets.twilioAccountSid,
    authToken: context.platform.secrets.twilioAuthToken,
    apiBaseUrl: context.platform.simUrl,
    timeoutMs: 10_000,
  });
  const body =
    'Acme Lending: there is an update on your account. See https://portal.acme-lending.example/l/' +
    'AbCdEfGhIjKlMnOpQrStUv. Reply STOP to opt out.';
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < DEBTORS; i = next++) {
        const outcome = await gateway.send({
          dispatchId: `raw-${i}`,
          tenantId: context.platform.tenant,
          channel: 'sms',
          to: context.debtors[i]?.phone ?? '',
          from: SMS_FROM,
          body,
        });
        if (outcome.kind !== 'accepted') failed++;
      }
    }),
  );
  const ms = performance.now() - started;
  if (failed > 0) throw new Error(`raw SDK: ${failed} of ${DEBTORS} creates not accepted`);
  return { perSecond: DEBTORS / (ms / 1_000), ms };
}

// ---- 2. throughput ---------------------------------------------------------------------------------

function command(debtor: PlacedDebtor) {
  return {
    dispatchId: `bench-${randomUUID()}`,
    caseId: debtor.caseId,
    debtorId: debtor.debtorId,
    channel: ContactChannel.SMS,
    purpose: dispatchV1.MessagePurpose.REMINDER,
    tone: dispatchV1.MessageTone.STANDARD,
    templateKey: 'reminder.first',
  };
}

async function throughput(context: Context) {
  const { platform } = context;
  const commands = context.debtors.map(command);
  context.sentEvents.length = 0;
  const cpu = cpuMeter();
  const wall = Date.now();
  const started = performance.now();
  await platform.sendCommands(commands, dispatchV1.SendMessageSchema);
  const published = performance.now() - started;
  let createdAt = 0;
  let stats: SimStats | undefined;
  // Stages from dispatch's messages table, sampled every 500 ms: every command stored (the
  // command consumer), none left pending (every one decided and recorded before its call).
  const stages = { storedMs: NaN, decidedMs: NaN };
  let sampledAt = 0;
  const database = new Client({ connectionString: context.databaseUrl });
  await database.connect();
  const sample = async (): Promise<void> => {
    if (!Number.isNaN(stages.decidedMs) || performance.now() - sampledAt < 500) return;
    sampledAt = performance.now();
    const { rows } = await database.query<{ stored: number; pending: number }>(
      `SELECT count(*)::int AS stored, count(*) FILTER (WHERE "status" = 'pending')::int AS pending
         FROM "${context.schema}"."messages" WHERE "tenant_id" = $1`,
      [platform.tenant],
    );
    const { stored = 0, pending = 0 } = rows[0] ?? {};
    if (Number.isNaN(stages.storedMs) && stored >= DEBTORS) stages.storedMs = sampledAt - started;
    if (stored >= DEBTORS && pending === 0) stages.decidedMs = sampledAt - started;
  };
  try {
    await waitFor(
      async () => {
        await sample();
        stats = await platform.sim<SimStats>('/sim/stats');
        if (createdAt === 0 && total(stats.created) >= DEBTORS) createdAt = performance.now();
        return createdAt > 0 && context.sentEvents.length >= DEBTORS;
      },
      `${fmt(DEBTORS)} created and MessageSent`,
      300_000,
      () =>
        `${fmt(total(stats?.created ?? {}))} created, ${fmt(context.sentEvents.length)} MessageSent`,
      async () => dispatchReport(context),
    );
  } finally {
    await database.end();
  }
  const usage = cpu.stop();
  const sentAt = context.sentEvents[DEBTORS - 1] ?? NaN;
  const times = stats?.requestTimes ?? [];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const createdMs = createdAt - started;
  const sentMs = sentAt - started;
  const report = await dispatchReport(context);
  return {
    createdMs,
    createdPerSecond: DEBTORS / (createdMs / 1_000),
    sentMs,
    sentPerSecond: DEBTORS / (sentMs / 1_000),
    firstRequestMs: first - wall,
    steadyPerSecond: (times.length - 1) / ((last - first) / 1_000),
    cpu: `CPU (cores, publish → all sent): ${usage}`,
    publishedMs: published,
    stages,
    ...report,
  };
}

/** The tenant's dispatch events by type, and dispatch's messages by status. */
async function dispatchReport(
  context: Context,
): Promise<{ eventCounts: string; statuses: string }> {
  const counts = new Map<string, number>();
  for (const event of await context.platform.dispatchEvents())
    counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  const statuses = await withDatabase(context, async (client) => {
    const { rows } = await client.query<{ status: string; n: number }>(
      `SELECT "status", count(*)::int AS n FROM "${context.schema}"."messages" GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((row) => `${row.status} ${fmt(row.n)}`).join(', ');
  });
  return {
    eventCounts: [...counts]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([type, n]) => `${type} ${fmt(n)}`)
      .join(', '),
    statuses,
  };
}

// ---- 3. pacing -------------------------------------------------------------------------------------

async function pacing(context: Context) {
  const { platform } = context;
  const count = RATE * PACED_SECONDS;
  const commands = Array.from({ length: count }, (_, i) =>
    command(context.debtors[i % context.debtors.length] as PlacedDebtor),
  );
  await platform.sendCommands(commands, dispatchV1.SendMessageSchema);
  let stats: SimStats | undefined;
  // Slower than a third of the rate is a finding, not a reason to stop: figures of what was sent.
  const timeoutMs = (PACED_SECONDS * 3 + 60) * 1_000;
  const started = performance.now();
  let incomplete: string | undefined;
  await waitFor(
    async () => {
      stats = await platform.sim<SimStats>('/sim/stats');
      return total(stats.created) >= count || performance.now() - started > timeoutMs;
    },
    `${fmt(count)} paced messages created`,
    timeoutMs + 10_000,
    () => `${fmt(total(stats?.created ?? {}))} of ${fmt(count)} created`,
  );
  if (total(stats?.created ?? {}) < count) {
    const report = await dispatchReport(context);
    incomplete =
      `INCOMPLETE: ${fmt(total(stats?.created ?? {}))} of ${fmt(count)} created after ` +
      `${seconds(timeoutMs)} s; dispatch events: ${report.eventCounts}; messages: ${report.statuses}`;
  }
  const times = [...(stats?.requestTimes ?? [])].sort((a, b) => a - b);
  const spanMs = (times[times.length - 1] ?? NaN) - (times[0] ?? NaN);
  const achieved = (times.length - 1) / (spanMs / 1_000);
  let maxWindow = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && (times[j] ?? 0) < (times[i] ?? 0) + 1_000) j++;
    maxWindow = Math.max(maxWindow, j - i);
  }
  const gaps = times.slice(1).map((time, i) => time - (times[i] ?? time));
  // Requests closer than 100 ms to the previous one belong to the same burst.
  const bursts = 1 + gaps.filter((gap) => gap >= 100).length;
  return {
    incomplete,
    bursts,
    requests: times.length,
    spanMs,
    achieved,
    accuracy: achieved / RATE,
    maxWindow,
    gaps: percentiles(gaps),
  };
}

// ---- helpers ---------------------------------------------------------------------------------------

const PROCESS_NAMES: [string, string][] = [
  ['dispatch-service/src/main.ts', 'dispatch-service'],
  ['case-service/src/main.ts', 'case-service'],
  ['provider-sim/src/main.ts', 'provider-sim'],
  ['dispatch.bench.ts', 'bench'],
  ['postgres', 'PostgreSQL'],
  ['java', 'Kafka'],
];

/** CPU ticks (user + system) of this process and its descendants, by what they run. */
function treeTicks(): Map<string, number> {
  const processes = new Map<number, { ppid: number; ticks: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state (3), ppid (4), … utime (14), stime (15).
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const name = PROCESS_NAMES.find(([needle]) => cmdline.includes(needle))?.[1] ?? 'bench';
      processes.set(Number(entry), {
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        name,
      });
    } catch {
      // The process ended meanwhile.
    }
  }
  const ticks = new Map<string, number>();
  for (const [pid, info] of processes) {
    let ancestor = pid;
    for (let hops = 0; hops < 32 && ancestor > 1 && ancestor !== process.pid; hops++)
      ancestor = processes.get(ancestor)?.ppid ?? 0;
    if (ancestor === process.pid) ticks.set(info.name, (ticks.get(info.name) ?? 0) + info.ticks);
  }
  return ticks;
}

function machineTicks(): { busy: number; all: number } | null {
  try {
    const values = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const all = values.reduce((a, b) => a + b, 0);
    return { busy: all - idle, all };
  } catch {
    return null;
  }
}

/** Cores used between start and stop by each of the bench's processes, and by the machine. */
function cpuMeter(): { stop(): string } {
  const ticksPerSecond = 100;
  const started = performance.now();
  const before = treeTicks();
  const machineBefore = machineTicks();
  return {
    stop() {
      const elapsed = (performance.now() - started) / 1_000;
      const after = treeTicks();
      const machineAfter = machineTicks();
      const cores = [...after]
        .map(([name, ticks]): [string, number] => [
          name,
          (ticks - (before.get(name) ?? 0)) / ticksPerSecond / elapsed,
        ])
        .filter(([, used]) => used >= 0.005)
        .sort((a, b) => b[1] - a[1]);
      const ours = cores.reduce((sum, [, used]) => sum + used, 0);
      const machine =
        machineBefore && machineAfter
          ? ((machineAfter.busy - machineBefore.busy) / (machineAfter.all - machineBefore.all)) *
            cpus().length
          : null;
      return (
        cores.map(([name, used]) => `${name} ${used.toFixed(2)}`).join(', ') +
        (machine === null
          ? ''
          : `; machine ${machine.toFixed(2)} of ${cpus().length} busy, ` +
            `${Math.max(0, machine - ours).toFixed(2)} of it other processes`)
      );
    },
  };
}

async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  progress?: () => string,
  onTimeout?: () => Promise<{ eventCounts: string; statuses: string }>,
): Promise<void> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    if (await condition()) return;
    const now = Date.now();
    if (now - started > timeoutMs) {
      const seen = onTimeout ? await onTimeout() : undefined;
      throw new Error(
        `gave up waiting for ${what} after ${Math.round(timeoutMs / 1_000)} s` +
          (progress ? `: ${progress()}` : '') +
          (seen ? `; dispatch events: ${seen.eventCounts}; messages: ${seen.statuses}` : ''),
      );
    }
    if (progress && now - reported >= 10_000) {
      reported = now;
      process.stderr.write(`  … ${progress()} after ${Math.round((now - started) / 1_000)} s\n`);
    }
    await sleep(100);
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1] ?? NaN) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seconds(ms: number): string {
  return (ms / 1_000).toFixed(1);
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
