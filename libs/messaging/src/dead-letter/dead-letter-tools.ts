import { randomUUID } from 'node:crypto';
import type { IncomingRecord, KafkaPort, RecordHeaders } from '../kafka/kafka-port';
import { DeadLetterHeader, replayHeaders } from './dead-letter-headers';

export interface DeadLetter {
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly originalTopic: string;
  readonly originalPartition: number;
  readonly originalOffset: string;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly errorType: string;
  readonly reason: string;
  readonly attempts: number;
  readonly consumerGroup: string;
  readonly failedAt: string;
  readonly record: IncomingRecord;
}

export interface ReplayRequest {
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  /** A corrected payload; without it the original bytes are re-published. */
  readonly value?: Buffer;
  /** Headers to set or correct (e.g. a missing CloudEvents attribute). */
  readonly headers?: RecordHeaders;
}

/**
 * Lists and replays dead letters. Reading uses a throw-away consumer group that is deleted
 * afterwards, so browsing never moves any service's offsets.
 */
export class DeadLetterTools {
  constructor(private readonly kafka: KafkaPort) {}

  async list(dlqTopic: string, options: { timeoutMs?: number } = {}): Promise<DeadLetter[]> {
    const records = await readTopicToEnd(this.kafka, dlqTopic, options.timeoutMs);
    return records.map(toDeadLetter);
  }

  /** Re-publishes one dead letter to its original topic and returns where it came from. */
  async replay(request: ReplayRequest): Promise<DeadLetter> {
    const letters = await this.list(request.dlqTopic);
    const letter = letters.find(
      (item) => item.partition === request.partition && item.offset === request.offset,
    );
    if (!letter) {
      throw new Error(
        `no dead letter at ${request.dlqTopic} partition ${request.partition} offset ${request.offset}`,
      );
    }
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      await producer.send([
        {
          topic: letter.originalTopic,
          key: letter.key ?? '',
          value: request.value ?? letter.record.value ?? Buffer.alloc(0),
          headers: replayHeaders(letter.record, request.headers),
        },
      ]);
    } finally {
      await producer.disconnect();
    }
    return letter;
  }
}

/**
 * Reads every record a topic holds right now, from the beginning to the high watermarks, with a
 * throw-away consumer group that is deleted afterwards.
 */
export async function readTopicToEnd(
  kafka: KafkaPort,
  topic: string,
  timeoutMs = 30_000,
): Promise<IncomingRecord[]> {
  const admin = await kafka.admin();
  const groupId = `clement-topic-reader-${randomUUID()}`;
  try {
    const offsets = await admin.topicOffsets(topic);
    const remaining = new Map(
      offsets
        .filter((entry) => BigInt(entry.high) > BigInt(entry.low))
        .map((entry) => [entry.partition, BigInt(entry.high)]),
    );
    const records: IncomingRecord[] = [];
    if (remaining.size === 0) return records;
    const consumer = kafka.consumer({ groupId, topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run(async (batch) => {
          for (const record of batch.records) {
            // Without it the next fetch starts where this one did: a partition holding more
            // than one fetch (1 MB) would be read again and again, never to its end.
            batch.markProcessed(record.offset);
            const high = remaining.get(batch.partition);
            if (high === undefined || BigInt(record.offset) >= high) continue;
            records.push(record);
            if (BigInt(record.offset) + 1n >= high) remaining.delete(batch.partition);
          }
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
    }).finally(() => consumer.disconnect());
    return records.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  } finally {
    await admin.deleteGroup(groupId).catch(() => undefined);
    await admin.disconnect();
  }
}

function toDeadLetter(record: IncomingRecord): DeadLetter {
  const header = (name: string) => record.headers[name] ?? '';
  return {
    dlqTopic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    originalTopic: header(DeadLetterHeader.originalTopic),
    originalPartition: Number(header(DeadLetterHeader.originalPartition)),
    originalOffset: header(DeadLetterHeader.originalOffset),
    eventId: record.headers['ce_id'],
    eventType: record.headers['ce_type'],
    errorType: header(DeadLetterHeader.errorType),
    reason: header(DeadLetterHeader.reason),
    attempts: Number(header(DeadLetterHeader.attempts)),
    consumerGroup: header(DeadLetterHeader.consumerGroup),
    failedAt: header(DeadLetterHeader.failedAt),
    record,
  };
}
