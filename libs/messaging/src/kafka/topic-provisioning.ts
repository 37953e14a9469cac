import type { KafkaAdminPort, TopicSpec } from './kafka-port';

export interface DeclaredTopic {
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
  readonly cleanupPolicy: string;
}

export function topicSpec(topic: DeclaredTopic): TopicSpec {
  return {
    name: topic.name,
    partitions: topic.partitions,
    config: { 'retention.ms': String(topic.retentionMs), 'cleanup.policy': topic.cleanupPolicy },
  };
}

/** Creates the declared topics that do not exist yet; returns the names created. */
export async function provisionTopics(
  admin: KafkaAdminPort,
  topics: readonly DeclaredTopic[],
): Promise<string[]> {
  return admin.ensureTopics(topics.map(topicSpec));
}
