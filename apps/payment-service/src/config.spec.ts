import { ConfigValidationError } from '@clement/observability';
import { loadPaymentServiceConfig, loadPaymentServiceDatabaseConfig } from './config';

const valid = {
  DATABASE_URL: 'postgres://payment:secret@db:5432/clement',
  KAFKA_BROKERS: 'kafka-0:9092',
  AUTH_JWT_SECRET: 'a-shared-secret-for-local-runs-only-0123',
  PSP_SANDBOX_URL: 'http://provider-sim:3900',
  PSP_SANDBOX_SECRET_KEY: 'sk_sandbox_local',
  PSP_SANDBOX_WEBHOOK_SECRETS: 'whsec_current, whsec_previous',
  PAYMENT_TENANTS_FILE: '/etc/clement/payment/tenants.json',
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadPaymentServiceConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}

describe('payment-service config', () => {
  it('takes the sandbox PSP by default, with its rotating webhook secrets', () => {
    const config = loadPaymentServiceConfig(valid);
    expect(config).toMatchObject({
      PORT: 3004,
      DATABASE_SCHEMA: 'payment',
      PSP: 'sandbox',
      WEBHOOK_TOLERANCE_SECONDS: 300,
    });
    expect(config.secrets(config.PSP_SANDBOX_WEBHOOK_SECRETS)).toEqual([
      'whsec_current',
      'whsec_previous',
    ]);
    expect(loadPaymentServiceDatabaseConfig({ DATABASE_URL: valid.DATABASE_URL })).toMatchObject({
      DATABASE_SCHEMA: 'payment',
    });
  });

  it('needs the Stripe key and webhook secret when Stripe takes the cards', () => {
    const problems = problemsOf({ ...valid, PSP: 'stripe' });
    expect(problems.some((problem) => problem.startsWith('STRIPE_SECRET_KEY'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('STRIPE_WEBHOOK_SECRETS'))).toBe(true);
    expect(
      problemsOf({
        ...valid,
        PSP: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_123456',
        STRIPE_WEBHOOK_SECRETS: 'whsec_123456',
      }),
    ).toEqual([]);
  });

  it('names every bad variable without printing secrets', () => {
    const problems = problemsOf({
      ...valid,
      PSP: 'paypal',
      PSP_SANDBOX_SECRET_KEY: 'short',
      PAYMENT_TENANTS_FILE: undefined,
      WEBHOOK_TOLERANCE_SECONDS: '5',
    });
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'PAYMENT_TENANTS_FILE',
      'PSP',
      'PSP_SANDBOX_SECRET_KEY',
      'WEBHOOK_TOLERANCE_SECONDS',
    ]);
    expect(problems.join(' ')).not.toContain('short');
  });
});
