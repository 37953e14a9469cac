import { ConfigValidationError } from '@clement/observability';
import { loadProviderSimConfig, publicUrl, pspWebhookSecrets } from './config';

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
      PSP_SECRET_KEY: 'sk_sandbox_local',
      PSP_WEBHOOK_SECRET: 'whsec_sandbox_local',
      PSP_COLLECTION_SETTLE_AFTER_MS: 300,
    });
    expect(publicUrl(loadProviderSimConfig({ ...valid, PORT: '3901' }))).toBe(
      'http://localhost:3901',
    );
  });

  it('reads the sandbox PSP settings', () => {
    const config = loadProviderSimConfig({
      ...valid,
      PUBLIC_URL: 'https://sim.staging.example/',
      PSP_SECRET_KEY: 'sk_test_0123456789',
      PSP_WEBHOOK_SECRET: 'whsec_new_0123,whsec_old_0123',
      PSP_WEBHOOK_URL: 'http://payment-service:3004/webhooks/psp/sandbox',
      PSP_COLLECTION_SETTLE_AFTER_MS: '50',
    });
    expect(config).toMatchObject({
      PSP_SECRET_KEY: 'sk_test_0123456789',
      PSP_WEBHOOK_URL: 'http://payment-service:3004/webhooks/psp/sandbox',
      PSP_COLLECTION_SETTLE_AFTER_MS: 50,
    });
    expect(publicUrl(config)).toBe('https://sim.staging.example');
    expect(pspWebhookSecrets(config)).toEqual(['whsec_new_0123', 'whsec_old_0123']);
  });

  it('refuses bad sandbox PSP settings', () => {
    expect(() =>
      loadProviderSimConfig({
        ...valid,
        PSP_SECRET_KEY: 'short',
        PSP_WEBHOOK_SECRET: 'whsec_ok_0123,,',
        PSP_WEBHOOK_URL: 'not a url',
        PSP_COLLECTION_SETTLE_AFTER_MS: '-1',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^PSP_SECRET_KEY:/),
          expect.stringMatching(/^PSP_WEBHOOK_SECRET:/),
          expect.stringMatching(/^PSP_WEBHOOK_URL:/),
          expect.stringMatching(/^PSP_COLLECTION_SETTLE_AFTER_MS:/),
        ]) as unknown,
      }) as Error,
    );
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
