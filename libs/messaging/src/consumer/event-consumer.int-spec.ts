import { create, toBinary } from '@bufbuild/protobuf';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { ProbeEmittedSchema } from '@clement/contracts';
import { eventually } from '@clement/testing';
import type { DataSource } from 'typeorm';
import {
  createTestTopics,
  prepareSchema,
  testDataSource,
  testKafka,
  testTopic,
  uniqueSuffix,
} from '../__fixtures__/pipeline-fixture';
import { ContentType, envelopeToHeaders } from '../cloudevents/cloud-event-headers';
import { dlqTopicName } from '../cloudevents/event-topic';
import { DeadLetterTools } from '../dead-letter/dead-letter-tools';
import { PermanentEventError } from '../errors';
import type { RecordHeaders, RecordProducer } from '../kafka/kafka-port';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { EventConsumer } from './event-consumer';
import { handlersFor } from './event-handlers';

/** Collects on demand, like a Prometheus scrape. */
class OnDemandMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {
    // Nothing is buffered: collect() reads the instruments directly.
  }
  protected override async onShutdown(): Promise<void> {
    // Nothing to release.
  }
}

describe('EventConsumer on real Kafka and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const schema = `consumer_${suffix}`;
  const topic = testTopic(`test.internal.consumer-${suffix}.v1`, 3);
  const kafka = testKafka('consumer-int-test');
  const spans = new InMemorySpanExporter();
  const metricReader = new OnDemandMetricReader();
  const attemptsByNote = new Map<string, number>();
  // Events of key 'hooked' handled per transaction, as seen by the beforeCommit hook.
  const hookedPerTransaction = new WeakMap<object, number>();
  const hookedCommits: number[] = [];
  let dataSource: DataSource;
  let producer: RecordProducer;
  let relay: OutboxRelay;
  let consumer: EventConsumer;
  let outbox: Outbox;

  const probeRecord = (
    key: string,
    sequence: number,
    note = '',
    headers: Partial<RecordHeaders> = {},
  ) => ({
    topic: topic.name,
    key,
    value: Buffer.from(
      toBinary(
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, { probeId: key, sequence: BigInt(sequence), note }),
      ),
    ),
    headers: {
      ...envelopeToHeaders({
        id: `${key}-${sequence}-${suffix}`,
        source: '/clement/consumer-test',
        type: ProbeEmittedSchema.typeName,
        time: new Date().toISOString(),
        contentType: ContentType.protobuf,
        tenantId: 'tenant-a',
        partitionKey: key,
        correlationId: `${key}-${sequence}`,
      }),
      ...headers,
    } as RecordHeaders,
  });
  const applied = async (key: string) =>
    (
      (await dataSource.query(
        `SELECT "sequence" FROM "${schema}"."applied" WHERE "key" = $1 ORDER BY "id"`,
        [key],
      )) as {
        sequence: string;
      }[]
    ).map((row) => Number(row.sequence));

  beforeAll(async () => {
    // Instruments bind to the provider registered when they are created: register it first.
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [metricReader] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );

    await createTestTopics(kafka, topic);
    await prepareSchema(schema);
    dataSource = testDataSource(schema);
    await dataSource.initialize();
    outbox = new Outbox({ schema, source: '/clement/consumer-test' });
    producer = kafka.producer();
    await producer.connect();
    relay = new OutboxRelay({ dataSource, schema, producer: kafka.producer() });
    await relay.start();
    consumer = new EventConsumer({
      groupId: `consumer-test-${suffix}`,
      kafka,
      dataSource,
      outbox,
      retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
      sessionTimeoutMs: 6_000,
      partitionsConsumedConcurrently: 1,
      subscriptions: [
        handlersFor(topic)
          .on(ProbeEmittedSchema, async (probe, { envelope, manager }) => {
            const attempt = (attemptsByNote.get(`${probe.note}/${probe.sequence}`) ?? 0) + 1;
            attemptsByNote.set(`${probe.note}/${probe.sequence}`, attempt);
            if (probe.note === 'flaky' && attempt < 3) throw new Error('database hiccup');
            if (probe.note === 'always-fails') throw new Error('downstream keeps failing');
            if (probe.note === 'invalid')
              throw new PermanentEventError('balance must not be negative');
            if (probe.note === 'slow') await new Promise((resolve) => setTimeout(resolve, 9_000));
            await manager.query(
              `INSERT INTO "${schema}"."applied" ("key", "sequence", "event_id") VALUES ($1, $2, $3)`,
              [envelope.partitionKey, probe.sequence.toString(), envelope.id],
            );
            if (envelope.partitionKey === 'hooked') {
              hookedPerTransaction.set(manager, (hookedPerTransaction.get(manager) ?? 0) + 1);
            }
          })
          .beforeCommit(async (manager) => {
            const handled = hookedPerTransaction.get(manager);
            if (handled) hookedCommits.push(handled);
          }),
      ],
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await producer?.disconnect();
    await dataSource?.destroy();
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
  });

  it('runs beforeCommit once per transaction, after the handlers of a whole batch', async () => {
    await producer.send(Array.from({ length: 40 }, (_, index) => probeRecord('hooked', index + 1)));

    await eventually(async () => expect(await applied('hooked')).toHaveLength(40));
    expect(hookedCommits.reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(hookedCommits.length).toBeLessThan(40);
  });

  it('dead-letters malformed records with the reason and carries on with the partition; replay re-publishes a fixed one', async () => {
    const key = 'tenant-a:debtor-malformed';
    const withoutType = probeRecord(key, 3);
    delete withoutType.headers['ce_type'];
    await producer.send([
      probeRecord(key, 1),
      { ...probeRecord(key, 2), value: Buffer.from([0x0a, 0xff, 0xff, 0xff]) },
      withoutType,
      probeRecord(key, 4),
    ]);

    await eventually(async () => expect(await applied(key)).toEqual([1, 4]));
    const tools = new DeadLetterTools(kafka);
    const letters = (await tools.list(dlqTopicName(topic.name))).filter(
      (letter) => letter.key === key,
    );
    expect(
      letters.map((letter) => [letter.errorType, letter.reason.split(':')[0], letter.attempts]),
    ).toEqual([
      ['MalformedEventError', 'undecodable-payload', 1],
      ['MalformedEventError', 'missing-attribute', 1],
    ]);
    expect(letters[1].reason).toContain('ce_type');
    expect(letters[0]).toMatchObject({
      originalTopic: topic.name,
      consumerGroup: `consumer-test-${suffix}`,
    });
    expect(Number(letters[1].originalOffset)).toBe(Number(letters[0].originalOffset) + 1);

    await tools.replay({
      dlqTopic: letters[0].dlqTopic,
      partition: letters[0].partition,
      offset: letters[0].offset,
      value: probeRecord(key, 2).value,
    });
    await tools.replay({
      dlqTopic: letters[1].dlqTopic,
      partition: letters[1].partition,
      offset: letters[1].offset,
      headers: { ce_type: ProbeEmittedSchema.typeName },
    });
    await eventually(async () => expect(await applied(key)).toEqual([1, 4, 2, 3]));
  });

  it('retries transient failures in place, and dead-letters exhausted and permanent ones', async () => {
    const key = 'tenant-a:debtor-failing';
    await producer.send([
      probeRecord(key, 1, 'flaky'),
      probeRecord(key, 2, 'always-fails'),
      probeRecord(key, 3, 'invalid'),
      probeRecord(key, 4),
    ]);

    await eventually(async () => expect(await applied(key)).toEqual([1, 4]));
    expect(attemptsByNote.get('flaky/1')).toBe(3);
    expect(attemptsByNote.get('always-fails/2')).toBe(3);
    expect(attemptsByNote.get('invalid/3')).toBe(1);
    await eventually(async () => {
      const letters = (await new DeadLetterTools(kafka).list(dlqTopicName(topic.name))).filter(
        (letter) => letter.key === key,
      );
      expect(
        letters.map((letter) => [
          letter.eventId,
          letter.errorType,
          letter.attempts,
          letter.record.headers['dlq-error-class'],
        ]),
      ).toEqual([
        [`${key}-2-${suffix}`, 'Error', 3, 'transient'],
        [`${key}-3-${suffix}`, 'PermanentEventError', 1, 'permanent'],
      ]);
    });
  });

  it('applies a redelivered event once', async () => {
    const key = 'tenant-a:debtor-duplicate';
    await producer.send([probeRecord(key, 1), probeRecord(key, 1), probeRecord(key, 2)]);
    await eventually(async () => expect(await applied(key)).toEqual([1, 2]));
  });

  it('keeps its group membership through a handler slower than the session timeout', async () => {
    const key = 'tenant-a:debtor-slow';
    const joinsBefore = consumer.groupJoins;
    await producer.send([probeRecord(key, 1, 'slow'), probeRecord(key, 2)]);
    await eventually(async () => expect(await applied(key)).toEqual([1, 2]), { timeoutMs: 40_000 });
    expect(attemptsByNote.get('slow/1')).toBe(1);
    expect(consumer.groupJoins).toBe(joinsBefore);
  });

  it('makes the publishing span the parent of the consuming span, across the outbox relay', async () => {
    const key = 'tenant-a:debtor-traced';
    const useCase = trace.getTracer('test').startSpan('place case');
    await context.with(trace.setSpan(context.active(), useCase), () =>
      dataSource.transaction((manager) =>
        outbox.append(
          manager,
          topic,
          ProbeEmittedSchema,
          create(ProbeEmittedSchema, { probeId: key, sequence: 1n }),
          {
            tenantId: 'tenant-a',
            partitionKey: key,
          },
        ),
      ),
    );
    useCase.end();
    await eventually(async () => expect(await applied(key)).toEqual([1]));

    const traceSpans = () =>
      spans
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === useCase.spanContext().traceId);
    await eventually(async () =>
      expect(traceSpans().some((span) => span.kind === SpanKind.CONSUMER)).toBe(true),
    );
    const publish = traceSpans().find((span) => span.kind === SpanKind.PRODUCER) as ReadableSpan;
    const processing = traceSpans().find((span) => span.kind === SpanKind.CONSUMER) as ReadableSpan;
    expect(publish.name).toBe(`publish ${topic.name}`);
    expect(publish.parentSpanContext?.spanId).toBe(useCase.spanContext().spanId);
    expect(processing.name).toBe(`process ${topic.name}`);
    expect(processing.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
  });

  it('reports lag, handling time, retries, dead letters, duplicates and outbox activity as metrics', async () => {
    const { resourceMetrics } = await metricReader.collect();
    const byName = new Map<string, MetricData>(
      resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .map((metric) => [metric.descriptor.name, metric]),
    );
    const total = (name: string) =>
      (byName.get(name)?.dataPoints ?? []).reduce(
        (sum, point) => sum + (typeof point.value === 'number' ? point.value : 0),
        0,
      );

    // From the tests above: 2 malformed, 1 exhausted and 1 permanent dead letter; the flaky event
    // first fails inside the batch transaction, then once on its own (1 retry), the exhausted
    // one is retried twice before it is dead-lettered.
    expect({
      dlq: total('messaging.dlq.messages'),
      retries: total('messaging.process.retries'),
    }).toEqual({
      dlq: 4,
      retries: 3,
    });
    expect(total('messaging.inbox.duplicates')).toBeGreaterThanOrEqual(1);
    expect(total('messaging.outbox.published')).toBeGreaterThanOrEqual(1);
    expect(byName.get('messaging.process.duration')?.dataPoints.length).toBeGreaterThan(0);
    expect(byName.get('messaging.consumer.lag')?.dataPoints.length).toBeGreaterThan(0);
    expect(byName.get('messaging.outbox.backlog')?.dataPoints.length).toBe(1);
  });
});
