import type { DescMessage, Message, MessageShape } from '@bufbuild/protobuf';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../cloudevents/cloud-event-headers';
import type { EventTopic, SchemaOf } from '../cloudevents/event-topic';
import type { EventMetadata, Outbox } from '../outbox/outbox';

/** Where a consumed event came from. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The record's Kafka timestamp (ms since the epoch): when the relay published it. */
  readonly timestamp: string;
}

/** An event about to be handled, as a `beforeBatch` hook sees it. */
export interface HandledEvent {
  readonly envelope: EventEnvelope;
  readonly message: Message;
}

/** Publishes follow-up events in the handler's transaction, caused by the event being handled. */
export interface FollowUpPublisher {
  publish<T extends EventTopic, S extends SchemaOf<T>>(
    topic: T,
    schema: S,
    message: MessageShape<S>,
    metadata?: Partial<EventMetadata>,
  ): Promise<EventEnvelope>;
}

export interface EventContext {
  readonly envelope: EventEnvelope;
  readonly position: RecordPosition;
  /** The transaction that also records the event in the inbox: write effects through it. */
  readonly manager: EntityManager;
  readonly followUps: FollowUpPublisher;
}

export type EventHandler<S extends DescMessage> = (
  message: MessageShape<S>,
  context: EventContext,
) => Promise<void>;

/**
 * Handlers for one topic, keyed by event type. Types without a handler are acknowledged and
 * skipped: a consumer does not have to care about every event on a topic.
 */
export class TopicHandlers<T extends EventTopic> {
  private readonly handlers = new Map<string, EventHandler<DescMessage>>();
  private readonly commitHooks: ((manager: EntityManager) => Promise<void>)[] = [];
  private readonly batchHooks: ((
    manager: EntityManager,
    events: readonly HandledEvent[],
  ) => Promise<void>)[] = [];

  constructor(readonly topic: T) {}

  /**
   * Runs once per transaction, after its events' handlers and before it commits: handlers can
   * leave writes for the whole batch (e.g. one multi-row insert) to it. A failure rolls the
   * transaction back like a handler's.
   */
  beforeCommit(hook: (manager: EntityManager) => Promise<void>): this {
    this.commitHooks.push(hook);
    return this;
  }

  async runBeforeCommit(manager: EntityManager): Promise<void> {
    for (const hook of this.commitHooks) await hook(manager);
  }

  /**
   * Runs once per transaction before its handlers, with the events they are about to handle
   * (new ones only, in order): a subscription can load what the whole batch needs with a few
   * queries instead of a few per event.
   */
  beforeBatch(
    hook: (manager: EntityManager, events: readonly HandledEvent[]) => Promise<void>,
  ): this {
    this.batchHooks.push(hook);
    return this;
  }

  async runBeforeBatch(manager: EntityManager, events: readonly HandledEvent[]): Promise<void> {
    for (const hook of this.batchHooks) await hook(manager, events);
  }

  on<S extends SchemaOf<T>>(schema: S, handler: EventHandler<S>): this {
    if (this.handlers.has(schema.typeName))
      throw new Error(`${schema.typeName} already has a handler`);
    this.handlers.set(schema.typeName, handler as unknown as EventHandler<DescMessage>);
    return this;
  }

  handlerFor(eventType: string): EventHandler<DescMessage> | undefined {
    return this.handlers.get(eventType);
  }
}

export function handlersFor<T extends EventTopic>(topic: T): TopicHandlers<T> {
  return new TopicHandlers(topic);
}

/** Binds an outbox to a transaction and to the causing event's ids. */
export function followUpPublisher(
  outbox: Outbox,
  manager: EntityManager,
  cause: EventEnvelope,
): FollowUpPublisher {
  return {
    publish: (topic, schema, message, metadata = {}) =>
      outbox.append(manager, topic, schema, message, {
        tenantId: cause.tenantId,
        partitionKey: cause.partitionKey,
        ...metadata,
        causationId: metadata.causationId ?? cause.id,
        correlationId: metadata.correlationId ?? cause.correlationId,
      }),
  };
}
