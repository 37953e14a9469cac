import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

// Copied from apps/provider-sim/src/domain/twilio-signature.ts and sendgrid-signature.ts (apps
// never import apps): the tests sign exactly as the simulator, and so the providers, do.

/** HMAC-SHA1 with the auth token over the URL + each parameter's name and value, names sorted. */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** A SendGrid signed-webhook key pair: ECDSA P-256/SHA-256 over `timestamp + payload`. */
export class EventWebhookTestSigner {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicKeyBase64: string,
  ) {}

  static generate(): EventWebhookTestSigner {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    return new EventWebhookTestSigner(
      privateKey,
      publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    );
  }

  sign(payload: string, timestamp: string): string {
    return sign('sha256', Buffer.from(timestamp + payload, 'utf-8'), this.privateKey).toString(
      'base64',
    );
  }
}
