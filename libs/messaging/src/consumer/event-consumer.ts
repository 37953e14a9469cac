import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DataSource, EntityManager } from 'typeorm';
import { CloudEventHeader } from '../cloudevents/cloud-event-headers';
import { decodeRecord, type DecodedEvent } from '../cloudevents/event-codec';
import { dlqTopicName, type EventTopic } from '../cloudevents/event-topic';
import { deadLetterHeaders } from '../dead-letter/dead-letter-headers';
import { classifyError, describeError, type ErrorClass } from '../errors';
import type {
  IncomingRecord,
  KafkaPort,
  PartitionBatch,
  RecordConsumer,
  RecordProducer,
} from '../kafka/kafka-port';
import { silentLogger, type MessagingLogger } from '../logger';
import type { Outbox } from '../outbox/outbox';
import { sleep } from '../sleep';
import { assertSqlIdentifier } from '../sql-identifier';
import { MessagingMetrics } from '../telemetry/messaging-metrics';
import { extractTraceContext, startProcessSpan } from '../telemetry/trace-context';
import { followUpPublisher, type TopicHandlers } from './event-handlers';
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy } from './retry-policy';

export interface EventConsumerOptions {
  readonly groupId: string;
  readonly kafka: KafkaPort;
  readonly dataSource: DataSource;
  /** Schema holding this service's inbox (and outbox, for follow-up events). */
  readonly outbox: Outbox;
  readonly subscriptions: readonly TopicHandlers<EventTopic>[];
  readonly retry?: RetryPolicy;
  /** Events handled in one database transaction when all goes well. */
  readonly transactionBatchSize?: number;
  /** Partitions handled in parallel (each holds a database connection while it works). */
  readonly partitionsConsumedConcurrently?: number;
  /** How long the group waits for a silent member before rebalancing its partitions. */
  readonly sessionTimeoutMs?: number;
  readonly commitIntervalMs?: number;
  readonly classifyError?: (error: unknown) => ErrorClass;
  readonly logger?: MessagingLogger;
  readonly metrics?: MessagingMetrics;
}

type DecodeResult =
  | { readonly record: IncomingRecord; readonly event: DecodedEvent }
  | { readonly record: IncomingRecord; readonly error: unknown };
type Decoded = Extract<DecodeResult, { event: DecodedEvent }>;

/** Raised when the database itself is unreachable: nothing is dead-lettered, the batch is redelivered. */
class InfrastructureUnavailableError extends Error {
  override readonly name = 'InfrastructureUnavailableError';
}

const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Consumes events in partition order with exactly-once effects: each event's inbox row and the
 * handler's writes commit in one transaction, so a redelivery is recognised and skipped.
 * Transient failures retry in place (the partition waits, order is kept); permanent ones and
 * exhausted retries go to `<topic>.dlq` and the partition moves on.
 */
