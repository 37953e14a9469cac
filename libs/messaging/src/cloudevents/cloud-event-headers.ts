import { MalformedEventError } from '../errors';
import type { RecordHeaders } from '../kafka/kafka-port';

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel as `ce_`
 * headers, the data is the record value and `datacontenttype` maps to `content-type`.
 * Written here rather than through the `cloudevents` SDK because its Kafka binding expects
 * string headers (kafkajs delivers buffers), writes empty and duplicate headers, and parses bodies.
 */
export const CE_SPEC_VERSION = '1.0';

export const ContentType = {
  protobuf: 'application/protobuf',
  json: 'application/json',
} as const;
export type EventContentType = (typeof ContentType)[keyof typeof ContentType];

export const CloudEventHeader = {
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  tenantId: 'ce_tenantid',
  partitionKey: 'ce_partitionkey',
  causationId: 'ce_causationid',
  correlationId: 'ce_correlationid',
} as const;

export interface EventEnvelope {
  readonly id: string;
  readonly source: string;
  /** The protobuf full name of the payload, e.g. `clement.platform.v1.ProbeEmitted`. */
  readonly type: string;
  readonly time: string;
  readonly subject?: string;
  readonly contentType: EventContentType;
  readonly tenantId: string;
  /** `<tenant>:<debtor or case>`; also the Kafka record key, so one debtor's events stay in order. */
  readonly partitionKey: string;
  /** The event that caused this one, when there is one. */
  readonly causationId?: string;
  /** The first event of the chain this one belongs to. */
  readonly correlationId: string;
}

export function envelopeToHeaders(envelope: EventEnvelope): RecordHeaders {
  const headers: RecordHeaders = {
    [CloudEventHeader.specversion]: CE_SPEC_VERSION,
    [CloudEventHeader.id]: envelope.id,
    [CloudEventHeader.source]: envelope.source,
    [CloudEventHeader.type]: envelope.type,
    [CloudEventHeader.time]: envelope.time,
    [CloudEventHeader.contentType]: envelope.contentType,
    [CloudEventHeader.tenantId]: envelope.tenantId,
    [CloudEventHeader.partitionKey]: envelope.partitionKey,
    [CloudEventHeader.correlationId]: envelope.correlationId,
  };
  if (envelope.subject !== undefined) headers[CloudEventHeader.subject] = envelope.subject;
  if (envelope.causationId !== undefined)
    headers[CloudEventHeader.causationId] = envelope.causationId;
  return headers;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads and validates the envelope; a broken one throws MalformedEventError naming the header. */
export function envelopeFromHeaders(headers: RecordHeaders): EventEnvelope {
  const required = (name: string): string => {
    const value = headers[name];
    if (value === undefined || value === '') {
      throw new MalformedEventError('missing-attribute', `header ${name} is missing`);
    }
    return value;
  };
  const specversion = required(CloudEventHeader.specversion);
  if (specversion !== CE_SPEC_VERSION) {
    throw new MalformedEventError(
      'invalid-attribute',
      `${CloudEventHeader.specversion} must be 1.0, got ${specversion}`,
    );
  }
  const time = required(CloudEventHeader.time);
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) {
    throw new MalformedEventError(
      'invalid-attribute',
      `${CloudEventHeader.time} is not an RFC 3339 timestamp`,
    );
  }
  const contentType = parseContentType(required(CloudEventHeader.contentType));
  const id = required(CloudEventHeader.id);
  return {
    id,
    source: required(CloudEventHeader.source),
    type: required(CloudEventHeader.type),
    time,
    subject: headers[CloudEventHeader.subject],
    contentType,
    tenantId: required(CloudEventHeader.tenantId),
    partitionKey: required(CloudEventHeader.partitionKey),
    causationId: headers[CloudEventHeader.causationId],
    correlationId: headers[CloudEventHeader.correlationId] ?? id,
  };
}

function parseContentType(value: string): EventContentType {
  const mediaType = value.split(';')[0].trim().toLowerCase();
  if (mediaType === ContentType.protobuf || mediaType === 'application/x-protobuf')
    return ContentType.protobuf;
  if (mediaType === ContentType.json) return ContentType.json;
  throw new MalformedEventError(
    'unsupported-content-type',
    `content-type ${value} is not supported`,
  );
}
