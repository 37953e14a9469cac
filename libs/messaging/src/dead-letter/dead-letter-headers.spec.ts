import type { IncomingRecord } from '../kafka/kafka-port';
import { deadLetterHeaders, replayHeaders, REPLAYED_FROM_HEADER } from './dead-letter-headers';

const record: IncomingRecord = {
  topic: 'platform.internal.probes.v1',
  partition: 3,
  offset: '42',
  key: 'tenant-a:debtor-1',
  value: Buffer.from('x'),
  headers: { ce_id: 'e-1', ce_type: 'clement.platform.v1.ProbeEmitted' },
  timestamp: '0',
};

describe('dead-letter headers', () => {
  it('keep the original headers and say why, where and how often it failed', () => {
    const headers = deadLetterHeaders(record, {
      errorType: 'MalformedEventError',
      reason: 'undecodable-payload: invalid protobuf',
      errorClass: 'permanent',
      attempts: 1,
      consumerGroup: 'case-service',
      failedAt: new Date('2026-11-23T10:00:00Z'),
    });
    expect(headers).toEqual({
      ce_id: 'e-1',
      ce_type: 'clement.platform.v1.ProbeEmitted',
      'dlq-reason': 'undecodable-payload: invalid protobuf',
      'dlq-error-type': 'MalformedEventError',
      'dlq-error-class': 'permanent',
      'dlq-attempts': '1',
      'dlq-original-topic': 'platform.internal.probes.v1',
      'dlq-original-partition': '3',
      'dlq-original-offset': '42',
      'dlq-consumer-group': 'case-service',
      'dlq-failed-at': '2026-11-23T10:00:00.000Z',
    });
  });

  it('truncate very long reasons', () => {
    const headers = deadLetterHeaders(record, {
      errorType: 'Error',
      reason: 'x'.repeat(5_000),
      errorClass: 'transient',
      attempts: 5,
      consumerGroup: 'g',
      failedAt: new Date(),
    });
    expect(headers['dlq-reason']).toHaveLength(1_000);
  });

  it('are stripped on replay, with provenance and corrections added', () => {
    const dead: IncomingRecord = {
      ...record,
      topic: 'platform.internal.probes.v1.dlq',
      partition: 0,
      offset: '7',
      headers: deadLetterHeaders(record, {
        errorType: 'E',
        reason: 'r',
        errorClass: 'permanent',
        attempts: 1,
        consumerGroup: 'g',
        failedAt: new Date(),
      }),
    };
    expect(
      replayHeaders(dead, { ce_type: 'clement.platform.v1.ProbeEmitted', ce_source: '/fixed' }),
    ).toEqual({
      ce_id: 'e-1',
      ce_type: 'clement.platform.v1.ProbeEmitted',
      ce_source: '/fixed',
      [REPLAYED_FROM_HEADER]: 'platform.internal.probes.v1.dlq/0/7',
    });
  });
});
