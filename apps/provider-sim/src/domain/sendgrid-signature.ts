import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * SendGrid's signed Event Webhook: ECDSA P-256 with SHA-256 over `timestamp + payload`, the
 * signature base64 DER in `X-Twilio-Email-Event-Webhook-Signature`, the timestamp in
 * `X-Twilio-Email-Event-Webhook-Timestamp`; the verification key is published as base64 DER SPKI.
 */
export const SENDGRID_SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const SENDGRID_TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

export class EventWebhookSigner {
  private constructor(private readonly privateKey: KeyObject) {}

  /** A fresh key pair: the simulator's default, its public key served for tests to fetch. */
  static generate(): EventWebhookSigner {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    return new EventWebhookSigner(privateKey);
  }

  /** A fixed key (base64 PKCS#8 DER), so a consumer can be configured with its public key. */
  static fromPkcs8Base64(pkcs8: string): EventWebhookSigner {
    const privateKey = createPrivateKey({
      key: Buffer.from(pkcs8, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    if (
      privateKey.asymmetricKeyType !== 'ec' ||
      privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
    ) {
      throw new Error('the event webhook key must be an EC P-256 (prime256v1) private key');
    }
    return new EventWebhookSigner(privateKey);
  }

  /** Base64 DER SubjectPublicKeyInfo, as SendGrid shows it under Mail Settings. */
  publicKeyBase64(): string {
    return createPublicKey(this.privateKey)
      .export({ format: 'der', type: 'spki' })
      .toString('base64');
  }

  sign(payload: string, timestamp: string): string {
    return sign('sha256', Buffer.from(timestamp + payload, 'utf-8'), this.privateKey).toString(
      'base64',
    );
  }
}

export function verifyEventWebhookSignature(
  publicKeyBase64: string,
  payload: string,
  signature: string,
  timestamp: string,
): boolean {
  const publicKey = createPublicKey({
    key: Buffer.from(publicKeyBase64, 'base64'),
    format: 'der',
    type: 'spki',
  });
  return verify(
    'sha256',
    Buffer.from(timestamp + payload, 'utf-8'),
    publicKey,
    Buffer.from(signature, 'base64'),
  );
}
