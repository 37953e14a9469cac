import { ConfigValidationError } from '@clement/observability';
import { loadStrategyServiceConfig, loadStrategyServiceDatabaseConfig } from './config';

const valid = {
  DATABASE_URL: 'postgres://strategy:secret@db:5432/clement',
  KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
  AUTH_JWT_SECRET: 'a-shared-secret-for-local-runs-only-0123',
};

describe('strategy-service config', () => {
  it('takes the common variables, its own defaults and the staff-token settings', () => {
    const config = loadStrategyServiceConfig(valid);
    expect(config).toMatchObject({
      PORT: 3003,
      DATABASE_SCHEMA: 'strategy',
      TIMER_BATCH_SIZE: 500,
      MIGRATE_ON_START: false,
    });
    expect(config.kafkaBrokers).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(config.staffAuth).toEqual({
      jwksUrl: undefined,
      sharedSecret: valid.AUTH_JWT_SECRET,
      issuer: undefined,
      audience: undefined,
    });
    expect(loadStrategyServiceDatabaseConfig({ DATABASE_URL: valid.DATABASE_URL })).toMatchObject({
      DATABASE_SCHEMA: 'strategy',
    });
  });

  it('names every bad variable without printing its value', () => {
    const attempt = () =>
      loadStrategyServiceConfig({
        ...valid,
        AUTH_JWT_SECRET: undefined,
        TIMER_BATCH_SIZE: '0',
        DATABASE_URL: 'mysql://strategy:hunter2@db/clement',
      });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigValidationError).problems.join('\n');
      expect(problems).toMatch(/^AUTH_JWT_SECRET: .*AUTH_JWKS_URL/m);
      expect(problems).toMatch(/^TIMER_BATCH_SIZE: /m);
      expect(problems).toMatch(/^DATABASE_URL: /m);
      expect(problems).not.toContain('hunter2');
    }
  });
});
