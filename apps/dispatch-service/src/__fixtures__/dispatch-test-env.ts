import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** Provider credentials shared by a test's dispatch-service and provider-sim. */
export interface ProviderTestSecrets {
  twilioAccountSid: string;
  twilioAuthToken: string;
  sendgridApiKey: string;
  /** Base64 PKCS#8 DER: the simulator signs the Event Webhook with it. */
  sendgridPrivateKey: string;
  /** Base64 SPKI DER: dispatch verifies with it. */
  sendgridPublicKey: string;
}

export function providerTestSecrets(): ProviderTestSecrets {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    twilioAccountSid: `AC${randomBytes(16).toString('hex')}`,
    twilioAuthToken: randomBytes(16).toString('hex'),
    sendgridApiKey: `SG.${randomBytes(11).toString('hex')}.${randomBytes(22).toString('hex')}`,
    sendgridPrivateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    sendgridPublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** A tenants document for tests: one tenant, every channel, open all day and uncapped. */
export function testTenantsJson(
  tenantId: string,
  options: {
    jurisdiction?: string;
    ratePerSecond?: number;
    burst?: number;
    openAllDay?: boolean;
  } = {},
): string {
  const rate = options.ratePerSecond
    ? { ratePerSecond: options.ratePerSecond, burst: options.burst ?? 1 }
    : {};
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  return JSON.stringify({
    tenants: {
      [tenantId]: {
        brand: 'Acme Lending',
        jurisdiction: options.jurisdiction ?? 'UK_FCA',
        defaultLocale: 'en',
        senders: {
          sms: { from: '+447700900001', ...rate },
          whatsapp: { from: '+447700900002', ...rate },
          email: { from: 'notices@acme-lending.example', ...rate },
        },
        policy: {
          contactWindow:
            options.openAllDay === false
              ? { start: '08:00', end: '21:00', days }
              : { start: '00:00', end: '24:00', days },
          frequencyCaps: [
            { id: 'sms.7d', channels: ['sms'], max: 1000, windowDays: 7 },
            { id: 'whatsapp.7d', channels: ['whatsapp'], max: 1000, windowDays: 7 },
            { id: 'email.7d', channels: ['email'], max: 1000, windowDays: 7 },
            { id: 'all.7d', channels: 'all', max: 1000, windowDays: 7 },
          ],
        },
      },
    },
  });
}

/**
 * Valid dispatch-service settings for tests that do not send (the projection, the process
 * lifecycle): nothing listens at the case-service or provider addresses.
 */
export function dispatchTestEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const secrets = providerTestSecrets();
  return {
    CASE_SERVICE_URL: 'http://127.0.0.1:9',
    CASE_SERVICE_TOKEN: 'not-a-real-token',
    TWILIO_ACCOUNT_SID: secrets.twilioAccountSid,
    TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
    TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
    SENDGRID_API_KEY: secrets.sendgridApiKey,
    SENDGRID_API_BASE_URL: 'http://127.0.0.1:9',
    SENDGRID_WEBHOOK_PUBLIC_KEY: secrets.sendgridPublicKey,
    WEBHOOK_PUBLIC_BASE_URL: 'http://127.0.0.1:3002',
    PORTAL_BASE_URL: 'https://portal.example',
    PORTAL_LINK_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    ADDRESS_INDEX_KEY: randomBytes(32).toString('base64'),
    DISPATCH_TENANTS_JSON: testTenantsJson('test-tenant'),
    ...overrides,
  };
}
