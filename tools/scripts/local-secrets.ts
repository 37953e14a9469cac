import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mintToken } from '@clement/staff-api';

/** Secrets of a laptop run, generated on first use and kept (owner-only) so data stays readable. */
export interface LocalSecrets {
  /** PII_MASTER_KEYS for case-service: `<id>:<base64 32 bytes>`. */
  readonly piiMasterKeys: string;
  /** HS256 secret the local staff and service tokens are signed with (production uses a JWKS). */
  readonly jwtSecret: string;
  /** TWILIO_ACCOUNT_SID the simulator accepts and dispatch-service sends as: `AC` + 32 hex. */
  readonly twilioAccountSid: string;
  /** TWILIO_AUTH_TOKEN: the simulator's Basic password and webhook signing key. */
  readonly twilioAuthToken: string;
  /** SENDGRID_API_KEY the simulator accepts. */
  readonly sendgridApiKey: string;
  /** The simulator's SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY: base64 PKCS#8 DER of a P-256 key. */
  readonly sendgridEventWebhookPrivateKey: string;
  /** PORTAL_LINK_KEYS for dispatch-service: `<id>:<base64 32 bytes>`. */
  readonly portalLinkKeys: string;
  /** ADDRESS_INDEX_KEY for dispatch-service: base64 of 32 bytes. */
  readonly addressIndexKey: string;
  /** The sandbox PSP's API key: the simulator's PSP_SECRET_KEY, payment-service's PSP_SANDBOX_SECRET_KEY. */
  readonly pspSecretKey: string;
  /** Signs the sandbox PSP's webhooks: the simulator's PSP_WEBHOOK_SECRET, payment-service's PSP_SANDBOX_WEBHOOK_SECRETS. */
  readonly pspWebhookSecret: string;
}

/** The public half of the event webhook key, as dispatch-service's SENDGRID_WEBHOOK_PUBLIC_KEY wants it. */
export function sendgridWebhookPublicKey(secrets: LocalSecrets): string {
  const privateKey = createPrivateKey({
    key: Buffer.from(secrets.sendgridEventWebhookPrivateKey, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
}

const generators: { readonly [K in keyof LocalSecrets]: () => string } = {
  piiMasterKeys: () => `local-1:${randomBytes(32).toString('base64')}`,
  jwtSecret: () => randomBytes(32).toString('base64url'),
  twilioAccountSid: () => `AC${randomBytes(16).toString('hex')}`,
  twilioAuthToken: () => randomBytes(16).toString('hex'),
  sendgridApiKey: () => `SG.${randomBytes(24).toString('base64url')}`,
  sendgridEventWebhookPrivateKey: () =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64'),
  portalLinkKeys: () => `local-1:${randomBytes(32).toString('base64')}`,
  addressIndexKey: () => randomBytes(32).toString('base64'),
  pspSecretKey: () => `sk_sandbox_${randomBytes(16).toString('hex')}`,
  pspWebhookSecret: () => `whsec_${randomBytes(24).toString('hex')}`,
};

/**
 * Reads the file, generating whatever it lacks: a file from an older checkout keeps its keys (the
 * data they protect stays readable) and gains the newer ones.
 */
export function loadLocalSecrets(file: string): LocalSecrets {
  const stored: Partial<Record<keyof LocalSecrets, string>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {};
  const secrets = { ...stored } as Record<keyof LocalSecrets, string>;
  let changed = !existsSync(file);
  for (const name of Object.keys(generators) as (keyof LocalSecrets)[]) {
    if (typeof secrets[name] === 'string' && secrets[name] !== '') continue;
    secrets[name] = generators[name]();
    changed = true;
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}

/**
 * `node --require tsx/cjs tools/scripts/local-secrets.ts --dotenv > .env` prints the variables the
 * docker compose `apps` profile reads, from tmp/local-secrets.json (created if missing), with a
 * fresh 7-day contact-resolver token for dispatch-service. Local use only.
 */
async function printDotenv(): Promise<void> {
  const secrets = loadLocalSecrets(
    join(
      process.env['CLEMENT_DATA_DIR'] || join(__dirname, '..', '..', 'tmp'),
      'local-secrets.json',
    ),
  );
  const caseServiceToken = await mintToken(secrets.jwtSecret, {
    subject: 'dispatch-service',
    roles: ['contact-resolver'],
    expiresInSeconds: 7 * 24 * 3600,
  });
  const variables: Record<string, string> = {
    PII_MASTER_KEYS: secrets.piiMasterKeys,
    AUTH_JWT_SECRET: secrets.jwtSecret,
    CASE_SERVICE_TOKEN: caseServiceToken,
    TWILIO_ACCOUNT_SID: secrets.twilioAccountSid,
    TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
    SENDGRID_API_KEY: secrets.sendgridApiKey,
    SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY: secrets.sendgridEventWebhookPrivateKey,
    SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridWebhookPublicKey(secrets),
    PORTAL_LINK_KEYS: secrets.portalLinkKeys,
    ADDRESS_INDEX_KEY: secrets.addressIndexKey,
    PSP_SECRET_KEY: secrets.pspSecretKey,
    PSP_WEBHOOK_SECRET: secrets.pspWebhookSecret,
  };
  process.stdout.write(
    Object.entries(variables)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
}

if (require.main === module) {
  if (process.argv.includes('--dotenv')) {
    printDotenv().catch((error: unknown) => {
      process.stderr.write(`local-secrets: ${String(error)}\n`);
      process.exit(1);
    });
  } else {
    process.stderr.write(
      'usage: node --require tsx/cjs tools/scripts/local-secrets.ts --dotenv > .env\n',
    );
    process.exit(2);
  }
}
