import { randomUUID } from 'node:crypto';
import { create, type DescMessage, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import type { OutgoingRecord } from '../kafka/kafka-port';
import { ContentType, envelopeToHeaders } from './cloud-event-headers';

/**
 * One event as a producer outside the outbox publishes it (integrators' tools, tests, benches):
 * the protobuf value with the CloudEvents binary-mode headers, keyed by `partitionKey`
 * (`<tenant>:<debtor id>`, or `<tenant>:<creditor debtor id>` on the CRM topics).
 */
export function eventRecord<S extends DescMessage>(
  topic: string,
  schema: S,
  init: MessageInitShape<S>,
  envelope: { tenantId: string; partitionKey: string; source: string; id?: string; time?: Date },
): OutgoingRecord {
  const id = envelope.id ?? randomUUID();
  return {
    topic,
    key: envelope.partitionKey,
    value: Buffer.from(toBinary(schema, create(schema, init))),
    headers: envelopeToHeaders({
      id,
      source: envelope.source,
      type: schema.typeName,
      time: (envelope.time ?? new Date()).toISOString(),
      tenantId: envelope.tenantId,
      partitionKey: envelope.partitionKey,
      correlationId: id,
      contentType: ContentType.protobuf,
    }),
  };
}
