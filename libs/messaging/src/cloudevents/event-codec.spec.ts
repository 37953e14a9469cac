import { create, toBinary, toJsonString } from '@bufbuild/protobuf';
import { ProbeEmittedSchema, topicCatalogue } from '@clement/contracts';
import { MalformedEventError } from '../errors';
import type { IncomingRecord, RecordHeaders } from '../kafka/kafka-port';
import {
  ContentType,
  envelopeFromHeaders,
  envelopeToHeaders,
  type EventEnvelope,
} from './cloud-event-headers';
import { decodeRecord } from './event-codec';
import type { EventTopic } from './event-topic';

const envelope: EventEnvelope = {
  id: '5d1c3a8e-0d5f-4d5e-9b0a-2b8e7c9f1a11',
  source: '/clement/test',
  type: ProbeEmittedSchema.typeName,
  time: '2026-11-23T08:30:00.000Z',
  subject: 'probe/run-1',
  contentType: ContentType.protobuf,
  tenantId: 'tenant-a',
  partitionKey: 'tenant-a:debtor-1',
  correlationId: '5d1c3a8e-0d5f-4d5e-9b0a-2b8e7c9f1a11',
};

const probe = create(ProbeEmittedSchema, { probeId: 'run-1', sequence: 7n, note: 'hello' });

function record(
  headers: RecordHeaders,
  value: Buffer | null,
  key: string | null = 'tenant-a:debtor-1',
): IncomingRecord {
  return {
    topic: 'platform.internal.probes.v1',
    partition: 0,
    offset: '0',
    key,
    value,
    headers,
    timestamp: '0',
  };
}

function reasonOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof MalformedEventError) return error.reason;
    throw error;
  }
  throw new Error('expected a MalformedEventError');
}

describe('CloudEvents binary-mode headers', () => {
  it('round-trips every attribute and extension', () => {
    const headers = envelopeToHeaders({ ...envelope, causationId: 'cause-1' });
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: envelope.id,
      ce_type: 'clement.platform.v1.ProbeEmitted',
      'content-type': 'application/protobuf',
      ce_tenantid: 'tenant-a',
      ce_partitionkey: 'tenant-a:debtor-1',
      ce_causationid: 'cause-1',
    });
    expect(envelopeFromHeaders(headers)).toEqual({ ...envelope, causationId: 'cause-1' });
  });

  it.each([
    'ce_id',
    'ce_source',
    'ce_type',
    'ce_specversion',
    'ce_time',
    'content-type',
    'ce_tenantid',
    'ce_partitionkey',
  ])('rejects a record without %s', (header) => {
    const headers = envelopeToHeaders(envelope);
    delete headers[header];
    expect(() => envelopeFromHeaders(headers)).toThrow(`header ${header} is missing`);
  });

  it('rejects an unparseable time and a foreign spec version', () => {
    expect(
      reasonOf(() => envelopeFromHeaders({ ...envelopeToHeaders(envelope), ce_time: 'yesterday' })),
    ).toBe('invalid-attribute');
    expect(
      reasonOf(() =>
        envelopeFromHeaders({ ...envelopeToHeaders(envelope), ce_specversion: '0.3' }),
      ),
    ).toBe('invalid-attribute');
  });

  it('defaults the correlation id to the event id', () => {
    const headers = envelopeToHeaders(envelope);
    delete headers['ce_correlationid'];
    expect(envelopeFromHeaders(headers).correlationId).toBe(envelope.id);
  });
});

describe('decodeRecord', () => {
  const internal = topicCatalogue.platformProbes;
  const inbound: EventTopic = { ...internal, name: 'crm.inbound.events.v1', acceptsJson: true };

  it('decodes a protobuf payload into the typed message', () => {
    const decoded = decodeRecord(
      internal,
      record(envelopeToHeaders(envelope), Buffer.from(toBinary(ProbeEmittedSchema, probe))),
    );
    expect(decoded.schema.typeName).toBe(ProbeEmittedSchema.typeName);
    expect(decoded.message).toMatchObject({ probeId: 'run-1', sequence: 7n, note: 'hello' });
  });

  it('accepts the protobuf JSON mapping only on topics that allow it', () => {
    const headers = envelopeToHeaders({ ...envelope, contentType: ContentType.json });
    const json = Buffer.from(toJsonString(ProbeEmittedSchema, probe));
    expect(decodeRecord(inbound, record(headers, json)).message).toMatchObject({ sequence: 7n });
    expect(reasonOf(() => decodeRecord(internal, record(headers, json)))).toBe(
      'unsupported-content-type',
    );
  });

  it('names what is wrong with a broken record', () => {
    const headers = envelopeToHeaders(envelope);
    expect(
      reasonOf(() => decodeRecord(internal, record(headers, Buffer.from([0xff, 0xff, 0xff])))),
    ).toBe('undecodable-payload');
    expect(
      reasonOf(() =>
        decodeRecord(
          internal,
          record({ ...headers, ce_type: 'clement.x.v1.Unknown' }, Buffer.alloc(0)),
        ),
      ),
    ).toBe('event-type-not-allowed-on-topic');
    expect(reasonOf(() => decodeRecord(internal, record(headers, Buffer.alloc(0), null)))).toBe(
      'missing-key',
    );
    expect(reasonOf(() => decodeRecord(internal, record(headers, null)))).toBe(
      'undecodable-payload',
    );
    const jsonHeaders = envelopeToHeaders({ ...envelope, contentType: ContentType.json });
    expect(
      reasonOf(() => decodeRecord(inbound, record(jsonHeaders, Buffer.from('{"sequence": "x"')))),
    ).toBe('undecodable-payload');
    expect(
      reasonOf(() => decodeRecord(inbound, record(jsonHeaders, Buffer.from('{"noSuchField": 1}')))),
    ).toBe('undecodable-payload');
    expect(
      reasonOf(() =>
        decodeRecord(
          internal,
          record({ ...headers, 'content-type': 'text/plain' }, Buffer.alloc(0)),
        ),
      ),
    ).toBe('unsupported-content-type');
  });
});
