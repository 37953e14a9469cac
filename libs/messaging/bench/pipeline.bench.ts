/**
 * Messaging benchmark (a command, not a test): npm run bench:messaging
 *
 * Prints, from one run on this machine:
 *  1. raw kafkajs produce and consume throughput (the baseline),
 *  2. outbox → relay → Kafka → inbox consumer throughput with writers running flat out,
 *  3. end-to-end latency (commit of the outbox write → commit of the consumer's transaction)
 *     at a paced 1,000 events/s, p50/p99/max,
 *  4. the ratio of pipeline to raw throughput.
 * The relay and the consumer run as separate processes, as they do in production.
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { create, toBinary } from '@bufbuild/protobuf';
import { ProbeEmittedSchema } from '@clement/contracts';
import { ensureInfrastructure } from '@clement/local-infra';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { killProcess, startFixtureProcess } from '../src/__fixtures__/child-process';
import {
  createTestTopics,
  prepareSchema,
  testDataSource,
  testKafka,
  testTopic,
} from '../src/__fixtures__/pipeline-fixture';
import { ContentType, envelopeToHeaders } from '../src/cloudevents/cloud-event-headers';
import { Outbox, pendingEvent } from '../src/outbox/outbox';

const RAW_MESSAGES = Number(process.env['BENCH_RAW_MESSAGES'] ?? 100_000);
const PIPELINE_EVENTS = Number(process.env['BENCH_PIPELINE_EVENTS'] ?? 30_000);
const PACED_RATE = Number(process.env['BENCH_PACED_RATE'] ?? 1_000);
const PACED_SECONDS = Number(process.env['BENCH_PACED_SECONDS'] ?? 20);
const KEYS = 500;

const probePayload = Buffer.from(
  toBinary(
    ProbeEmittedSchema,
    create(ProbeEmittedSchema, { probeId: 'bench', sequence: 1n, note: 'x'.repeat(64) }),
  ),
);

async function main(): Promise<void> {
  const infra = await ensureInfrastructure({ postgresSettings: { max_connections: 100 } });
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    );
    const raw = await rawKafkajs(infra.kafkaBrokers);
    console.log(
      `raw kafkajs produce: ${fmt(raw.producePerSecond)} msg/s (${RAW_MESSAGES} messages, batches of 500, acks=all)`,
    );
    console.log(`raw kafkajs consume: ${fmt(raw.consumePerSecond)} msg/s`);

    const results: Record<string, PipelineResult> = {};
    for (const handler of ['inbox-only', 'apply'] as const) {
      const flatOut = await pipeline('flat-out', PIPELINE_EVENTS, null, handler);
      console.log(
        `pipeline flat out, ${handler.padEnd(10)}: ${fmt(flatOut.perSecond)} events/s ` +
          `(${PIPELINE_EVENTS} events, 4 writers; latency p50 ${flatOut.p50} ms, p99 ${flatOut.p99} ms)`,
      );
      const paced = await pipeline('paced', PACED_RATE * PACED_SECONDS, PACED_RATE, handler);
      console.log(
        `pipeline at ${PACED_RATE}/s, ${handler.padEnd(10)}: latency p50 ${paced.p50} ms, p99 ${paced.p99} ms, ` +
          `max ${paced.max} ms (${PACED_RATE * PACED_SECONDS} events over ${PACED_SECONDS} s)`,
      );
      results[`flatOut.${handler}`] = flatOut;
      results[`paced.${handler}`] = paced;
    }
    const baseline = Math.min(raw.producePerSecond, raw.consumePerSecond);
    const ratio = (handler: string) =>
      (results[`flatOut.${handler}`].perSecond / baseline).toFixed(3);
    console.log(
      `ratio pipeline / raw (min of produce, consume): inbox-only ${ratio('inbox-only')}, apply ${ratio('apply')}`,
    );
    console.log(
      JSON.stringify({
        rawProducePerSecond: Math.round(raw.producePerSecond),
        rawConsumePerSecond: Math.round(raw.consumePerSecond),
        ...Object.fromEntries(
          Object.entries(results).map(([key, result]) => [
            key,
            {
              perSecond: Math.round(result.perSecond),
              p50Ms: result.p50,
              p99Ms: result.p99,
              maxMs: result.max,
            },
          ]),
        ),
      }),
    );
  } finally {
    await infra.stop();
  }
}

async function rawKafkajs(
  brokers: string[],
): Promise<{ producePerSecond: number; consumePerSecond: number }> {
  const topic = testTopic(`bench.internal.raw-${randomUUID().slice(0, 8)}.v1`);
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  await createTestTopics(testKafka('bench'), topic);
  const headers = envelopeToHeaders({
    id: randomUUID(),
    source: '/clement/bench',
    type: ProbeEmittedSchema.typeName,
    time: new Date().toISOString(),
    contentType: ContentType.protobuf,
    tenantId: 'tenant-a',
    partitionKey: 'tenant-a:debtor-1',
    correlationId: randomUUID(),
  });

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const produceStart = performance.now();
  for (let sent = 0; sent < RAW_MESSAGES; sent += 500) {
    const messages = Array.from({ length: Math.min(500, RAW_MESSAGES - sent) }, (_, i) => ({
      key: `tenant-a:debtor-${(sent + i) % KEYS}`,
      value: probePayload,
      headers,
    }));
    await producer.send({ topic: topic.name, acks: -1, messages });
  }
  const producePerSecond = RAW_MESSAGES / ((performance.now() - produceStart) / 1_000);
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  let consumed = 0;
  let consumeStart = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (consumeStart === 0) consumeStart = performance.now();
        consumed += batch.messages.length;
        if (consumed >= RAW_MESSAGES) resolve();
      },
    });
  });
  await done;
  const consumePerSecond = RAW_MESSAGES / ((performance.now() - consumeStart) / 1_000);
  await consumer.disconnect();
  return { producePerSecond, consumePerSecond };
}

interface PipelineResult {
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/** Writers append to the outbox (flat out, or paced at `rate` events/s) while relay and consumer run. */
async function pipeline(
  name: string,
  events: number,
  rate: number | null,
  handler: 'inbox-only' | 'apply',
): Promise<PipelineResult> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 8);
  const schema = `bench_${name.replace('-', '_')}_${handler.replace('-', '_')}_${suffix}`;
  const topic = testTopic(`bench.internal.${name}-${suffix}.v1`);
  await createTestTopics(testKafka('bench'), topic);
  await prepareSchema(schema);
  // Where the consumer leaves its mark: the handler's own row, or only the inbox row.
  const sink =
    handler === 'apply'
      ? { table: 'applied', time: 'applied_at', published: '"published_at_ms"::float8' }
      : { table: 'inbox', time: 'processed_at', published: 'NULL::float8' };
  const env = {
    TEST_SCHEMA: schema,
    TEST_TOPIC: topic.name,
    TEST_GROUP: `bench-${suffix}`,
    TEST_HANDLER: handler,
  };
  const relay = await startFixtureProcess('relay-process.ts', env);
  const consumer = await startFixtureProcess('consumer-process.ts', env);
  const dataSource = testDataSource(schema, 8);
  await dataSource.initialize();
  // The inbox stamps rows with the transaction start; the moment of writing is what is measured.
  await dataSource.query(
    `ALTER TABLE "${schema}"."inbox" ALTER "processed_at" SET DEFAULT clock_timestamp()`,
  );
  const outbox = new Outbox({ schema, source: '/clement/bench' });
  const writtenAt = new Map<string, number>();
  try {
    const started = Date.now();
    const progress = process.env['BENCH_VERBOSE']
      ? setInterval(() => void sample(dataSource, schema, sink.table, started), 1_000)
      : null;
    if (rate === null) await writeFlatOut(dataSource, outbox, topic, events, writtenAt);
    else await writePaced(dataSource, outbox, topic, events, rate, writtenAt);
    if (progress) console.log(`  ${name}: writers done after ${Date.now() - started} ms`);
    await waitForApplied(dataSource, schema, sink.table, events);
    if (progress) clearInterval(progress);
    const rows = (await dataSource.query(
      `SELECT "event_id", ${sink.published} AS "published_ms", (extract(epoch FROM "${sink.time}") * 1000)::float8 AS "applied_ms" FROM "${schema}"."${sink.table}"`,
    )) as { event_id: string; published_ms: number; applied_ms: number }[];
    const lastApplied = Math.max(...rows.map((row) => row.applied_ms));
    const latencies = rows
      .map((row) => row.applied_ms - (writtenAt.get(row.event_id) ?? row.applied_ms))
      .sort((a, b) => a - b);
    if (process.env['BENCH_VERBOSE'] && handler === 'apply') {
      const stage = (values: number[]) => {
        const sorted = values.sort((a, b) => a - b);
        return `p50 ${Math.round(percentile(sorted, 0.5))} ms, p99 ${Math.round(percentile(sorted, 0.99))} ms`;
      };
      console.log(
        `  ${name}: outbox commit → relay publish ${stage(rows.map((row) => row.published_ms - (writtenAt.get(row.event_id) ?? 0)))}`,
      );
      console.log(
        `  ${name}: relay publish → consumer write ${stage(rows.map((row) => row.applied_ms - row.published_ms))}`,
      );
    }
    return {
      perSecond: events / ((lastApplied - started) / 1_000),
      p50: Math.round(percentile(latencies, 0.5)),
      p99: Math.round(percentile(latencies, 0.99)),
      max: Math.round(latencies[latencies.length - 1]),
    };
  } finally {
    await killProcess(consumer, 'SIGTERM');
    await killProcess(relay, 'SIGTERM');
    await dataSource.destroy();
  }
}

