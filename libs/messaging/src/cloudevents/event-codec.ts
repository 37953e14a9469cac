import {
  fromBinary,
  fromJson,
  toBinary,
  type DescMessage,
  type JsonValue,
  type MessageShape,
} from '@bufbuild/protobuf';
import { MalformedEventError } from '../errors';
import { ContentType, envelopeFromHeaders, type EventEnvelope } from './cloud-event-headers';
import type { EventTopic } from './event-topic';
import type { IncomingRecord } from '../kafka/kafka-port';

export interface DecodedEvent<S extends DescMessage = DescMessage> {
  readonly envelope: EventEnvelope;
  readonly schema: S;
  readonly message: MessageShape<S>;
}

export function encodePayload<S extends DescMessage>(schema: S, message: MessageShape<S>): Buffer {
  return Buffer.from(toBinary(schema, message));
}

/**
 * Turns a record into an envelope and a typed message, or throws MalformedEventError with the
 * reason a person can act on. Only types declared on the topic are accepted.
 */
export function decodeRecord(topic: EventTopic, record: IncomingRecord): DecodedEvent {
  const envelope = envelopeFromHeaders(record.headers);
  if (record.key === null || record.key === '') {
    throw new MalformedEventError('missing-key', 'record has no key (expected the partition key)');
  }
  const schema = topic.messages.find((candidate) => candidate.typeName === envelope.type);
  if (!schema) {
    throw new MalformedEventError(
      'event-type-not-allowed-on-topic',
      `${envelope.type} is not an event type of ${topic.name}`,
    );
  }
  if (record.value === null) {
    throw new MalformedEventError('undecodable-payload', 'record has no value');
  }
  return { envelope, schema, message: decodePayload(topic, schema, envelope, record.value) };
}

function decodePayload(
  topic: EventTopic,
  schema: DescMessage,
  envelope: EventEnvelope,
  value: Buffer,
): MessageShape<DescMessage> {
  switch (envelope.contentType) {
    case ContentType.protobuf:
      try {
        return fromBinary(schema, value);
      } catch (error) {
        throw new MalformedEventError(
          'undecodable-payload',
          `invalid protobuf for ${schema.typeName}: ${(error as Error).message}`,
        );
      }
    case ContentType.json: {
      if (!topic.acceptsJson) {
        throw new MalformedEventError(
          'unsupported-content-type',
          `${topic.name} accepts application/protobuf only`,
        );
      }
      let json: JsonValue;
      try {
        json = JSON.parse(value.toString('utf8')) as JsonValue;
      } catch (error) {
        throw new MalformedEventError(
          'undecodable-payload',
          `invalid JSON: ${(error as Error).message}`,
        );
      }
      try {
        return fromJson(schema, json);
      } catch (error) {
        throw new MalformedEventError(
          'undecodable-payload',
          `JSON does not match ${schema.typeName}: ${(error as Error).message}`,
        );
      }
    }
  }
}
