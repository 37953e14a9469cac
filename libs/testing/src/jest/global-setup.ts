// Relative on purpose: jest loads globalSetup without moduleNameMapper (see infrastructure-handle).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureInfrastructure } from '../../../local-infra/src';
import { keepInfrastructure } from './infrastructure-handle';

/**
 * Starts Kafka and PostgreSQL once for the whole integration run (or takes KAFKA_BROKERS /
 * DATABASE_URL as given) and hands their addresses to the tests through the environment. The
 * servers die with the jest process however it ends: teardown, Ctrl-C, crash or SIGKILL.
 */
export default async function globalSetup(): Promise<void> {
  const infrastructure = await ensureInfrastructure({
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
  });
  keepInfrastructure(infrastructure);
  // Tests (and the workers jest forks after this point) read these.
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers.join(',');
  process.env.DATABASE_URL = infrastructure.databaseUrl;
}
