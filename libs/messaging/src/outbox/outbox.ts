import { randomUUID } from 'node:crypto';
import type { MessageShape } from '@bufbuild/protobuf';
import {
  ContentType,
  envelopeToHeaders,
  type EventEnvelope,
} from '../cloudevents/cloud-event-headers';
import { encodePayload } from '../cloudevents/event-codec';
import type { EventTopic, SchemaOf } from '../cloudevents/event-topic';
import { injectTraceHeaders } from '../telemetry/trace-context';
import { assertSqlIdentifier, type SqlExecutor } from '../sql-identifier';

export interface EventMetadata {
  readonly tenantId: string;
  /** Usually `<tenant>:<debtor>`; becomes the Kafka key so one debtor's events stay in order. */
  readonly partitionKey: string;
  /** What the event is about, e.g. `case/<id>`; never PII. */
  readonly subject?: string;
  readonly id?: string;
  readonly time?: Date;
  readonly causationId?: string;
  readonly correlationId?: string;
}

export interface PendingEvent<
  T extends EventTopic = EventTopic,
  S extends SchemaOf<T> = SchemaOf<T>,
> {
  readonly topic: T;
  readonly schema: S;
  readonly message: MessageShape<S>;
  readonly metadata: EventMetadata;
}

/** Builds a typed pending event; the compiler rejects a schema that the topic does not carry. */
export function pendingEvent<T extends EventTopic, S extends SchemaOf<T>>(
  topic: T,
  schema: S,
  message: MessageShape<S>,
  metadata: EventMetadata,
): PendingEvent<T, S> {
  return { topic, schema, message, metadata };
}

export interface OutboxOptions {
  /** The owning service's PostgreSQL schema. */
  readonly schema: string;
  /** CloudEvents `source` of everything this service emits, e.g. `/clement/case-service`. */
  readonly source: string;
  readonly clock?: () => Date;
}

const COLUMNS_PER_ROW = 6;
// PostgreSQL accepts at most 65,535 bind parameters per statement.
const MAX_ROWS_PER_INSERT = 5_000;

/**
 * Transactional outbox: events are written in the caller's database transaction, next to the
 * state change they describe, and published later by the OutboxRelay.
 */
export class Outbox {
  private readonly table: string;
  private readonly clock: () => Date;

  constructor(private readonly options: OutboxOptions) {
    this.table = `"${assertSqlIdentifier(options.schema)}"."outbox"`;
    this.clock = options.clock ?? (() => new Date());
  }

  get schema(): string {
    return this.options.schema;
  }

  /** Appends one event inside the transaction that `executor` belongs to. */
  async append<T extends EventTopic, S extends SchemaOf<T>>(
    executor: SqlExecutor,
    topic: T,
    schema: S,
    message: MessageShape<S>,
    metadata: EventMetadata,
  ): Promise<EventEnvelope> {
    const [envelope] = await this.appendAll(executor, [{ topic, schema, message, metadata }]);
    return envelope;
  }

  /** Appends several events with one statement, in the order given. */
  async appendAll(
    executor: SqlExecutor,
    events: readonly PendingEvent[],
  ): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const envelopes: EventEnvelope[] = [];
    const rows: unknown[][] = [];
    // The writer's trace context is stored with the row so the relay's publish span continues it.
    const traceHeaders = injectTraceHeaders({});
    for (const event of events) {
      const envelope = this.envelopeFor(event);
      envelopes.push(envelope);
      rows.push([
        event.topic.name,
        envelope.partitionKey,
        envelope.id,
        envelope.type,
        JSON.stringify({ ...envelopeToHeaders(envelope), ...traceHeaders }),
        encodePayload(event.schema, event.message),
      ]);
    }
    for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
      const slice = rows.slice(start, start + MAX_ROWS_PER_INSERT);
      const placeholders = slice.map((_, index) => {
        const n = index * COLUMNS_PER_ROW;
        return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}::jsonb, $${n + 6})`;
      });
      await executor.query(
        `INSERT INTO ${this.table} ("topic", "partition_key", "event_id", "event_type", "headers", "payload") VALUES ${placeholders.join(', ')}`,
        slice.flat(),
      );
    }
    return envelopes;
  }

  private envelopeFor(event: PendingEvent): EventEnvelope {
    const { metadata } = event;
    if (!metadata.tenantId) throw new Error('an event needs a tenantId');
    if (!metadata.partitionKey) throw new Error('an event needs a partitionKey');
    // The compiler already rejects this; the check guards callers that cast the types away.
    if (!event.topic.messages.some((schema) => schema.typeName === event.schema.typeName)) {
      throw new Error(`${event.schema.typeName} is not an event type of ${event.topic.name}`);
    }
    const id = metadata.id ?? randomUUID();
    return {
      id,
      source: this.options.source,
      type: event.schema.typeName,
      time: (metadata.time ?? this.clock()).toISOString(),
      subject: metadata.subject,
      contentType: ContentType.protobuf,
      tenantId: metadata.tenantId,
      partitionKey: metadata.partitionKey,
      causationId: metadata.causationId,
      correlationId: metadata.correlationId ?? id,
    };
  }
}
