import type { DescMessage } from '@bufbuild/protobuf';

/**
 * What the messaging library needs to know about a topic. `@clement/contracts` topic
 * definitions satisfy it; `messages` lists the protobuf schemas allowed on the topic, which
 * is what makes publishing the wrong payload a compile error.
 */
export interface EventTopic {
  readonly name: string;
  readonly partitions: number;
  /** Topics integrators write also accept the protobuf JSON mapping. */
  readonly acceptsJson: boolean;
  readonly messages: readonly DescMessage[];
}

/** The schemas a topic allows. */
export type SchemaOf<T extends EventTopic> = T['messages'][number];

export function dlqTopicName(topic: string): string {
  return `${topic}.dlq`;
}
