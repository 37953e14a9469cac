/**
 * The messaging library's own view of a Kafka client. Services and the rest of this library
 * depend on these interfaces only; `kafkajs` is confined to kafkajs-adapter.ts so a maintained
 * client can replace it in one place.
 */

export type RecordHeaders = Record<string, string>;

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: RecordHeaders;
}

export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  readonly timestamp: string;
}

export interface RecordProducer {
  connect(): Promise<void>;
  /** Sends records and resolves once the broker acknowledged all of them (acks=all). */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** One partition's slice of records handed to a consumer, with the controls it needs. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly IncomingRecord[];
  /** Records between the last one in this batch and the partition's high watermark. */
  readonly lag: number;
  /** Marks a record done; its offset + 1 is committed. */
  markProcessed(offset: string): void;
  /** Commits processed offsets: now, or when the commit interval has passed. */
  commit(options?: { now?: boolean }): Promise<void>;
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked by a rebalance. */
  shouldContinue(): boolean;
}

export interface RecordConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  /** Offsets of processed records are committed at most this often (redelivery window on a crash). */
  readonly commitIntervalMs?: number;
  /** Called each time this member joins the group, i.e. after every rebalance it takes part in. */
  readonly onGroupJoin?: () => void;
}

export interface RecordConsumer {
  /** Starts consuming; the handler sees each partition's records in offset order. */
  run(handler: (batch: PartitionBatch) => Promise<void>): Promise<void>;
  /** Stops fetching, lets the in-flight batch finish and leaves the group. */
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Record<string, string>;
}

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export interface KafkaAdminPort {
  /** Creates missing topics; existing ones are left as they are. Returns the names created. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** A group's committed offsets on a topic, per partition ("-1" where it committed none). */
  groupOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]>;
  describeCluster(): Promise<{ brokers: number; controller: number | null }>;
  deleteGroup(groupId: string): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaPort {
  producer(): RecordProducer;
  consumer(options: RecordConsumerOptions): RecordConsumer;
  admin(): Promise<KafkaAdminPort>;
}
