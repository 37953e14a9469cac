import {
  CompressionTypes,
  Kafka,
  logLevel as KafkaLogLevel,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
} from 'kafkajs';
import type {
  IncomingRecord,
  KafkaAdminPort,
  KafkaPort,
  RecordConsumer,
  RecordConsumerOptions,
  RecordHeaders,
  RecordProducer,
} from './kafka-port';

export interface KafkajsAdapterOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Receives kafkajs warnings and errors; info-level chatter is dropped. */
  readonly onLog?: (
    level: 'warn' | 'error',
    message: string,
    extra: Record<string, unknown>,
  ) => void;
}

/** The only place in Clement that imports kafkajs. */
export function createKafkajsPort(options: KafkajsAdapterOptions): KafkaPort {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        if (!options.onLog) return;
        if (level === KafkaLogLevel.ERROR) options.onLog('error', message, extra);
        else if (level === KafkaLogLevel.WARN) options.onLog('warn', message, extra);
      },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
  });

  return {
    producer: () => createProducer(kafka),
    consumer: (consumerOptions) => createConsumer(kafka, consumerOptions),
    admin: () => createAdmin(kafka),
  };
}

function createProducer(kafka: Kafka): RecordProducer {
  // Idempotent with one in-flight request: broker-side dedupe of retries and strict per-partition order.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(records) {
      if (records.length === 0) return;
      const byTopic = new Map<string, { key: string; value: Buffer; headers: RecordHeaders }[]>();
      for (const record of records) {
        const list = byTopic.get(record.topic) ?? [];
        list.push({ key: record.key, value: record.value, headers: record.headers });
        byTopic.set(record.topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    },
  };
}

function createConsumer(kafka: Kafka, options: RecordConsumerOptions): RecordConsumer {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
  });
  return {
    async run(handler) {
      if (options.onGroupJoin) consumer.on(consumer.events.GROUP_JOIN, options.onGroupJoin);
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning ?? true,
      });
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: options.commitIntervalMs ?? 1_000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({
          batch,
          resolveOffset,
          heartbeat,
          commitOffsetsIfNecessary,
          uncommittedOffsets,
          isRunning,
          isStale,
        }) => {
          await handler({
            topic: batch.topic,
            partition: batch.partition,
            records: batch.messages.map((message) =>
              toIncomingRecord(batch.topic, batch.partition, message),
            ),
            lag: Number(batch.offsetLag()),
            markProcessed: (offset) => resolveOffset(offset),
            commit: (commitOptions) =>
              commitOptions?.now
                ? commitOffsetsIfNecessary(uncommittedOffsets())
                : commitOffsetsIfNecessary(),
            heartbeat: () => heartbeat(),
            shouldContinue: () => isRunning() && !isStale(),
          });
        },
      });
    },
    disconnect: () => consumer.disconnect(),
  };
}

async function createAdmin(kafka: Kafka): Promise<KafkaAdminPort> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    async ensureTopics(topics) {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic.name));
      if (missing.length === 0) return [];
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
      return missing.map((topic) => topic.name);
    },
    async topicOffsets(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((entry) => ({ partition: entry.partition, low: entry.low, high: entry.high }))
        .sort((a, b) => a.partition - b.partition);
    },
    async groupOffsets(groupId, topic) {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (entry?.partitions ?? [])
        .map((partition) => ({ partition: partition.partition, offset: partition.offset }))
        .sort((a, b) => a.partition - b.partition);
    },
    async describeCluster() {
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    },
    async deleteGroup(groupId) {
      await admin.deleteGroups([groupId]);
    },
    disconnect: () => admin.disconnect(),
  };
}

function toIncomingRecord(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: decodeHeaders(message.headers),
    timestamp: message.timestamp,
  };
}

function decodeHeaders(headers: IHeaders | undefined): RecordHeaders {
  const decoded: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    // A repeated header arrives as an array; the last value wins, as in most Kafka clients.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined)
      decoded[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return decoded;
}
