// Relative on purpose: jest loads globalSetup without moduleNameMapper, so the
// @clement/local-infra alias does not resolve here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  checkStripeMockPrerequisites,
  ensureInfrastructure,
  ensureStripeMock,
} from '../../../local-infra/src';
import { keepInfrastructure } from './infrastructure-handle';

/**
 * Starts Kafka, PostgreSQL and stripe-mock once for the whole integration run (or takes
 * KAFKA_BROKERS / DATABASE_URL / STRIPE_MOCK_URL as given) and hands their addresses to the tests
 * through the environment. The servers die with the jest process however it ends: teardown,
 * Ctrl-C, crash or SIGKILL.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[infra] ${line}\n`);
  // A machine that cannot build stripe-mock should fail at once, not after Kafka has started.
  if (!process.env.STRIPE_MOCK_URL?.trim()) checkStripeMockPrerequisites();
  const [infrastructure, stripeMock] = await Promise.allSettled([
    ensureInfrastructure({ log }),
    ensureStripeMock({ log }),
  ]);
  if (infrastructure.status === 'rejected' || stripeMock.status === 'rejected') {
    // Do not leave the half that did start running.
    await Promise.allSettled(
      [infrastructure, stripeMock].flatMap((result) =>
        result.status === 'fulfilled' ? [result.value.stop()] : [],
      ),
    );
    throw infrastructure.status === 'rejected'
      ? infrastructure.reason
      : (stripeMock as PromiseRejectedResult).reason;
  }
  keepInfrastructure({
    stop: async () => {
      const results = await Promise.allSettled([
        infrastructure.value.stop(),
        stripeMock.value.stop(),
      ]);
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  });
  // Tests (and the workers jest forks after this point) read these.
  process.env.KAFKA_BROKERS = infrastructure.value.kafkaBrokers.join(',');
  process.env.DATABASE_URL = infrastructure.value.databaseUrl;
  process.env.STRIPE_MOCK_URL = stripeMock.value.url;
}
