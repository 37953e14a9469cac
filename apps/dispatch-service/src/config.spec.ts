import { ConfigValidationError } from '@clement/observability';
import { dispatchTestEnv } from './__fixtures__/dispatch-test-env';
import { loadDispatchServiceConfig, loadDispatchServiceDatabaseConfig } from './config';

const SECRET = 's3cret-password';
const valid = {
  DATABASE_URL: `postgres://dispatch:${SECRET}@db.internal:5432/clement`,
  KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
  ...dispatchTestEnv(),
};

function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error: unknown) {
    if (error instanceof ConfigValidationError) {
      expect(error.message).not.toContain(SECRET);
      return [...error.problems].sort();
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('dispatch-service config', () => {
  it('applies the defaults and splits the broker list', () => {
    const config = loadDispatchServiceConfig(valid);

    expect(config).toMatchObject({
      PORT: 3002,
      HOST: '0.0.0.0',
      DATABASE_SCHEMA: 'dispatch_service',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: false,
    });
    expect(config.kafkaBrokers).toEqual(['kafka-0:9092', 'kafka-1:9092']);
  });

  it('reads overrides with their types', () => {
    const config = loadDispatchServiceConfig({
      ...valid,
      PORT: '0',
      DATABASE_SCHEMA: 'dispatch_it',
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'true',
    });

    expect(config).toMatchObject({
      PORT: 0,
      DATABASE_SCHEMA: 'dispatch_it',
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: true,
    });
  });

  it('names every bad variable and never prints the database password', () => {
    const problems = problemsOf(() =>
      loadDispatchServiceConfig({
        DATABASE_URL: `mysql://dispatch:${SECRET}@db/clement`,
        ...dispatchTestEnv(),
        DATABASE_SCHEMA: 'Dispatch-Service',
        PORT: '70000',
      }),
    );

    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'DATABASE_SCHEMA',
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'PORT',
    ]);
  });

  it('lets the migrate command run without Kafka', () => {
    expect(loadDispatchServiceDatabaseConfig({ DATABASE_URL: valid.DATABASE_URL })).toMatchObject({
      DATABASE_SCHEMA: 'dispatch_service',
    });
  });
});
