import { ConfigValidationError } from '@clement/observability';
import { loadCaseServiceConfig, loadCaseServiceDatabaseConfig } from './config';

const SECRET = 's3cret-password';
const valid = {
  DATABASE_URL: `postgres://case:${SECRET}@db.internal:5432/clement`,
  KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
  PII_MASTER_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  AUTH_JWT_SECRET: 'a-shared-secret-for-local-runs-only-0123',
};

function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error: unknown) {
    if (error instanceof ConfigValidationError) {
      expect(error.message).not.toContain(SECRET);
      // Sorted: the order follows class inheritance, which says nothing about the behaviour.
      return [...error.problems].sort();
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('case-service config', () => {
  it('applies the defaults and splits the broker list', () => {
    const config = loadCaseServiceConfig(valid);

    expect(config).toMatchObject({
      PORT: 3001,
      HOST: '0.0.0.0',
      DATABASE_SCHEMA: 'case_service',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: false,
    });
    expect(config.kafkaBrokers).toEqual(['kafka-0:9092', 'kafka-1:9092']);
  });

  it('reads overrides with their types', () => {
    const config = loadCaseServiceConfig({
      ...valid,
      PORT: '8080',
      DATABASE_SCHEMA: 'case_blue',
      LOG_LEVEL: 'debug',
      MIGRATE_ON_START: 'true',
    });

    expect(config).toMatchObject({
      PORT: 8080,
      DATABASE_SCHEMA: 'case_blue',
      LOG_LEVEL: 'debug',
      MIGRATE_ON_START: true,
    });
  });

  it('names every missing required variable', () => {
    const problems = problemsOf(() => loadCaseServiceConfig({}));

    expect(problems).toEqual([
      expect.stringMatching(/^AUTH_JWT_SECRET: is missing; /),
      expect.stringMatching(/^DATABASE_URL: is missing; /),
      expect.stringMatching(/^KAFKA_BROKERS: is missing; /),
      expect.stringMatching(/^PII_MASTER_KEYS: is missing; /),
    ]);
  });

  it('rejects a missing DATABASE_URL and nothing else when the rest is valid', () => {
    const problems = problemsOf(() => loadCaseServiceConfig({ ...valid, DATABASE_URL: undefined }));

    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: is missing; /)]);
  });

  it.each(['abc', '70000', '-1', '80.5'])('rejects PORT=%s', (port) => {
    const problems = problemsOf(() => loadCaseServiceConfig({ ...valid, PORT: port }));

    expect(problems).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  it.each(['kafka:9092,', 'kafka', 'kafka:9092, kafka-1:9092'])(
    'rejects KAFKA_BROKERS=%j',
    (brokers) => {
      const problems = problemsOf(() =>
        loadCaseServiceConfig({ ...valid, KAFKA_BROKERS: brokers }),
      );

      expect(problems).toEqual(['KAFKA_BROKERS: must be a comma-separated list of host:port']);
    },
  );

  it('rejects a DATABASE_URL that is not PostgreSQL without echoing it', () => {
    const problems = problemsOf(() =>
      loadCaseServiceConfig({ ...valid, DATABASE_URL: `mysql://case:${SECRET}@db/clement` }),
    );

    expect(problems).toEqual(['DATABASE_URL: must be a postgres:// or postgresql:// URL']);
  });

  it('rejects a schema that is not a plain identifier, and an unknown log level', () => {
    const problems = problemsOf(() =>
      loadCaseServiceConfig({ ...valid, DATABASE_SCHEMA: 'Case-Service', LOG_LEVEL: 'loud' }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_SCHEMA: /),
      expect.stringMatching(/^LOG_LEVEL: /),
    ]);
  });

  it('rejects a MIGRATE_ON_START that is not a boolean', () => {
    const problems = problemsOf(() =>
      loadCaseServiceConfig({ ...valid, MIGRATE_ON_START: 'maybe' }),
    );

    expect(problems).toEqual([expect.stringMatching(/^MIGRATE_ON_START: /)]);
  });

  it('lets the migrate command run without Kafka settings', () => {
    const config = loadCaseServiceDatabaseConfig({ DATABASE_URL: valid.DATABASE_URL });

    expect(config).toMatchObject({ DATABASE_SCHEMA: 'case_service' });
    expect(problemsOf(() => loadCaseServiceDatabaseConfig({}))).toEqual([
      expect.stringMatching(/^DATABASE_URL: is missing; /),
    ]);
  });

  it('needs a master key and a way to verify staff tokens', () => {
    const { PII_MASTER_KEYS: _keys, AUTH_JWT_SECRET: _secret, ...rest } = valid;
    const problems = problemsOf(() => loadCaseServiceConfig(rest));

    expect(problems).toEqual([
      expect.stringMatching(/^AUTH_JWT_SECRET: .*AUTH_JWKS_URL/),
      expect.stringMatching(/^PII_MASTER_KEYS: /),
    ]);
  });

  it('takes a JWKS URL instead of a shared secret', () => {
    const { AUTH_JWT_SECRET: _secret, ...rest } = valid;
    const config = loadCaseServiceConfig({ ...rest, AUTH_JWKS_URL: 'https://idp.example/jwks' });

    expect(config.AUTH_JWKS_URL).toBe('https://idp.example/jwks');
  });
});
