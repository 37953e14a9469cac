/**
 * strategy-service timer and decision-latency benchmark (a command, not a test): npm run bench:strategy
 *
 * Real Kafka and PostgreSQL (ensureInfrastructure); strategy-service as a process from its main.ts
 * (the bench's producer and recorder run in this one). Two runs, each on a fresh schema:
 *   baseline: no other timers;  loaded: BENCH_PENDING (1,000,000) pending future timers first.
 * Each run prints:
 *  (a) fire rate: BENCH_DUE (20,000) journeys built with the real engine, inserted with timers in
 *      the far future, then made due in one UPDATE: timers fired per second until none is due;
 *  (b) decision latency: CasePlaced events paced at BENCH_RATE (1,000)/s for BENCH_SECONDS (10),
 *      each answered at once by a SendMessage; latency = its arrival on Kafka − the publish, p50/p99;
 *  and the plan of the due-timer claim (an index scan on due_at).
 * Env: BENCH_PENDING, BENCH_DUE, BENCH_RATE, BENCH_SECONDS, BENCH_RUNS (baseline,loaded);
 * BENCH_CPU_PROF=<dir> writes a CPU profile of the service; BENCH_PG_STATS=1 prints what
 * pg_stat_statements saw during (b); KAFKA_BROKERS / DATABASE_URL if set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { allTopicDefinitions, topicCatalogue } from '@clement/contracts';
import { ensureInfrastructure, findFreePort } from '@clement/local-infra';
import {
  createKafkajsPort,
  decodeRecord,
  type KafkaPort,
  provisionTopics,
} from '@clement/messaging';
import {
  applyEvent,
  type CaseJourney,
  type EngineContext,
  loadStrategy,
} from '@clement/strategy-engine';
import { createServiceDataSource, runMigrations } from '@clement/persistence';
import { mintToken } from '@clement/staff-api';
import type { DataSource } from 'typeorm';
import { placementRecords } from '../src/__fixtures__/it-strategy';
import { activateStrategy } from '../src/__fixtures__/strategy-service-harness';
import {
  killStrategyServiceProcess,
  type ServiceProcess,
  startStrategyServiceProcess,
} from '../src/__fixtures__/strategy-service-process';
import { StrategyTestPlatform } from '../src/__fixtures__/strategy-platform';
import { JOURNEY_EVENTS_GROUP } from '../src/journeys/journeys.module';
import { strategyServiceMigrations } from '../src/migrations';

const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

const PENDING = Number(process.env['BENCH_PENDING'] ?? 1_000_000);
const DUE = Number(process.env['BENCH_DUE'] ?? 20_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 1_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CPU_PROFILE_DIR = process.env['BENCH_CPU_PROF'];
const PG_STATS = process.env['BENCH_PG_STATS'] === '1';
/** Which runs, comma-separated (iterating on one is quicker). */
const RUNS = (process.env['BENCH_RUNS'] ?? 'baseline,loaded').split(',');
const DAY_MS = 86_400_000;
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Waits for 08:30 on any day, then sends: timers that fire into a SendMessage. */
const WAITING_STRATEGY = `
schemaVersion: 1
name: Bench wait then send
contactDays: [mon, tue, wed, thu, fri, sat, sun]
defaultTimeZone: Europe/Madrid
reactions: { vulnerability: { path: main } }
segments: [{ id: all, path: main }]
paths:
  main:
    steps:
      - { id: window, wait: { untilLocalTime: "08:30" } }
      - { id: remind, send: { channels: [sms, email], template: reminder.first, purpose: reminder } }
      - { id: rest, wait: { for: P30D } }
      - { id: done, end: {} }
`;

/** Sends on placement: the decision latency from event to command. */
const IMMEDIATE_STRATEGY = `
schemaVersion: 1
name: Bench send at once
contactDays: [mon, tue, wed, thu, fri, sat, sun]
defaultTimeZone: Europe/Madrid
reactions: { vulnerability: { path: main } }
segments: [{ id: all, path: main }]
paths:
  main:
    steps:
      - { id: remind, send: { channels: [sms, email], template: reminder.first, purpose: reminder } }
      - { id: rest, wait: { for: P30D } }
      - { id: done, end: {} }
`;

