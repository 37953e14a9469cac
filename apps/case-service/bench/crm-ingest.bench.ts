/**
 * CRM ingestion benchmark (a command, not a test): npm run bench:crm-ingest
 *
 * Prints, from one run on this machine:
 *  1. raw kafkajs consumption of the CRM backlog (the baseline), msg/s,
 *  2. CRM ingest throughput: the same backlog of DebtorUpserted + AccountPlaced events drained
 *     through case-service's real ingestion (CrmInboundConsumer → CrmIngestion → repositories,
 *     DebtorVault, CaseChangeWriter → outbox) on the messaging library's EventConsumer, with the
 *     counts that prove the work was done,
 *  3. latency (record produce time → handler done, and → commit) at a paced rate with the consumer
 *     and the outbox relay running,
 *  4. the goal line.
 * Env: BENCH_CRM_EVENTS (100000), BENCH_PACED_RATE (1000), BENCH_PACED_SECONDS (20);
 * BENCH_SQL_STATS=1 counts SQL statements per event type during the drain;
 * what-if knobs (defaults are the service's): BENCH_PARTITIONS_CONCURRENTLY (4), BENCH_POOL_SIZE (10);
 * BENCH_CPU_PROFILE=<file>.cpuprofile profiles this process during the drain.
 * Kafka and PostgreSQL come from ensureInfrastructure (KAFKA_BROKERS / DATABASE_URL if set).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { topicCatalogue } from '@clement/contracts';
import { ensureInfrastructure } from '@clement/local-infra';
import {
  createKafkajsPort,
  dlqTopicName,
  EventConsumer,
  type KafkaPort,
  MessagingMetrics,
  type MessagingLogger,
  OutboxRelay,
  provisionTopics,
  type TopicHandlers,
} from '@clement/messaging';
import { createServiceDataSource, runMigrations } from '@clement/persistence';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { CaseServiceConfig } from '../src/config';
import { caseServiceMigrations } from '../src/migrations';
import { benchCrmTopic, type CrmRecord, debtorRecords } from './crm-events';
import { wireCrmIngestion } from './crm-ingest-wiring';
import {
  CpuMeter,
  CpuProfiler,
  type CpuUse,
  ObservedHandlers,
  onCommit,
  SqlCounter,
} from './instruments';

const EVENTS = Number(process.env['BENCH_CRM_EVENTS'] ?? 100_000);
const PACED_RATE = Number(process.env['BENCH_PACED_RATE'] ?? 1_000);
const PACED_SECONDS = Number(process.env['BENCH_PACED_SECONDS'] ?? 20);
const SQL_STATS = Boolean(process.env['BENCH_SQL_STATS']);
const CPU_PROFILE = process.env['BENCH_CPU_PROFILE'];
const GOAL_PER_SECOND = 5_000;
const DEBTORS = Math.floor(EVENTS / 2);
const TENANT = 'bench-creditor';
const PRODUCE_BATCH = 1_000;
// The service's default, not a bench choice: config.ts CRM_INGEST_BATCH_SIZE.
const BATCH_SIZE = new CaseServiceConfig().CRM_INGEST_BATCH_SIZE;
// EventConsumer's default (CaseManagementModule does not set it) and pg's default pool (the
// service's DataSource sets none); the overrides are for what-if runs, not for the figures.
const PARTITIONS_CONCURRENTLY = Number(process.env['BENCH_PARTITIONS_CONCURRENTLY'] ?? 4);
const POOL_SIZE = process.env['BENCH_POOL_SIZE']
  ? Number(process.env['BENCH_POOL_SIZE'])
  : undefined;
const CASE_PLACED = 'clement.case.v1.CasePlaced';
const CONTACT_POINTS_CHANGED = 'clement.case.v1.ContactPointsChanged';

const stderrLogger: MessagingLogger = {
  info: () => undefined,
  warn: (fields, message) => process.stderr.write(`warn: ${message} ${JSON.stringify(fields)}\n`),
  error: (fields, message) => process.stderr.write(`error: ${message} ${JSON.stringify(fields)}\n`),
};

interface Context {
  readonly databaseUrl: string;
  readonly kafka: KafkaPort;
  readonly rawKafka: Kafka;
  readonly masterKeys: string;
}

async function main(): Promise<void> {
  const load = loadavg()[0].toFixed(2);
  const infra = await ensureInfrastructure({ postgresSettings: { max_connections: 100 } });
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.version}; load average ${load} before the run`,
    );
    console.log(
      `infrastructure: Kafka ${infra.started.kafka ? 'started by the bench' : 'from KAFKA_BROKERS'}, ` +
        `PostgreSQL ${infra.started.postgres ? 'started by the bench' : 'from DATABASE_URL'}` +
        (infra.started.kafka || infra.started.postgres
          ? ' (sharing these CPUs with the consumer)'
          : ''),
    );
    if (PARTITIONS_CONCURRENTLY !== 4 || POOL_SIZE !== undefined)
      console.log(
        `what-if run, not the service's settings: partitionsConsumedConcurrently ${PARTITIONS_CONCURRENTLY}, ` +
          `pool size ${POOL_SIZE ?? 10}`,
      );
    const context: Context = {
      databaseUrl: infra.databaseUrl,
      kafka: createKafkajsPort({
        clientId: 'bench-crm-ingest',
        brokers: infra.kafkaBrokers,
        // Warnings (e.g. kafkajs on the idempotent producer's retry limit) are the service's usual noise.
        onLog: (level, message) => {
          if (level === 'error') process.stderr.write(`kafka error: ${message}\n`);
        },
      }),
      rawKafka: new Kafka({
        clientId: 'bench-crm-raw',
        brokers: infra.kafkaBrokers,
        logLevel: logLevel.NOTHING,
      }),
      masterKeys: `bench-k1:${randomBytes(32).toString('base64')}`,
    };
    // The relay of the paced phase publishes case events there.
    await provision(context.kafka, [topicCatalogue.caseEvents]);

    const run = suffix();
    const topic = benchCrmTopic(`bench.inbound.crm-${run}.v1`);
    await provision(context.kafka, [topic]);
    const produceMs = await produceBacklog(context.rawKafka, topic.name);
    console.log(
      `backlog: ${fmt(DEBTORS * 2)} CRM events (${fmt(DEBTORS)} debtors × DebtorUpserted with a mobile, ` +
        `an email and a postal address + AccountPlaced), protobuf, ${topic.partitions} partitions, ` +
        `produced in ${(produceMs / 1_000).toFixed(1)} s (${fmt((DEBTORS * 2) / (produceMs / 1_000))} msg/s, ` +
        `batches of ${fmt(PRODUCE_BATCH)}, acks=all)`,
    );

    const rawPerSecond = await rawConsume(context.rawKafka, topic.name, DEBTORS * 2);
    console.log(`1. raw kafkajs consume of the backlog: ${fmt(rawPerSecond)} msg/s (baseline)`);

    const drain = await drainBacklog(context, run, topic);
    console.log(
      `2. CRM ingest, backlog drained (transactionBatchSize ${BATCH_SIZE}, ${PARTITIONS_CONCURRENTLY} partitions ` +
        `concurrently, pool ${POOL_SIZE ?? 10} connections, outbox relay NOT running): ${fmt(drain.perSecond)} events/s ` +
        `(${fmt(drain.events)} events in ${(drain.steadyMs / 1_000).toFixed(1)} s from the first handled; ` +
        `group join ${(drain.joinMs / 1_000).toFixed(1)} s, ${fmt(drain.perSecondWithJoin)} events/s including it)`,
    );
    console.log(`   ratio to raw kafkajs consume: ${(drain.perSecond / rawPerSecond).toFixed(3)}`);
    for (const line of drain.lines) console.log(line);

    const paced = await pacedLatency(context);
    console.log(
      `3. paced ${fmt(PACED_RATE)} events/s for ${PACED_SECONDS} s (${fmt(PACED_RATE / 2)} debtors/s, consumer AND ` +
        `outbox relay running): achieved ${fmt(paced.achievedRate)} events/s, ${fmt(paced.events)} events`,
    );
    console.log(
      `   latency record produced → handler done: p50 ${paced.handled.p50} ms, p99 ${paced.handled.p99} ms, max ${paced.handled.max} ms`,
    );
    console.log(
      `   latency record produced → transaction committed: p50 ${paced.committed.p50} ms, p99 ${paced.committed.p99} ms, max ${paced.committed.max} ms`,
    );
    for (const line of paced.lines) console.log(line);

    const missedBy = ((GOAL_PER_SECOND - drain.perSecond) / GOAL_PER_SECOND) * 100;
    console.log(
      `4. goal ≥ ${fmt(GOAL_PER_SECOND)} events/s on 2 cores: ` +
        (missedBy <= 0
          ? `met by ${(-missedBy).toFixed(1)} %`
          : `missed by ${missedBy.toFixed(1)} %`) +
        ` (${fmt(drain.perSecond)} events/s on ${cpus().length} cores)`,
    );
    console.log(
      JSON.stringify({
        cpus: cpus().length,
        node: process.version,
        events: drain.events,
        producePerSecond: Math.round((DEBTORS * 2) / (produceMs / 1_000)),
        rawConsumePerSecond: Math.round(rawPerSecond),
        ingestPerSecond: Math.round(drain.perSecond),
        ingestPerSecondWithJoin: Math.round(drain.perSecondWithJoin),
        ratioToRaw: Number((drain.perSecond / rawPerSecond).toFixed(3)),
        transactionBatchSize: BATCH_SIZE,
        partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
        poolSize: POOL_SIZE ?? 10,
        paced: {
          rate: PACED_RATE,
          seconds: PACED_SECONDS,
          achievedRate: Math.round(paced.achievedRate),
          handledP50Ms: paced.handled.p50,
          handledP99Ms: paced.handled.p99,
          handledMaxMs: paced.handled.max,
          committedP50Ms: paced.committed.p50,
          committedP99Ms: paced.committed.p99,
          committedMaxMs: paced.committed.max,
          maxBacklog: paced.maxBacklog,
          maxReportedLag: paced.maxReportedLag,
        },
        goalPerSecond: GOAL_PER_SECOND,
        goalMet: missedBy <= 0,
      }),
    );
  } finally {
    await infra.stop();
  }
}

// ---- the backlog and the baseline ------------------------------------------------------------

async function produceBacklog(kafka: Kafka, topic: string): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const started = performance.now();
    const debtorsPerBatch = PRODUCE_BATCH / 2;
    for (let first = 0; first < DEBTORS; first += debtorsPerBatch) {
      const now = new Date();
      const messages: CrmRecord[] = [];
      for (let n = first; n < Math.min(first + debtorsPerBatch, DEBTORS); n++)
        messages.push(...debtorRecords(TENANT, n, now));
      await producer.send({ topic, acks: -1, messages });
    }
    return performance.now() - started;
  } finally {
    await producer.disconnect();
  }
}

/** As in libs/messaging/bench: a fresh group reads the topic from the start, eachBatch only counts. */
async function rawConsume(kafka: Kafka, topic: string, records: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  let started = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now();
        consumed += batch.messages.length;
        if (consumed >= records) resolve();
      },
    });
  });
  await done;
  const perSecond = records / ((performance.now() - started) / 1_000);
  await consumer.disconnect();
  return perSecond;
}

