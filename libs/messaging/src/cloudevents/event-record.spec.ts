import { caseV1, topicCatalogue } from '@clement/contracts';
import { decodeRecord } from './event-codec';
import { eventRecord } from './event-record';

describe('eventRecord', () => {
  it('is a record the consumers decode: key, CloudEvents envelope and protobuf value', () => {
    const record = eventRecord(
      topicCatalogue.caseEvents.name,
      caseV1.HoldLiftedSchema,
      { caseId: 'case-1', debtorId: 'debtor-1', holdId: 'hold-1' },
      {
        tenantId: 'acme',
        partitionKey: 'acme:debtor-1',
        source: '/clement/case-service',
        id: 'event-1',
        time: new Date('2026-11-30T10:00:00Z'),
      },
    );
    expect(record.key).toBe('acme:debtor-1');
    const decoded = decodeRecord(topicCatalogue.caseEvents, {
      ...record,
      partition: 0,
      offset: '0',
      timestamp: '0',
    });
    expect(decoded.envelope).toMatchObject({
      id: 'event-1',
      type: 'clement.case.v1.HoldLifted',
      source: '/clement/case-service',
      tenantId: 'acme',
      partitionKey: 'acme:debtor-1',
      time: '2026-11-30T10:00:00.000Z',
    });
    expect(decoded.message).toMatchObject({ caseId: 'case-1', holdId: 'hold-1' });
  });
});