export class EventConsumer {
  private readonly inbox: string;
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;
  private readonly classify: (error: unknown) => ErrorClass;
  private readonly logger: MessagingLogger;
  private readonly metrics: MessagingMetrics;
  private readonly topics = new Map<string, TopicHandlers<EventTopic>>();
  private consumer: RecordConsumer | null = null;
  private dlqProducer: RecordProducer | null = null;
  private readonly stopping = new AbortController();
  private rebalances = 0;

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = `"${assertSqlIdentifier(options.outbox.schema)}"."inbox"`;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.batchSize = options.transactionBatchSize ?? 100;
    this.classify = options.classifyError ?? classifyError;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new MessagingMetrics();
    for (const subscription of options.subscriptions)
      this.topics.set(subscription.topic.name, subscription);
  }

  async start(): Promise<void> {
    this.dlqProducer = this.options.kafka.producer();
    await this.dlqProducer.connect();
    this.consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      topics: [...this.topics.keys()],
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      commitIntervalMs: this.options.commitIntervalMs,
      onGroupJoin: () => {
        this.rebalances++;
        this.metrics.rebalances.add(1, { 'messaging.consumer.group.name': this.options.groupId });
      },
    });
    await this.consumer.run((batch) => this.handleBatch(batch));
  }

  /** How many times this consumer joined its group (the first join included). */
  get groupJoins(): number {
    return this.rebalances;
  }

  /** Lets the batch in flight finish, commits and leaves the group. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer?.disconnect();
    await this.dlqProducer?.disconnect();
    this.consumer = null;
    this.dlqProducer = null;
  }

  private async handleBatch(batch: PartitionBatch): Promise<void> {
    this.metrics.recordLag(this.options.groupId, batch.topic, batch.partition, batch.lag);
    const subscription = this.topics.get(batch.topic);
    if (!subscription) return;
    for (let start = 0; start < batch.records.length; start += this.batchSize) {
      if (!batch.shouldContinue()) return;
      const chunk = batch.records.slice(start, start + this.batchSize);
      await this.processChunk(batch, subscription, chunk);
      batch.markProcessed(chunk[chunk.length - 1].offset);
      // A stopping consumer commits what it finished at once rather than leaving it to the interval.
      await batch.commit({ now: this.stopping.signal.aborted });
      await batch.heartbeat();
    }
  }

  private async processChunk(
    batch: PartitionBatch,
    subscription: TopicHandlers<EventTopic>,
    chunk: readonly IncomingRecord[],
  ): Promise<void> {
    let run: Decoded[] = [];
    for (const record of chunk) {
      // A type the topic declares but nobody here handles is passed over before decoding: no
      // decode, no transaction. An undeclared or missing type is decoded and dead-lettered.
      if (isUnhandledDeclaredType(subscription, record)) continue;
      const decoded = this.decode(subscription.topic, record);
      if ('event' in decoded) {
        run.push(decoded);
        continue;
      }
      await this.processRun(batch, subscription, run);
      run = [];
      await this.deadLetter(record, decoded.error, 1);
    }
    await this.processRun(batch, subscription, run);
  }

  private decode(topic: EventTopic, record: IncomingRecord): DecodeResult {
    try {
      return { record, event: decodeRecord(topic, record) };
    } catch (error) {
      return { record, error };
    }
  }

  /** Fast path: the whole run in one transaction. On any failure, one event per transaction. */
  private async processRun(
    batch: PartitionBatch,
    subscription: TopicHandlers<EventTopic>,
    run: readonly Decoded[],
  ): Promise<void> {
    if (run.length === 0) return;
    if (run.length > 1) {
      try {
        await this.withHeartbeat(batch, () =>
          this.options.dataSource.transaction((manager) => this.apply(manager, subscription, run)),
        );
        return;
      } catch {
        // Fall through: find the failing event and give it the retry/dead-letter treatment alone.
      }
    }
    for (const item of run) await this.processWithRetries(batch, subscription, item);
  }

  private async processWithRetries(
    batch: PartitionBatch,
    subscription: TopicHandlers<EventTopic>,
    item: Decoded,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.withHeartbeat(batch, () =>
          this.options.dataSource.transaction((manager) =>
            this.apply(manager, subscription, [item]),
          ),
        );
        return;
      } catch (error) {
        const errorClass = this.classify(error);
        if (errorClass === 'transient' && attempt < this.retry.maxAttempts) {
          this.metrics.retries.add(1, { 'messaging.destination.name': item.record.topic });
          const delay = backoffDelayMs(this.retry, attempt);
          this.logger.warn(
            { err: describeError(error), eventId: item.event.envelope.id, attempt, delayMs: delay },
            'event handling failed; retrying',
          );
          await this.sleepWithHeartbeat(batch, delay);
          continue;
        }
        if (errorClass === 'transient' && !(await this.databaseReachable())) {
          throw new InfrastructureUnavailableError(
            'database unreachable; the batch will be redelivered',
          );
        }
        await this.deadLetter(item.record, error, attempt, errorClass);
        return;
      }
    }
  }

  /** Records the events in the inbox with one statement, then runs the handler of each new one. */
  private async apply(
    manager: EntityManager,
    subscription: TopicHandlers<EventTopic>,
    items: readonly Decoded[],
  ): Promise<void> {
    const handled = items.filter((item) => subscription.handlerFor(item.event.envelope.type));
    if (handled.length === 0) return;
    const values: unknown[] = [];
    const rows = handled.map(({ record, event }) => {
      const n = values.length;
      values.push(
        this.options.groupId,
        event.envelope.source,
        event.envelope.id,
        record.topic,
        record.partition,
        record.offset,
      );
      return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6})`;
    });
    const inserted = (await manager.query(
      `INSERT INTO ${this.inbox} ("consumer_group", "event_source", "event_id", "topic", "partition", "offset")
       VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING "event_source", "event_id"`,
      values,
    )) as { event_source: string; event_id: string }[];
    const fresh = new Set(inserted.map((row) => `${row.event_source}\n${row.event_id}`));
    const toHandle: Decoded[] = [];
    for (const item of handled) {
      // Only the first copy of an event is fresh, even when a batch holds it twice.
      if (!fresh.delete(`${item.event.envelope.source}\n${item.event.envelope.id}`)) {
        this.metrics.duplicates.add(1, { 'messaging.destination.name': item.record.topic });
        continue;
      }
      toHandle.push(item);
    }
    if (toHandle.length === 0) return;
    await subscription.runBeforeBatch(
      manager,
      toHandle.map((item) => ({ envelope: item.event.envelope, message: item.event.message })),
    );
    for (const item of toHandle) await this.runHandler(manager, subscription, item);
    await subscription.runBeforeCommit(manager);
  }

  private async runHandler(
    manager: EntityManager,
    subscription: TopicHandlers<EventTopic>,
    { record, event }: Decoded,
  ): Promise<void> {
    const handler = subscription.handlerFor(event.envelope.type);
    if (!handler) return;
    const parent = extractTraceContext(record.headers);
    const span = startProcessSpan(
      record.topic,
      record.partition,
      record.offset,
      this.options.groupId,
      parent,
    );
    span.setAttribute('cloudevents.event_type', event.envelope.type);
    span.setAttribute('cloudevents.event_id', event.envelope.id);
    const started = performance.now();
    let outcome = 'success';
    try {
      await context.with(trace.setSpan(parent, span), () =>
        handler(event.message, {
          envelope: event.envelope,
          position: {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
          },
          manager,
          followUps: followUpPublisher(this.options.outbox, manager, event.envelope),
        }),
      );
    } catch (error) {
      outcome = 'error';
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
      const attributes = {
        'messaging.destination.name': record.topic,
        'cloudevents.event_type': event.envelope.type,
        outcome,
      };
      this.metrics.handlerDuration.record((performance.now() - started) / 1_000, attributes);
      this.metrics.endToEndLatency.record(
        (Date.now() - Date.parse(event.envelope.time)) / 1_000,
        attributes,
      );
    }
  }

  private async deadLetter(
    record: IncomingRecord,
    error: unknown,
    attempts: number,
    errorClass: ErrorClass = this.classify(error),
  ): Promise<void> {
    const { type, message } = describeError(error);
    const headers = deadLetterHeaders(record, {
      errorType: type,
      reason: message,
      errorClass,
      attempts,
      consumerGroup: this.options.groupId,
      failedAt: new Date(),
    });
    if (!this.dlqProducer) throw new Error('consumer is not started');
    // If this send fails the error propagates, the offset is not committed and the record comes back.
    await this.dlqProducer.send([
      {
        topic: dlqTopicName(record.topic),
        key: record.key ?? '',
        value: record.value ?? Buffer.alloc(0),
        headers,
      },
    ]);
    this.metrics.deadLettered.add(1, {
      'messaging.destination.name': record.topic,
      'error.type': type,
    });
    this.logger.error(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        errorType: type,
        reason: message,
        attempts,
      },
      'event dead-lettered',
    );
  }

  private async databaseReachable(): Promise<boolean> {
    try {
      await this.options.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Keeps the group membership alive while a slow handler or a backoff runs. */
  private async withHeartbeat<T>(batch: PartitionBatch, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      batch.heartbeat().catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async sleepWithHeartbeat(batch: PartitionBatch, ms: number): Promise<void> {
    await this.withHeartbeat(batch, () => sleep(ms, this.stopping.signal));
  }
}

function isUnhandledDeclaredType(
  subscription: TopicHandlers<EventTopic>,
  record: IncomingRecord,
): boolean {
  const type = record.headers[CloudEventHeader.type];
  return (
    type !== undefined &&
    !subscription.handlerFor(type) &&
    subscription.topic.messages.some((schema) => schema.typeName === type)
  );
}