// ---- 2. draining the backlog through the real ingestion ---------------------------------------

interface DrainResult {
  events: number;
  perSecond: number;
  perSecondWithJoin: number;
  steadyMs: number;
  joinMs: number;
  lines: string[];
}

async function drainBacklog(
  context: Context,
  run: string,
  topic: ReturnType<typeof benchCrmTopic>,
): Promise<DrainResult> {
  const schema = `bench_crm_drain_${run}`;
  const dataSource = await serviceDataSource(context, schema);
  const outcomes = { applied: 0, stale: 0 };
  let firstHandledAt = 0;
  const wiring = await wireCrmIngestion({
    schema,
    masterKeys: context.masterKeys,
    onOutcome: (_type, outcome) => {
      if (firstHandledAt === 0) firstHandledAt = performance.now();
      outcomes[outcome]++;
    },
  });
  await wiring.tenants.upsert(dataSource, {
    id: TENANT,
    displayName: 'Benchmark Creditor',
    policy: {},
  });
  const sql = SQL_STATS ? new SqlCounter() : null;
  const perType = new Map<
    string,
    { events: number; statements: number; sqlMs: number; ms: number }
  >();
  const flush = { transactions: 0, statements: 0, sqlMs: 0, ms: 0 };
  let handlers: TopicHandlers<typeof topic> = wiring.consumer.handlers(topic);
  if (sql) {
    handlers = new ObservedHandlers(
      handlers,
      (type, { manager }) => {
        const before = sql.of(manager);
        const started = performance.now();
        return () => {
          const after = sql.of(manager);
          const entry = perType.get(type) ?? { events: 0, statements: 0, sqlMs: 0, ms: 0 };
          entry.events++;
          entry.statements += after.statements - before.statements;
          entry.sqlMs += after.sqlMs - before.sqlMs;
          entry.ms += performance.now() - started;
          perType.set(type, entry);
        };
      },
      (manager) => {
        const before = sql.of(manager);
        const started = performance.now();
        return () => {
          const after = sql.of(manager);
          flush.transactions++;
          flush.statements += after.statements - before.statements;
          flush.sqlMs += after.sqlMs - before.sqlMs;
          flush.ms += performance.now() - started;
        };
      },
    );
    sql.install();
  }
  const consumer = new EventConsumer({
    groupId: `case-service.crm-inbound.bench-${run}`,
    kafka: context.kafka,
    dataSource,
    outbox: wiring.outbox,
    subscriptions: [handlers],
    transactionBatchSize: BATCH_SIZE,
    partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
    logger: stderrLogger,
  });
  const events = DEBTORS * 2;
  const profiler = CPU_PROFILE ? new CpuProfiler() : null;
  await profiler?.start();
  const cpu = new CpuMeter();
  const started = performance.now();
  let finished = 0;
  let profileLines: string[] = [];
  try {
    await consumer.start();
    await waitFor(
      () => outcomes.applied + outcomes.stale >= events,
      'events handled',
      () => `${fmt(outcomes.applied + outcomes.stale)} of ${fmt(events)} handled`,
    );
    // Handled is not yet committed: the last transactions' inbox rows show when they are.
    const inbox = `"${schema}"."inbox"`;
    for (;;) {
      const [{ n }] = (await dataSource.query(`SELECT count(*)::int AS n FROM ${inbox}`)) as {
        n: number;
      }[];
      if (n >= events) break;
      await sleep(20);
    }
    finished = performance.now();
    if (profiler && CPU_PROFILE) profileLines = await profiler.stop(CPU_PROFILE);
  } finally {
    sql?.uninstall();
    await consumer.stop();
  }
  const usage = cpu.stop();
  const steadyMs = finished - firstHandledAt;
  const lines: string[] = [];
  lines.push(cpuLine('the drain', usage));
  lines.push(...(await verifyDrain(context, dataSource, schema, topic.name, outcomes, events)));
  if (sql) lines.push(...sqlStatsLines(sql, perType, flush, events));
  if (CPU_PROFILE)
    lines.push(`   cpu profile of the drain written to ${CPU_PROFILE}`, ...profileLines);
  await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
  await dataSource.destroy();
  return {
    events,
    perSecond: events / (steadyMs / 1_000),
    perSecondWithJoin: events / ((finished - started) / 1_000),
    steadyMs,
    joinMs: firstHandledAt - started,
    lines,
  };
}

