import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { crmV1, HoldKind } from '@clement/contracts';
import {
  ContentType,
  envelopeToHeaders,
  type IncomingRecord,
  type KafkaPort,
  type PartitionBatch,
  type RecordConsumerOptions,
} from '@clement/messaging';
import { tailedEvent, tailOutbound, type TailedEvent } from './crm-tail';

function outboundRecord(offset: number, tenant = 'acme-bank'): IncomingRecord {
  const key = `${tenant}:C-${offset}`;
  return {
    topic: 'crm.outbound.events.v1',
    partition: 0,
    offset: String(offset),
    key,
    value: Buffer.from(
      toBinary(
        crmV1.HoldPlacedSchema,
        create(crmV1.HoldPlacedSchema, {
          creditorDebtorId: `C-${offset}`,
          caseId: 'case-1',
          holdId: `hold-${offset}`,
          kind: HoldKind.DISPUTE,
          startsAt: timestampFromDate(new Date('2026-11-24T08:30:00Z')),
        }),
      ),
    ),
    headers: envelopeToHeaders({
      id: `evt-${offset}`,
      source: '/clement/case-service',
      type: crmV1.HoldPlacedSchema.typeName,
      time: '2026-11-24T08:30:00Z',
      contentType: ContentType.protobuf,
      tenantId: tenant,
      partitionKey: key,
      correlationId: `evt-${offset}`,
    }),
    timestamp: '0',
  };
}

/** A KafkaPort whose one consumer delivers `records` in one batch and records the clean-up. */
function fakeKafka(records: IncomingRecord[]) {
  const calls: string[] = [];
  let options: RecordConsumerOptions | undefined;
  const kafka: KafkaPort = {
    producer: () => {
      throw new Error('not used');
    },
    consumer: (consumerOptions) => {
      options = consumerOptions;
      return {
        run: async (handler) => {
          calls.push('run');
          const batch: PartitionBatch = {
            topic: 'crm.outbound.events.v1',
            partition: 0,
            records,
            lag: 0,
            markProcessed: () => undefined,
            commit: async () => undefined,
            heartbeat: async () => undefined,
            shouldContinue: () => true,
          };
          setImmediate(() => void handler(batch));
        },
        disconnect: async () => void calls.push('disconnect'),
      };
    },
    admin: async () => ({
      ensureTopics: async () => [],
      topicOffsets: async () => [],
      groupOffsets: async () => [],
      describeCluster: async () => ({ brokers: 1, controller: 1 }),
      deleteGroup: async (groupId) => void calls.push(`deleteGroup ${groupId}`),
      disconnect: async () => undefined,
    }),
  };
  return { kafka, calls, options: () => options };
}

describe('tailing crm.outbound.events.v1', () => {
  it('prints an event as time, type, tenant, key and protobuf JSON', () => {
    expect(tailedEvent(outboundRecord(1))).toEqual({
      event: {
        time: '2026-11-24T08:30:00Z',
        type: 'clement.crm.v1.HoldPlaced',
        tenant: 'acme-bank',
        key: 'acme-bank:C-1',
        data: {
          creditorDebtorId: 'C-1',
          caseId: 'case-1',
          holdId: 'hold-1',
          kind: 'HOLD_KIND_DISPUTE',
          startsAt: '2026-11-24T08:30:00Z',
        },
      },
    });
  });

  it('skips a record that does not decode, saying why', () => {
    const broken = { ...outboundRecord(1), value: Buffer.from([0x0a, 0xff, 0xff]) };
    expect(tailedEvent(broken)).toEqual({
      skipped: expect.stringContaining('invalid protobuf for clement.crm.v1.HoldPlaced'),
    });
    const inbound = {
      ...outboundRecord(2),
      headers: { ...outboundRecord(2).headers, ce_type: 'clement.crm.v1.AccountPlaced' },
    };
    expect(tailedEvent(inbound)).toEqual({
      skipped:
        'event-type-not-allowed-on-topic: clement.crm.v1.AccountPlaced is not an event type of crm.outbound.events.v1',
    });
  });

  it("stops after --max of the tenant's events, then leaves and deletes its group", async () => {
    const { kafka, calls, options } = fakeKafka([
      outboundRecord(1),
      outboundRecord(2, 'other-bank'),
      { ...outboundRecord(3), value: Buffer.from([0xff]) },
      outboundRecord(4),
      outboundRecord(5),
    ]);
    const events: TailedEvent[] = [];
    const skipped: string[] = [];
    const printed = await tailOutbound(
      kafka,
      { tenant: 'acme-bank', fromBeginning: true, max: 2 },
      { event: (event) => events.push(event), skipped: (record) => skipped.push(record.offset) },
    );
    expect(printed).toBe(2);
    expect(events.map((event) => event.key)).toEqual(['acme-bank:C-1', 'acme-bank:C-4']);
    expect(skipped).toEqual(['3']);
    expect(options()).toMatchObject({
      groupId: expect.stringMatching(/^clement-cli-tail-/),
      topics: ['crm.outbound.events.v1'],
      fromBeginning: true,
    });
    expect(calls).toEqual(['run', 'disconnect', `deleteGroup ${options()!.groupId}`]);
  });

  it('stops when idle for --idle-timeout', async () => {
    const { kafka } = fakeKafka([outboundRecord(1)]);
    const events: TailedEvent[] = [];
    const printed = await tailOutbound(
      kafka,
      { fromBeginning: false, idleTimeoutMs: 50 },
      { event: (event) => events.push(event), skipped: () => undefined },
    );
    expect(printed).toBe(1);
  });

  it('stops on Ctrl-C', async () => {
    const { kafka, calls } = fakeKafka([]);
    const interrupt = new AbortController();
    const tail = tailOutbound(
      kafka,
      { fromBeginning: false, signal: interrupt.signal },
      { event: () => undefined, skipped: () => undefined },
    );
    setTimeout(() => interrupt.abort(), 20);
    await expect(tail).resolves.toBe(0);
    expect(calls).toContain('disconnect');
  });
});
