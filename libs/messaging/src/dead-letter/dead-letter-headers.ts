import type { IncomingRecord, RecordHeaders } from '../kafka/kafka-port';
import type { ErrorClass } from '../errors';

export const DeadLetterHeader = {
  reason: 'dlq-reason',
  errorType: 'dlq-error-type',
  errorClass: 'dlq-error-class',
  attempts: 'dlq-attempts',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
} as const;

export const REPLAYED_FROM_HEADER = 'clement-replayed-from';

const MAX_REASON_LENGTH = 1_000;

export interface DeadLetterCause {
  readonly errorType: string;
  readonly reason: string;
  readonly errorClass: ErrorClass;
  readonly attempts: number;
  readonly consumerGroup: string;
  readonly failedAt: Date;
}

/** The original headers plus the ones that say why and where the record failed. */
export function deadLetterHeaders(record: IncomingRecord, cause: DeadLetterCause): RecordHeaders {
  return {
    ...record.headers,
    [DeadLetterHeader.reason]: cause.reason.slice(0, MAX_REASON_LENGTH),
    [DeadLetterHeader.errorType]: cause.errorType,
    [DeadLetterHeader.errorClass]: cause.errorClass,
    [DeadLetterHeader.attempts]: String(cause.attempts),
    [DeadLetterHeader.originalTopic]: record.topic,
    [DeadLetterHeader.originalPartition]: String(record.partition),
    [DeadLetterHeader.originalOffset]: record.offset,
    [DeadLetterHeader.consumerGroup]: cause.consumerGroup,
    [DeadLetterHeader.failedAt]: cause.failedAt.toISOString(),
  };
}

/** Headers for re-publishing a dead letter: the dead-letter ones go, a provenance one is added. */
export function replayHeaders(
  deadLetter: IncomingRecord,
  overrides: RecordHeaders = {},
): RecordHeaders {
  const headers: RecordHeaders = {};
  const dlqNames = new Set<string>(Object.values(DeadLetterHeader));
  for (const [name, value] of Object.entries(deadLetter.headers)) {
    if (!dlqNames.has(name)) headers[name] = value;
  }
  headers[REPLAYED_FROM_HEADER] =
    `${deadLetter.topic}/${deadLetter.partition}/${deadLetter.offset}`;
  return { ...headers, ...overrides };
}