async function verifyDrain(
  context: Context,
  dataSource: DataSource,
  schema: string,
  topic: string,
  outcomes: { applied: number; stale: number },
  events: number,
): Promise<string[]> {
  const s = `"${schema}"`;
  const [counts] = (await dataSource.query(
    `SELECT (SELECT count(*)::int FROM ${s}."debtors") AS debtors,
            (SELECT count(*)::int FROM ${s}."contact_points") AS contact_points,
            (SELECT count(*)::int FROM ${s}."debtor_keys") AS debtor_keys,
            (SELECT count(*)::int FROM ${s}."cases") AS cases,
            (SELECT count(*)::int FROM ${s}."accounts") AS accounts,
            (SELECT count(*)::int FROM ${s}."case_history") AS history,
            (SELECT count(*)::int FROM ${s}."inbox") AS inbox`,
  )) as Record<string, number>[];
  const outbox = (await dataSource.query(
    `SELECT "event_type", count(*)::int AS n FROM ${s}."outbox" GROUP BY "event_type"`,
  )) as { event_type: string; n: number }[];
  const outboxOf = (type: string) => outbox.find((row) => row.event_type === type)?.n ?? 0;
  const outboxTotal = outbox.reduce((sum, row) => sum + row.n, 0);
  const deadLetters = await recordsIn(context.kafka, dlqTopicName(topic));
  const handledTwice = outcomes.applied + outcomes.stale - counts['inbox'];
  const ok =
    counts['debtors'] === DEBTORS &&
    counts['cases'] === DEBTORS &&
    counts['accounts'] === DEBTORS &&
    counts['inbox'] === events &&
    outboxOf(CONTACT_POINTS_CHANGED) === DEBTORS &&
    outboxOf(CASE_PLACED) === DEBTORS &&
    outboxTotal === events &&
    deadLetters === 0;
  return [
    `   verified ${ok ? 'OK' : 'FAILED'}: ${fmt(counts['debtors'])} debtors, ${fmt(counts['cases'])} cases, ` +
      `${fmt(counts['accounts'])} accounts, ${fmt(counts['contact_points'])} contact points, ` +
      `${fmt(counts['debtor_keys'])} debtor data keys, ${fmt(counts['history'])} case-history rows`,
    `   outbox: ${fmt(outboxTotal)} case events (${fmt(outboxOf(CONTACT_POINTS_CHANGED))} ContactPointsChanged + ` +
      `${fmt(outboxOf(CASE_PLACED))} CasePlaced; expected ${fmt(events)}); inbox ${fmt(counts['inbox'])} rows; ` +
      `outcomes ${fmt(outcomes.applied)} applied, ${fmt(outcomes.stale)} stale; dead letters ${deadLetters}` +
      (handledTwice > 0 ? `; ${fmt(handledTwice)} handled again after a rolled-back batch` : ''),
  ];
}

