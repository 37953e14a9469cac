import type { StartedKafkaContainer } from '@testcontainers/kafka';
import { DATABASE_NAME } from './postgres';

/**
 * @testcontainers/kafka drives Confluent's cp-kafka image (its start script is specific to it);
 * Confluent Platform 8.0 is Apache Kafka 4.0, in KRaft mode.
 */
export const KAFKA_CONTAINER_IMAGE = 'confluentinc/cp-kafka:8.0.0';
export const POSTGRES_CONTAINER_IMAGE = 'postgres:18.4';
/** The container's listener for clients outside Docker. */
const KAFKA_CLIENT_PORT = 9093;

export interface Containers {
  kafkaBrokers: string[];
  databaseUrl: string;
  stop(): Promise<void>;
}

/** CLEMENT_INFRA=testcontainers: the same two servers as containers (needs a Docker engine). */
export async function startWithTestcontainers(input: {
  needKafka: boolean;
  needPostgres: boolean;
  log: (line: string) => void;
}): Promise<Containers> {
  const startedAt = Date.now();
  const seconds = () => ((Date.now() - startedAt) / 1000).toFixed(1);
  // Loaded only in this mode: the testcontainers client is large.
  const [kafka, postgres] = await Promise.allSettled([
    input.needKafka
      ? import('@testcontainers/kafka').then(async ({ KafkaContainer }) => {
          input.log(`kafka: starting container ${KAFKA_CONTAINER_IMAGE}...`);
          const container = await new KafkaContainer(KAFKA_CONTAINER_IMAGE).withKraft().start();
          input.log(`kafka: container ready in ${seconds()}s`);
          return container;
        })
      : undefined,
    input.needPostgres
      ? import('@testcontainers/postgresql').then(async ({ PostgreSqlContainer }) => {
          input.log(`postgres: starting container ${POSTGRES_CONTAINER_IMAGE}...`);
          const container = await new PostgreSqlContainer(POSTGRES_CONTAINER_IMAGE)
            .withDatabase(DATABASE_NAME)
            .start();
          input.log(`postgres: container ready in ${seconds()}s`);
          return container;
        })
      : undefined,
  ]);
  const started = [kafka, postgres].flatMap((result) =>
    result.status === 'fulfilled' && result.value ? [result.value] : [],
  );
  const stop = async () => {
    await Promise.allSettled(started.map((container) => container.stop()));
  };
  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    await stop();
    const reason = [kafka, postgres].find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    )?.reason as unknown;
    throw new Error(
      `CLEMENT_INFRA=testcontainers: could not start containers (is a Docker engine running?): ` +
        (reason instanceof Error ? reason.message : String(reason)),
    );
  }
  return {
    kafkaBrokers: kafkaBrokersOf(kafka.value),
    databaseUrl: postgres.value?.getConnectionUri() ?? '',
    stop,
  };
}

function kafkaBrokersOf(container: StartedKafkaContainer | undefined): string[] {
  return container ? [`${container.getHost()}:${container.getMappedPort(KAFKA_CLIENT_PORT)}`] : [];
}
