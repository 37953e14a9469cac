import { ProbeEmittedSchema } from '@clement/contracts';
import { EventConsumer } from '../consumer/event-consumer';
import { handlersFor } from '../consumer/event-handlers';
import { Outbox } from '../outbox/outbox';
import { exitOnStartupFailure, serveUntilStopped } from './child-process';
import { requiredEnv, testDataSource, testKafka, testTopic } from './pipeline-fixture';

/**
 * Child process for the crash test: applies each probe to the `applied` table in the inbox
 * transaction, so a redelivery after a SIGKILL must not apply it twice.
 */
async function main(): Promise<void> {
  const schema = requiredEnv('TEST_SCHEMA');
  // 'inbox-only' (benchmark): the inbox row is the only effect, to measure the backbone alone.
  const applyEffects = process.env['TEST_HANDLER'] !== 'inbox-only';
  const topic = testTopic(requiredEnv('TEST_TOPIC'));
  const dataSource = testDataSource(schema, 6);
  await dataSource.initialize();
  const consumer = new EventConsumer({
    groupId: requiredEnv('TEST_GROUP'),
    kafka: testKafka('crash-test-consumer'),
    sessionTimeoutMs: 10_000,
    // A wide redelivery window, so the SIGKILL surely leaves processed but uncommitted records.
    commitIntervalMs: 5_000,
    dataSource,
    outbox: new Outbox({ schema, source: '/clement/crash-test' }),
    subscriptions: [
      handlersFor(topic).on(ProbeEmittedSchema, async (probe, { envelope, manager, position }) => {
        if (!applyEffects) return;
        await manager.query(
          `INSERT INTO "${schema}"."applied" ("key", "sequence", "event_id", "published_at_ms") VALUES ($1, $2, $3, $4)`,
          [envelope.partitionKey, probe.sequence.toString(), envelope.id, position.timestamp],
        );
      }),
    ],
  });
  await consumer.start();
  serveUntilStopped(async () => {
    await consumer.stop();
    await dataSource.destroy();
  });
}

main().catch(exitOnStartupFailure);
