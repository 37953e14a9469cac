import type { KafkaAdminPort, KafkaPort } from '../kafka/kafka-port';

/**
 * Hands out admin clients and closes those still open on `close()`; after that it refuses new
 * ones. The Kafka readiness check keeps an admin connection between probes; this is what lets
 * the module end it on shutdown instead of leaving a socket that keeps the process alive.
 */
export class ClosableAdmins {
  private readonly open = new Set<KafkaAdminPort>();
  private closed = false;

  constructor(private readonly kafka: KafkaPort) {}

  async admin(): Promise<KafkaAdminPort> {
    this.assertOpen();
    const admin = await this.kafka.admin();
    if (this.closed) {
      // Connected while the module was closing: do not let it outlive the close.
      await admin.disconnect().catch(() => undefined);
      this.assertOpen();
    }
    this.open.add(admin);
    // A closed kafkajs admin reconnects on its next request; refuse instead.
    const guarded = <T>(request: () => Promise<T>) => {
      this.assertOpen();
      return request();
    };
    return {
      ensureTopics: (topics) => guarded(() => admin.ensureTopics(topics)),
      topicOffsets: (topic) => guarded(() => admin.topicOffsets(topic)),
      groupOffsets: (groupId, topic) => guarded(() => admin.groupOffsets(groupId, topic)),
      describeCluster: () => guarded(() => admin.describeCluster()),
      deleteGroup: (groupId) => guarded(() => admin.deleteGroup(groupId)),
      disconnect: async () => {
        this.open.delete(admin);
        await admin.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const admins = [...this.open];
    this.open.clear();
    await Promise.all(admins.map((admin) => admin.disconnect().catch(() => undefined)));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('messaging is shut down');
  }
}
