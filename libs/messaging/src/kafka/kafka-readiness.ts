import type { KafkaAdminPort, KafkaPort } from './kafka-port';

/** Ready when a broker answers a metadata request; the admin connection is kept between checks. */
export function kafkaReadinessCheck(kafka: KafkaPort): {
  readonly name: string;
  check(): Promise<void>;
} {
  let admin: KafkaAdminPort | null = null;
  return {
    name: 'kafka',
    async check() {
      try {
        admin ??= await kafka.admin();
        const cluster = await admin.describeCluster();
        if (cluster.brokers === 0) throw new Error('no broker in cluster metadata');
      } catch (error) {
        const stale = admin;
        admin = null;
        await stale?.disconnect().catch(() => undefined);
        throw error;
      }
    },
  };
}
