import { OutboxRelay } from '../outbox/outbox-relay';
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
  process.send?.('ready');
  const stop = () => {
    void relay
      .stop()
      .then(() => dataSource.destroy())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
