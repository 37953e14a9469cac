import { createKafkajsPort, type KafkaPort } from '@clement/messaging';

/** The CLI talks to the broker named by KAFKA_BROKERS, like every Clement process. */
export function kafkaFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaPort {
  const brokers = (env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0) {
    throw new UsageError('KAFKA_BROKERS is not set (e.g. KAFKA_BROKERS=localhost:9092)');
  }
  return createKafkajsPort({ clientId: 'clement-cli', brokers });
}

/** A mistake by the person at the keyboard: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
