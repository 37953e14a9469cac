/**
 * Local infrastructure from the command line:
 *   npx tsx libs/local-infra/src/cli.ts up [--persistent <dir>]   Kafka + PostgreSQL in the foreground
 *   npx tsx libs/local-infra/src/cli.ts fetch                     only cache the Kafka jars and stripe-mock
 * `up` prints KAFKA_BROKERS=... and DATABASE_URL=... on stdout (progress goes to stderr) and stops
 * everything on Ctrl-C or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { ensureInfrastructure } from './infrastructure';
import { fetchKafkaJars } from './kafka-distribution';
import { logToStderr } from './log';
import { fetchStripeMock } from './stripe-mock';

const USAGE = `usage: cli.ts up [--persistent <dir>] | fetch

  up      start Kafka and PostgreSQL (KAFKA_BROKERS / DATABASE_URL, if set, are used instead),
          print their addresses and run until Ctrl-C or SIGTERM
          --persistent <dir>  keep data and ports in <dir> across runs
  fetch   download the pinned Kafka jars and build the pinned stripe-mock into the cache
          (CLEMENT_CACHE_DIR), then exit`;

async function up(persistentDir: string | undefined): Promise<void> {
  const infrastructure = await ensureInfrastructure({ log: logToStderr, persistentDir });
  process.stdout.write(
    `KAFKA_BROKERS=${infrastructure.kafkaBrokers.join(',')}\nDATABASE_URL=${infrastructure.databaseUrl}\n`,
  );
  logToStderr('local-infra: running; press Ctrl-C to stop');
  // The servers are unref'd child processes; this keeps Node alive until a signal arrives.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGHUP', resolve);
  });
  logToStderr('local-infra: stopping...');
  clearInterval(keepAlive);
  await infrastructure.stop();
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { persistent: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'up' && extra.length === 0) return up(values.persistent);
  if (command === 'fetch' && extra.length === 0 && values.persistent === undefined) {
    // Both, even if one fails, so one run reports every missing tool.
    const [kafka, stripeMock] = await Promise.allSettled([
      fetchKafkaJars({ log: logToStderr }),
      fetchStripeMock({ log: logToStderr }),
    ]);
    if (kafka.status === 'fulfilled') {
      logToStderr(`kafka: ${kafka.value.version} jars are in ${kafka.value.libsDir}`);
    }
    if (stripeMock.status === 'fulfilled') {
      logToStderr(`stripe-mock: v${stripeMock.value.version} is ${stripeMock.value.binary}`);
    }
    const failures = [kafka, stripeMock].filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (failures.length > 0) {
      throw new Error(failures.map((failure) => errorMessage(failure.reason)).join('\n\n'));
    }
    return;
  }
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  logToStderr(errorMessage(error));
  process.exitCode = 1;
});