function sqlStatsLines(
  sql: SqlCounter,
  perType: Map<string, { events: number; statements: number; sqlMs: number; ms: number }>,
  flush: { transactions: number; statements: number; sqlMs: number; ms: number },
  events: number,
): string[] {
  const lines = [
    `   SQL during the drain: ${fmt(sql.total)} statements, ${(sql.total / events).toFixed(2)} per event, ` +
      `${fmt(flush.transactions)} transactions (${(events / Math.max(1, flush.transactions)).toFixed(0)} events each)`,
  ];
  let inHandlers = 0;
  for (const [type, entry] of perType) {
    inHandlers += entry.statements;
    lines.push(
      `     ${type.replace('clement.crm.v1.', '').padEnd(15)} in its handler: ${(entry.statements / entry.events).toFixed(2)} statements/event, ` +
        `${(entry.ms / entry.events).toFixed(2)} ms/event of which awaiting SQL ${(entry.sqlMs / entry.events).toFixed(2)} ms`,
    );
  }
  const perTransaction = sql.total - inHandlers - flush.statements;
  lines.push(
    `     beforeCommit (batched writes): ${(flush.statements / Math.max(1, flush.transactions)).toFixed(1)} statements/transaction ` +
      `= ${(flush.statements / events).toFixed(3)}/event, ${(flush.ms / Math.max(1, flush.transactions)).toFixed(1)} ms/transaction ` +
      `of which awaiting SQL ${(flush.sqlMs / Math.max(1, flush.transactions)).toFixed(1)} ms`,
  );
  lines.push(
    `     consumer's own (START, inbox INSERT, COMMIT): ${(perTransaction / events).toFixed(3)} statements/event`,
  );
  for (const [label, entry] of sql.labels()) {
    lines.push(
      `       ${(entry.count / events).toFixed(3).padStart(6)}/event  ${(entry.ms / entry.count).toFixed(2).padStart(6)} ms avg  ${label}`,
    );
  }
  return lines;
}

