import { takeInfrastructure } from './infrastructure-handle';

/**
 * Stops whatever global-setup started; given servers (KAFKA_BROKERS / DATABASE_URL /
 * STRIPE_MOCK_URL) are left alone.
 */
export default async function globalTeardown(): Promise<void> {
  await takeInfrastructure()?.stop();
}