interface RunResult {
  label: string;
  pending: number;
  firePerSecond: number;
  fireSeconds: number;
  latency: {
    count: number;
    p50: number;
    p99: number;
    max: number;
    achievedRate: number;
    /** The same split: publish → decided (consumer), → relayed (commit + relay), → arrived. */
    stages: string;
  };
  plan: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function count(db: DataSource, sql: string, params: unknown[] = []) {
  const rows = (await db.query(sql, params)) as { n: string }[];
  return Number(rows[0].n);
}

async function committedTransactions(db: DataSource): Promise<number> {
  return count(
    db,
    `SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
}

/** What the service ran during the latency phase (BENCH_PG_STATS=1), per placement. */
async function printStatementStats(db: DataSource, placements: number): Promise<void> {
  const rows = (await db.query(
    `SELECT calls, total_exec_time AS ms, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q
     FROM public.pg_stat_statements WHERE query NOT LIKE '%pg_stat%' ORDER BY calls DESC LIMIT 25`,
  )) as { calls: string; ms: number; rows: string; q: string }[];
  let calls = 0;
  for (const row of rows) calls += Number(row.calls);
  console.log(`      statements: ${calls} (${(calls / placements).toFixed(2)} per placement)`);
  for (const row of rows) {
    console.log(
      `      ${String(row.calls).padStart(7)} calls ${row.ms.toFixed(0).padStart(6)} ms ` +
        `${String(row.rows).padStart(7)} rows  ${row.q}`,
    );
  }
}

async function insertPendingTimers(db: DataSource, schema: string) {
  if (PENDING === 0) return;
  const started = Date.now();
  // Spread over 30 days from a week ahead: none falls due during the run.
  await db.query(
    `INSERT INTO "${schema}"."timers" ("tenant_id", "case_id", "due_at")
     SELECT 'bench-pending', 'case-' || g, now() + interval '7 days' + (g % 2592000) * interval '1 second'
     FROM generate_series(1, $1::int) AS g`,
    [PENDING],
  );
  await db.query(`ANALYZE "${schema}"."timers"`);
  console.log(
    `  ${PENDING} pending timers inserted in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** Journeys as the engine leaves them after placement (all due), their timers parked far ahead. */
async function insertDueJourneys(
  db: DataSource,
  schema: string,
  tenantId: string,
  version: number,
) {
  const strategy = loadStrategy(WAITING_STRATEGY, { strategyId: 'bench-wait', version });
  const placedAt = Date.now() - 3 * DAY_MS;
  const journeys: CaseJourney[] = [];
  for (let i = 0; i < DUE; i++) {
    const subject = { tenantId, caseId: `case-${i}`, debtorId: `debtor-${i}` };
    const ctx: EngineContext = {
      now: placedAt,
      active: { champion: strategy },
      version: () => strategy,
      subject,
    };
    const known = applyEvent(
      undefined,
      {
        type: 'contact_points_changed',
        at: placedAt,
        channels: ['sms', 'email'],
        timeZones: ['Europe/Madrid'],
      },
      ctx,
    );
    const placed = applyEvent(
      known.journey,
      {
        type: 'case_placed',
        at: placedAt,
        ...subject,
        balanceMinor: 42_000,
        currency: 'EUR',
        daysPastDue: 20,
        productTypes: ['credit_card'],
      },
      ctx,
    );
    if (!placed.journey?.wakeAt || placed.journey.wakeAt > Date.now()) {
      throw new Error('a bench journey is not due');
    }
    journeys.push(placed.journey);
  }
  for (let start = 0; start < journeys.length; start += 5_000) {
    const slice = journeys.slice(start, start + 5_000);
    await db.query(
      `INSERT INTO "${schema}"."journeys"
         ("tenant_id", "case_id", "debtor_id", "status", "strategy_id", "version", "arm", "state")
       SELECT $1, c, d, 'waiting', 'bench-wait', $2, 'champion', s::jsonb
       FROM unnest($3::text[], $4::text[], $5::text[]) AS u(c, d, s)`,
      [
        tenantId,
        version,
        slice.map((j) => j.caseId),
        slice.map((j) => j.debtorId),
        slice.map((j) => JSON.stringify(j)),
      ],
    );
    await db.query(
      `INSERT INTO "${schema}"."timers" ("tenant_id", "case_id", "due_at")
       SELECT $1, c, $3 FROM unnest($2::text[]) AS u(c)`,
      [tenantId, slice.map((j) => j.caseId), FAR_FUTURE],
    );
  }
  await db.query(`ANALYZE "${schema}"."timers"`);
}

/**
 * The test platform without its recorder: that one decodes every command and decision of the
 * tenant in this process, on the event loop that timestamps arrivals.
 */
async function publishingPlatform(): Promise<StrategyTestPlatform> {
  const platform = new StrategyTestPlatform();
  platform.kafka = createKafkajsPort({
    clientId: `strategy-bench-${platform.tenant}`,
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  });
  const admin = await platform.kafka.admin();
  await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
  return platform;
}

/**
 * Waits until the service has relayed its outbox and its journey consumer has no lag, so one
 * phase's backlog is not measured as the next one's latency.
 */
async function settle(db: DataSource, schema: string, kafka: KafkaPort): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (
    Date.now() < deadline &&
    (await count(db, `SELECT count(*) AS n FROM "${schema}"."outbox"`)) > 0
  ) {
    await sleep(100);
  }
  const admin = await kafka.admin();
  try {
    const topics = [topicCatalogue.caseEvents.name, topicCatalogue.strategyEvents.name];
    for (;;) {
      let lag = 0;
      for (const topic of topics) {
        const committed = new Map(
          (await admin.groupOffsets(JOURNEY_EVENTS_GROUP, topic)).map((p) => [
            p.partition,
            Number(p.offset),
          ]),
        );
        for (const { partition, high } of await admin.topicOffsets(topic)) {
          lag += Math.max(0, Number(high) - Math.max(0, committed.get(partition) ?? 0));
        }
      }
      if (lag === 0 || Date.now() > deadline) break;
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

/** CPU time (user + system, ms) a process used so far; 0 where /proc is not there. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The machine's CPU ticks so far, busy and in all (all cores). */
function machineTicks(): { busy: number; total: number } {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const ticks = values.map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: total - ticks[3] - ticks[4], total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** The CPU used by the service and by its PostgreSQL backends (same machine). */
async function serviceCpuMs(db: DataSource, servicePid: number | undefined) {
  const backends = (await db.query(
    `SELECT pid FROM pg_stat_activity WHERE application_name = 'strategy-service'`,
  )) as { pid: number }[];
  return {
    service: cpuMsOf(servicePid),
    postgres: backends.reduce((sum, { pid }) => sum + cpuMsOf(pid), 0),
  };
}

async function measureLatency(
  db: DataSource,
  schema: string,
  platform: StrategyTestPlatform,
  servicePid: number | undefined,
): Promise<RunResult['latency']> {
  const total = RATE * SECONDS;
  const ids = Array.from({ length: total }, (_, i) => `${schema}-${i}`);
  // Contact points first (not measured): each placement then sends at once.
  const contacts = ids.flatMap((id) =>
    placementRecords(platform, `d-${id}`, `c-${id}`, Date.now()).slice(0, 1),
  );
  await platform.publishAll(contacts);
  while (
    (await count(
      db,
      `SELECT count(*) AS n FROM "${schema}"."debtor_facts" WHERE "tenant_id" = $1`,
      [platform.tenant],
    )) < total
  ) {
    await sleep(200);
  }
  await settle(db, schema, platform.kafka);
  const publishedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const decidedAt = new Map<string, number>();
  const relayedAt = new Map<string, number>();
  const recorder = platform.kafka.consumer({
    groupId: `bench-latency-${randomUUID()}`,
    topics: [topicCatalogue.dispatchCommands.name],
    fromBeginning: true,
  });
  void recorder.run(async (batch) => {
    const now = Date.now();
    for (const record of batch.records) {
      batch.markProcessed(record.offset);
      if (record.headers['ce_tenantid'] !== platform.tenant) continue;
      const event = decodeRecord(topicCatalogue.dispatchCommands, record);
      const caseId = (event.message as { caseId?: string }).caseId;
      if (caseId && !arrivedAt.has(caseId)) {
        arrivedAt.set(caseId, now);
        // ce_time of a command is the engine's clock when it decided; the record's timestamp is
        // when the relay published it.
        decidedAt.set(caseId, Date.parse(event.envelope.time));
        relayedAt.set(caseId, Number(record.timestamp));
      }
    }
  });
  await sleep(3_000); // the recorder joins its group
  const producer = platform.kafka.producer();
  await producer.connect();
  if (PG_STATS) {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public');
    await db.query('SELECT public.pg_stat_statements_reset()');
  }
  const xactsBefore = await committedTransactions(db);
  const cpuBefore = await serviceCpuMs(db, servicePid);
  const machineBefore = machineTicks();
  const started = Date.now();
  // Paced in 10 ms slices: RATE/100 placements each.
  const perSlice = Math.max(1, Math.round(RATE / 100));
  for (let i = 0, slice = 0; i < total; i += perSlice, slice++) {
    const due = started + slice * 10;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const chunk = ids.slice(i, i + perSlice);
    const records = chunk.map(
      (id) => placementRecords(platform, `d-${id}`, `c-${id}`, Date.now())[1],
    );
    const sentAt = Date.now();
    await producer.send(records);
    for (const id of chunk) publishedAt.set(`c-${id}`, sentAt);
  }
  const achievedRate = total / ((Date.now() - started) / 1000);
  await producer.disconnect();
  const deadline = Date.now() + 120_000;
  while (arrivedAt.size < total && Date.now() < deadline) await sleep(200);
  await recorder.disconnect();
  const xacts = (await committedTransactions(db)) - xactsBefore;
  const cpuAfter = await serviceCpuMs(db, servicePid);
  const machineAfter = machineTicks();
  const machineBusy =
    (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total || 1);
  const perPlacement = (ms: number) => (ms / total).toFixed(2);
  // CPU per placement does not depend on what else runs on the machine; latency does.
  console.log(
    `      CPU per placement: service ${perPlacement(cpuAfter.service - cpuBefore.service)} ms, ` +
      `its PostgreSQL backends ${perPlacement(cpuAfter.postgres - cpuBefore.postgres)} ms; ` +
      `${xacts} transactions committed (${(xacts / total).toFixed(2)} per placement); ` +
      `machine ${(100 * machineBusy).toFixed(0)}% busy (${cpus().length} CPUs, everything on it)`,
  );
  if (PG_STATS) await printStatementStats(db, total);
  const latencies = [...publishedAt]
    .flatMap(([caseId, at]) => {
      const arrived = arrivedAt.get(caseId);
      return arrived === undefined ? [] : [arrived - at];
    })
    .sort((a, b) => a - b);
  const split = (from: Map<string, number>, to: Map<string, number>) => {
    const values = [...to]
      .flatMap(([caseId, at]) => {
        const start = from.get(caseId);
        return start === undefined ? [] : [at - start];
      })
      .sort((a, b) => a - b);
    return `${percentile(values, 50)}/${percentile(values, 99)}`;
  };
  return {
    stages:
      `publish→decided ${split(publishedAt, decidedAt)}, decided→relayed ${split(decidedAt, relayedAt)}, ` +
      `relayed→arrived ${split(relayedAt, arrivedAt)} (p50/p99 ms)`,
    count: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    achievedRate,
  };
}

async function run(label: string, pending: number): Promise<RunResult> {
  const schema = `strategy_bench_${label}_${Date.now().toString(36)}`;
  console.log(`\n== ${label}: ${pending} pending timers (schema ${schema})`);
  const databaseUrl = process.env['DATABASE_URL'] ?? '';
  const db = createServiceDataSource({
    url: databaseUrl,
    schema,
    migrations: strategyServiceMigrations(schema),
    applicationName: 'strategy-bench',
  });
  await db.initialize();
  await runMigrations(db);
  const waiting = new StrategyTestPlatform();
  const immediate = await publishingPlatform();
  const jwtSecret = randomBytes(32).toString('hex');
  const port = await findFreePort();
  let service: ServiceProcess | undefined;
  try {
    if (pending > 0) await insertPendingTimers(db, schema);
    service = await startStrategyServiceProcess(
      {
        ...process.env,
        DATABASE_SCHEMA: schema,
        PORT: String(port),
        HOST: '127.0.0.1',
        // info: startServiceProcess waits for the "listening on port" line.
        LOG_LEVEL: 'info',
        AUTH_JWT_SECRET: jwtSecret,
      },
      CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [],
    );
    const api = {
      baseUrl: `http://127.0.0.1:${port}`,
      token: (tenantId: string, roles: string[]) =>
        mintToken(jwtSecret, { subject: 'strategy-bench', tenantId, roles }),
    };
    const waitVersion = await activateStrategy(api, waiting.tenant, 'bench-wait', WAITING_STRATEGY);
    await activateStrategy(api, immediate.tenant, 'bench-now', IMMEDIATE_STRATEGY);
    await insertDueJourneys(db, schema, waiting.tenant, waitVersion);
    const explained = (await db.query(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT "tenant_id", "case_id" FROM "${schema}"."timers"
       WHERE "due_at" <= $1 ORDER BY "due_at" LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [new Date()],
    )) as { 'QUERY PLAN': string }[];
    const plan = explained.map((row) => row['QUERY PLAN']).join('\n');

    // Every bench journey falls due at once; fired ones move 30 days ahead.
    const dueSql = `SELECT count(*) AS n FROM "${schema}"."timers" WHERE "tenant_id" = $1 AND "due_at" <= now()`;
    const fireStart = Date.now();
    await db.query(`UPDATE "${schema}"."timers" SET "due_at" = now() WHERE "tenant_id" = $1`, [
      waiting.tenant,
    ]);
    while ((await count(db, dueSql, [waiting.tenant])) > 0) await sleep(20);
    const fireSeconds = (Date.now() - fireStart) / 1000;
    const firePerSecond = DUE / fireSeconds;
    console.log(
      `  (a) ${DUE} due timers fired in ${fireSeconds.toFixed(2)} s: ${firePerSecond.toFixed(0)}/s`,
    );

    await settle(db, schema, immediate.kafka);
    const latency = await measureLatency(db, schema, immediate, service.child.pid);
    console.log(
      `  (b) ${latency.count} placements at ${latency.achievedRate.toFixed(0)}/s: ` +
        `p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms\n      ${latency.stages}`,
    );
    return { label, pending, firePerSecond, fireSeconds, latency, plan };
  } finally {
    if (CPU_PROFILE_DIR && service) {
      // A profile is written on a clean exit only.
      service.child.kill('SIGTERM');
      await service.exited;
    }
    killStrategyServiceProcess(service);
    await immediate.stop();
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const load = loadavg()[0].toFixed(2);
  const infra = await ensureInfrastructure({
    postgresSettings: {
      max_connections: 200,
      ...(PG_STATS ? { shared_preload_libraries: 'pg_stat_statements' } : {}),
    },
  });
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  try {
    console.log(
      `strategy-service bench: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
        `${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${load}; due ${DUE}, rate ${RATE}/s × ${SECONDS} s`,
    );
    const results: RunResult[] = [];
    if (RUNS.includes('baseline')) results.push(await run('baseline', 0));
    if (RUNS.includes('loaded')) results.push(await run('loaded', PENDING));
    console.log('\n== summary');
    console.log(
      '| run | pending timers | fire rate (timers/s) | p50 (ms) | p99 (ms) | max (ms) | events/s |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.label} | ${r.pending} | ${r.firePerSecond.toFixed(0)} | ${r.latency.p50} | ` +
          `${r.latency.p99} | ${r.latency.max} | ${r.latency.achievedRate.toFixed(0)} |`,
      );
    }
    const loaded = results.find((r) => r.label === 'loaded');
    if (loaded) console.log(`\nclaim plan with ${PENDING} pending timers:\n${loaded.plan}`);
  } finally {
    await infra.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