// ---- 3. latency at a paced rate -----------------------------------------------------------------

interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

interface PacedResult {
  events: number;
  achievedRate: number;
  handled: Percentiles;
  committed: Percentiles;
  maxBacklog: number;
  maxReportedLag: number;
  lines: string[];
}

/** Keeps each partition's last reported lag (records behind the high watermark after a fetch). */
class LagWatch extends MessagingMetrics {
  readonly lags = new Map<number, number>();

  override recordLag(groupId: string, topic: string, partition: number, lag: number): void {
    super.recordLag(groupId, topic, partition, lag);
    this.lags.set(partition, lag);
  }

  get total(): number {
    let sum = 0;
    for (const lag of this.lags.values()) sum += lag;
    return sum;
  }
}

async function pacedLatency(context: Context): Promise<PacedResult> {
  const run = suffix();
  const topic = benchCrmTopic(`bench.inbound.crm-paced-${run}.v1`);
  await provision(context.kafka, [topic]);
  const schema = `bench_crm_paced_${run}`;
  const dataSource = await serviceDataSource(context, schema);
  let handledCount = 0;
  const wiring = await wireCrmIngestion({
    schema,
    masterKeys: context.masterKeys,
    onOutcome: () => handledCount++,
  });
  await wiring.tenants.upsert(dataSource, {
    id: TENANT,
    displayName: 'Benchmark Creditor',
    policy: {},
  });
  // Per transaction, the events its handlers completed; moved to `done` when it commits.
  const inFlight = new Map<EntityManager, { producedAt: number; handledAt: number }[]>();
  let done: { producedAt: number; handledAt: number; committedAt: number }[] = [];
  onCommit(dataSource, (manager) => {
    const committedAt = Date.now();
    for (const event of inFlight.get(manager) ?? []) done.push({ ...event, committedAt });
    inFlight.delete(manager);
  });
  const handlers = new ObservedHandlers(
    wiring.consumer.handlers(topic),
    (_type, { manager, position }) =>
      () => {
        const list = inFlight.get(manager) ?? [];
        list.push({ producedAt: Number(position.timestamp), handledAt: Date.now() });
        inFlight.set(manager, list);
      },
  );
  const metrics = new LagWatch();
  const consumer = new EventConsumer({
    groupId: `case-service.crm-inbound.bench-${run}`,
    kafka: context.kafka,
    dataSource,
    outbox: wiring.outbox,
    subscriptions: [handlers],
    transactionBatchSize: BATCH_SIZE,
    partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
    logger: stderrLogger,
    metrics,
  });
  const relay = new OutboxRelay({
    dataSource,
    schema,
    producer: context.kafka.producer(),
    logger: stderrLogger,
  });
  const producer = context.rawKafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const caseEventsBefore = await recordsIn(context.kafka, topicCatalogue.caseEvents.name);
  const debtors = Math.round((PACED_RATE * PACED_SECONDS) / 2);
  const events = debtors * 2;
  let maxBacklog = 0;
  let maxReportedLag = 0;
  let maxOutbox = 0;
  let produced = 0;
  const lines: string[] = [];
  try {
    await relay.start();
    await consumer.start();
    await waitFor(() => consumer.groupJoins > 0, 'the consumer group join');
    // One debtor first, so the measured events do not wait for partition assignment.
    await producer.send({
      topic: topic.name,
      acks: -1,
      messages: debtorRecords(TENANT, 9_000_000),
    });
    await waitFor(() => handledCount >= 2, 'the warm-up debtor');
    await waitFor(() => done.length >= 2, 'the warm-up commit');
    done = [];
    handledCount = 0;

    const sampler = setInterval(() => {
      maxBacklog = Math.max(maxBacklog, produced - handledCount);
      maxReportedLag = Math.max(maxReportedLag, metrics.total);
    }, 50);
    const outboxSampler = setInterval(() => {
      void dataSource
        .query(`SELECT count(*)::int AS n FROM "${schema}"."outbox"`)
        .then((rows: { n: number }[]) => (maxOutbox = Math.max(maxOutbox, rows[0].n)))
        .catch(() => undefined);
    }, 500);
    const cpu = new CpuMeter();
    const started = performance.now();
    let publishSeconds = 0;
    try {
      await publishPaced(producer, topic.name, debtors, () => (produced += 2));
      publishSeconds = (performance.now() - started) / 1_000;
      await waitFor(
        () => handledCount >= events && done.length >= events,
        'paced events committed',
        () => `${fmt(done.length)} of ${fmt(events)} committed`,
      );
    } finally {
      clearInterval(sampler);
      clearInterval(outboxSampler);
    }
    const lastCommitted = performance.now();
    const usage = cpu.stop();
    let outboxLeft = -1;
    await waitFor(async () => {
      const [{ n }] = (await dataSource.query(
        `SELECT count(*)::int AS n FROM "${schema}"."outbox"`,
      )) as { n: number }[];
      outboxLeft = n;
      return n === 0;
    }, 'the relay to drain the outbox');
    const drainedAfter = performance.now() - lastCommitted;
    const caseEvents =
      (await recordsIn(context.kafka, topicCatalogue.caseEvents.name)) - caseEventsBefore;
    lines.push(cpuLine('the paced phase', usage));
    lines.push(
      `   max backlog (produced − handled) ${fmt(maxBacklog)} events; max consumer-reported lag ` +
        `(records not yet fetched, sum over partitions) ${fmt(maxReportedLag)}` +
        (maxReportedLag < maxBacklog / 10 ? ' (the backlog waited in the consumer, fetched)' : ''),
    );
    lines.push(
      `   relay: outbox backlog max ${fmt(maxOutbox)} rows (sampled every 0.5 s), empty ${Math.round(drainedAfter)} ms after the last commit` +
        `${outboxLeft === 0 ? '' : ' (not drained)'}; ${fmt(caseEvents)} case events published (expected ${fmt(events + 2)} incl. warm-up)`,
    );
    return {
      events,
      achievedRate: events / publishSeconds,
      handled: percentiles(done.map((event) => event.handledAt - event.producedAt)),
      committed: percentiles(done.map((event) => event.committedAt - event.producedAt)),
      maxBacklog,
      maxReportedLag,
      lines,
    };
  } finally {
    await consumer.stop();
    await relay.stop();
    await producer.disconnect();
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await dataSource.destroy();
  }
}

