import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { RecordHeaders } from '../kafka/kafka-port';

export const messagingTracer = () => trace.getTracer('clement.messaging');

const headerSetter: TextMapSetter<RecordHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const headerGetter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** W3C trace context (traceparent, tracestate) of the given context, as headers. */
export function injectTraceHeaders(
  into: RecordHeaders,
  from: Context = context.active(),
): RecordHeaders {
  propagation.inject(from, into, headerSetter);
  return into;
}

export function extractTraceContext(headers: RecordHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Producer span whose parent is the context that wrote the event (possibly long ago, via the outbox). */
export function startPublishSpan(topic: string, eventType: string, parent: Context): Span {
  return messagingTracer().startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'publish',
        'messaging.destination.name': topic,
        'cloudevents.event_type': eventType,
      },
    },
    parent,
  );
}

export function startProcessSpan(
  topic: string,
  partition: number,
  offset: string,
  groupId: string,
  parent: Context,
): Span {
  return messagingTracer().startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(offset),
        'messaging.consumer.group.name': groupId,
      },
    },
    parent,
  );
}
