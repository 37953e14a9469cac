import { ConfigValidationError } from '@clement/observability';
import { loadProviderSimConfig } from './config';

const TOKEN = 'unit-test-token-0123456789';
const valid = {
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: TOKEN,
  SENDGRID_API_KEY: 'SG.unit-test-key-0123456789',
};

describe('provider-sim config', () => {
  it('applies the defaults', () => {
    expect(loadProviderSimConfig(valid)).toMatchObject({
      PORT: 3900,
      SIM_SEED: 'clement',
      TWILIO_STATUS_DELAY_MS: 200,
      WHATSAPP_READ_RATE: 1,
    });
  });

  it('reads overrides with their types', () => {
    const config = loadProviderSimConfig({
      ...valid,
      PORT: '4000',
      TWILIO_FAILED_RATE: '0.25',
      INBOUND_WEBHOOK_URL: 'http://dispatch-service:3000/webhooks/twilio/inbound',
    });
    expect(config).toMatchObject({ PORT: 4000, TWILIO_FAILED_RATE: 0.25 });
  });

  it('names every bad or missing variable and never prints the token', () => {
    try {
      loadProviderSimConfig({
        TWILIO_ACCOUNT_SID: 'nope',
        TWILIO_AUTH_TOKEN: 'short',
        TWILIO_FAILED_RATE: '2',
      });
      throw new Error('expected rejection');
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      const problems = [...(error as ConfigValidationError).problems].sort();
      expect(problems.map((problem) => problem.split(':')[0])).toEqual([
        'SENDGRID_API_KEY',
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_FAILED_RATE',
      ]);
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });
});