function eventsFor(topic: ReturnType<typeof testTopic>, count: number, offset: number) {
  return Array.from({ length: count }, (_, i) => {
    const n = offset + i;
    return pendingEvent(
      topic,
      ProbeEmittedSchema,
      create(ProbeEmittedSchema, { probeId: 'bench', sequence: BigInt(n), note: 'x'.repeat(64) }),
      { tenantId: 'tenant-a', partitionKey: `tenant-a:debtor-${n % KEYS}` },
    );
  });
}

async function writeFlatOut(
  dataSource: DataSource,
  outbox: Outbox,
  topic: ReturnType<typeof testTopic>,
  events: number,
  writtenAt: Map<string, number>,
): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < events) {
      const count = Math.min(50, events - next);
      const offset = next;
      next += count;
      const envelopes = await dataSource.transaction((manager) =>
        outbox.appendAll(manager, eventsFor(topic, count, offset)),
      );
      const now = Date.now();
      for (const envelope of envelopes) writtenAt.set(envelope.id, now);
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
}

async function writePaced(
  dataSource: DataSource,
  outbox: Outbox,
  topic: ReturnType<typeof testTopic>,
  events: number,
  rate: number,
  writtenAt: Map<string, number>,
): Promise<void> {
  // Ten transactions per second per 100 events/s: small commits, as services make them.
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1_000));
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let tick = 0, written = 0; written < events; tick++) {
    const due = start + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const count = Math.min(perTick, events - written);
    const offset = written;
    written += count;
    pending.push(
      dataSource
        .transaction((manager) => outbox.appendAll(manager, eventsFor(topic, count, offset)))
        .then((envelopes) => {
          const now = Date.now();
          for (const envelope of envelopes) writtenAt.set(envelope.id, now);
        }),
    );
  }
  await Promise.all(pending);
}

async function waitForApplied(
  dataSource: DataSource,
  schema: string,
  table: string,
  events: number,
): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const [{ n }] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM "${schema}"."${table}"`,
    )) as { n: number }[];
    if (n >= events) return;
    if (Date.now() > deadline)
      throw new Error(`only ${n} of ${events} events applied after 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function sample(
  dataSource: DataSource,
  schema: string,
  table: string,
  started: number,
): Promise<void> {
  const [{ outbox, applied }] = (await dataSource.query(
    `SELECT (SELECT count(*)::int FROM "${schema}"."outbox") AS outbox, (SELECT count(*)::int FROM "${schema}"."${table}") AS applied`,
  )) as { outbox: number; applied: number }[];
  console.log(`  t=${Date.now() - started} ms: outbox backlog ${outbox}, applied ${applied}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