/** Every 10 ms a send with the debtors due by then (upsert + account each), sends not awaited in turn. */
async function publishPaced(
  producer: Producer,
  topic: string,
  debtors: number,
  onSent: () => void,
): Promise<void> {
  const tickMs = 10;
  const debtorsPerSecond = PACED_RATE / 2;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let tick = 1, sent = 0; sent < debtors; tick++) {
    const due = start + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const target = Math.min(debtors, Math.floor((tick * tickMs * debtorsPerSecond) / 1_000));
    if (target <= sent) continue;
    const now = new Date();
    const messages: CrmRecord[] = [];
    for (; sent < target; sent++) {
      messages.push(...debtorRecords(TENANT, sent, now));
      onSent();
    }
    sends.push(producer.send({ topic, acks: -1, messages }));
  }
  await Promise.all(sends);
}

// ---- helpers -------------------------------------------------------------------------------------

const CHILD_NAMES: Record<string, string> = { postgres: 'PostgreSQL', java: 'Kafka' };

function cpuLine(phase: string, usage: CpuUse): string {
  const children = Object.entries(usage.childCores)
    .filter(([, cores]) => cores >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${CHILD_NAMES[name] ?? name} ${cores.toFixed(2)}`);
  const ours = usage.processCores + Object.values(usage.childCores).reduce((a, b) => a + b, 0);
  return (
    `   CPU during ${phase} (cores): this process (consumer${phase === 'the drain' ? '' : ', relay, producer'}) ` +
    `${usage.processCores.toFixed(2)}` +
    (children.length > 0 ? `, ${children.join(', ')}` : '') +
    (usage.machineBusyCores === null
      ? ''
      : `; machine ${usage.machineBusyCores.toFixed(2)} of ${cpus().length} busy, ` +
        `${Math.max(0, usage.machineBusyCores - ours).toFixed(2)} of it other processes`)
  );
}

/** A fresh schema migrated like case-service's, on a DataSource built like the service's. */
async function serviceDataSource(context: Context, schema: string): Promise<DataSource> {
  const dataSource = createServiceDataSource({
    url: context.databaseUrl,
    schema,
    migrations: caseServiceMigrations(schema),
    applicationName: 'case-service-bench',
    poolSize: POOL_SIZE,
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return dataSource;
}

async function provision(
  kafka: KafkaPort,
  topics: readonly {
    name: string;
    partitions: number;
    retentionMs: number;
    cleanupPolicy: string;
  }[],
): Promise<void> {
  const all = [...topics, ...topics.map((topic) => ({ ...topic, name: dlqTopicName(topic.name) }))];
  for (let attempt = 1; ; attempt++) {
    const admin = await kafka.admin();
    try {
      await provisionTopics(admin, all);
      return;
    } catch (error) {
      // kafkajs' wait for leaders can see UNKNOWN_TOPIC_OR_PARTITION from a busy broker just after
      // creating; the topics exist by then, and ensureTopics leaves existing ones alone.
      if (attempt >= 5) throw error;
      await sleep(500 * attempt);
    } finally {
      await admin.disconnect();
    }
  }
}

/** Records in a topic (sum of high watermarks; the bench's topics are never truncated). */
async function recordsIn(kafka: KafkaPort, topic: string): Promise<number> {
  const admin = await kafka.admin();
  try {
    const offsets = await admin.topicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  progress?: () => string,
): Promise<void> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    if (await condition()) return;
    const now = Date.now();
    if (now - started > 600_000) throw new Error(`gave up waiting for ${what} after 10 minutes`);
    if (progress && now - reported >= 10_000) {
      reported = now;
      process.stderr.write(`  … ${progress()} after ${Math.round((now - started) / 1_000)} s\n`);
    }
    await sleep(10);
  }
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1] ?? NaN) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function suffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 8);
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
