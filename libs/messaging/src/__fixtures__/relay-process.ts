import { OutboxRelay } from '../outbox/outbox-relay';
import { exitOnStartupFailure, serveUntilStopped } from './child-process';
import { requiredEnv, testDataSource, testKafka } from './pipeline-fixture';

/** Child process for the crash test: runs an outbox relay until killed. */
async function main(): Promise<void> {
  const schema = requiredEnv('TEST_SCHEMA');
  const dataSource = testDataSource(schema, 2);
  await dataSource.initialize();
  const relay = new OutboxRelay({
    dataSource,
    schema,
    producer: testKafka('crash-test-relay').producer(),
    batchSize: 200,
  });
  await relay.start();
  serveUntilStopped(async () => {
    await relay.stop();
    await dataSource.destroy();
  });
}

main().catch(exitOnStartupFailure);
