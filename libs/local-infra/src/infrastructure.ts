import { join } from 'node:path';
import { checkKafkaPrerequisites, startKafka, type KafkaBroker } from './kafka';
import { logToStderr } from './log';
import { startPostgres, type PostgresServer } from './postgres';
import { startWithTestcontainers } from './testcontainers';

export interface Infrastructure {
  readonly kafkaBrokers: string[];
  readonly databaseUrl: string;
  /** Which parts this call started (false: taken from KAFKA_BROKERS / DATABASE_URL). */
  readonly started: { kafka: boolean; postgres: boolean };
  /** Stops what was started; idempotent. */
  stop(): Promise<void>;
}

export interface EnsureInfrastructureOptions {
  /** Where KAFKA_BROKERS, DATABASE_URL and CLEMENT_INFRA are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Keep Kafka and PostgreSQL data (and their ports) in `<dir>/kafka` and `<dir>/postgres`. */
  persistentDir?: string;
  /** Extra postgresql.conf settings, e.g. `{ max_connections: 200 }`. */
  postgresSettings?: Record<string, string | number | boolean>;
}

/** Something that was started and has to be stopped again. */
interface Started {
  stop(): Promise<void>;
}

/**
 * Provides a Kafka broker and a PostgreSQL database. KAFKA_BROKERS (comma-separated) and
 * DATABASE_URL, when set, are used as they are and that part is not started. Otherwise both start
 * in parallel as local processes or, with CLEMENT_INFRA=testcontainers, as containers.
 */
export async function ensureInfrastructure(
  options: EnsureInfrastructureOptions = {},
): Promise<Infrastructure> {
  const env = options.env ?? process.env;
  const log = options.log ?? logToStderr;
  const givenBrokers = parseBrokerList(env.KAFKA_BROKERS);
  const givenDatabaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (givenBrokers) {
    log(`kafka: using KAFKA_BROKERS=${givenBrokers.join(',')} (not starting a broker)`);
  }
  if (givenDatabaseUrl) {
    // Not the URL itself: it carries a password.
    log('postgres: using DATABASE_URL (not starting a server)');
  }

  const mode = env.CLEMENT_INFRA?.trim() || 'local';
  if (mode !== 'local' && mode !== 'testcontainers') {
    throw new Error(`CLEMENT_INFRA must be 'local' (default) or 'testcontainers', not '${mode}'`);
  }
  const needKafka = givenBrokers === undefined;
  const needPostgres = givenDatabaseUrl === undefined;

  if (mode === 'testcontainers' && (needKafka || needPostgres)) {
    const containers = await startWithTestcontainers({ needKafka, needPostgres, log });
    return assemble({
      kafkaBrokers: givenBrokers ?? containers.kafkaBrokers,
      databaseUrl: givenDatabaseUrl ?? containers.databaseUrl,
      kafka: needKafka ? containers : undefined,
      postgres: needPostgres ? containers : undefined,
    });
  }

  // A missing java/mvn should fail at once, not after PostgreSQL was started in parallel.
  if (needKafka) checkKafkaPrerequisites();
  const [kafka, postgres] = await Promise.allSettled([
    needKafka
      ? startKafka({ log, dataDir: options.persistentDir && join(options.persistentDir, 'kafka') })
      : undefined,
    needPostgres
      ? startPostgres({
          log,
          dataDir: options.persistentDir && join(options.persistentDir, 'postgres'),
          settings: options.postgresSettings,
        })
      : undefined,
  ]);
  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    // Do not leave the half that did start running.
    const startedParts = [kafka, postgres].flatMap((result) =>
      result.status === 'fulfilled' && result.value ? [result.value] : [],
    );
    await Promise.allSettled(startedParts.map((part) => part.stop()));
    throw combineFailures([kafka, postgres]);
  }
  return assemble({
    kafkaBrokers: givenBrokers ?? (kafka.value as KafkaBroker).brokers,
    databaseUrl: givenDatabaseUrl ?? (postgres.value as PostgresServer).url,
    kafka: kafka.value,
    postgres: postgres.value,
  });
}

/** `'a:9092, b:9092'` gives `['a:9092', 'b:9092']`; unset or blank gives undefined. */
export function parseBrokerList(value: string | undefined): string[] | undefined {
  const brokers = (value ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  return brokers.length > 0 ? brokers : undefined;
}

function assemble(parts: {
  kafkaBrokers: string[];
  databaseUrl: string;
  kafka: Started | undefined;
  postgres: Started | undefined;
}): Infrastructure {
  // One object may run both parts (testcontainers); stop it once.
  const toStop = [...new Set([parts.kafka, parts.postgres])].filter(
    (part): part is Started => part !== undefined,
  );
  let stopping: Promise<void> | undefined;
  return {
    kafkaBrokers: parts.kafkaBrokers,
    databaseUrl: parts.databaseUrl,
    started: { kafka: parts.kafka !== undefined, postgres: parts.postgres !== undefined },
    stop: () =>
      (stopping ??= Promise.allSettled(toStop.map((part) => part.stop())).then((results) => {
        const failures = results.filter((result) => result.status === 'rejected');
        if (failures.length > 0) throw combineFailures(failures);
      })),
  };
}

function combineFailures(results: PromiseSettledResult<unknown>[]): Error {
  const errors = results
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) =>
      result.reason instanceof Error ? result.reason : new Error(String(result.reason)),
    );
  const [first] = errors;
  if (errors.length === 1 && first) return first;
  return new Error(errors.map((error) => error.message).join('\n\n'));
}
