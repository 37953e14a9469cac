import { generateKeyPairSync } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { EventWebhookSigner, verifyEventWebhookSignature } from './sendgrid-signature';

const PAYLOAD = JSON.stringify([
  {
    email: 'debtor@example.com',
    event: 'delivered',
    sg_event_id: 'e1',
    sg_message_id: 'm1.0',
    timestamp: 1700000000,
  },
]);
const TIMESTAMP = '1700000000';

describe('EventWebhookSigner', () => {
  it('round-trips: what it signs verifies with its published public key', () => {
    const signer = EventWebhookSigner.generate();
    const signature = signer.sign(PAYLOAD, TIMESTAMP);

    expect(
      verifyEventWebhookSignature(signer.publicKeyBase64(), PAYLOAD, signature, TIMESTAMP),
    ).toBe(true);
    expect(
      verifyEventWebhookSignature(signer.publicKeyBase64(), `${PAYLOAD} `, signature, TIMESTAMP),
    ).toBe(false);
    expect(
      verifyEventWebhookSignature(signer.publicKeyBase64(), PAYLOAD, signature, '1700000001'),
    ).toBe(false);
    expect(
      verifyEventWebhookSignature(
        EventWebhookSigner.generate().publicKeyBase64(),
        PAYLOAD,
        signature,
        TIMESTAMP,
      ),
    ).toBe(false);
  });

  it('is accepted by the official @sendgrid/eventwebhook verifier', () => {
    const signer = EventWebhookSigner.generate();
    const verifier = new EventWebhook();
    const publicKey = verifier.convertPublicKeyToECDSA(signer.publicKeyBase64());

    expect(
      verifier.verifySignature(publicKey, PAYLOAD, signer.sign(PAYLOAD, TIMESTAMP), TIMESTAMP),
    ).toBe(true);
    expect(
      verifier.verifySignature(publicKey, PAYLOAD, signer.sign('[]', TIMESTAMP), TIMESTAMP),
    ).toBe(false);
  });

  it('loads a fixed P-256 key from base64 PKCS#8 and refuses other curves', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const a = EventWebhookSigner.fromPkcs8Base64(pkcs8);
    const b = EventWebhookSigner.fromPkcs8Base64(pkcs8);
    expect(a.publicKeyBase64()).toBe(b.publicKeyBase64());

    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    expect(() =>
      EventWebhookSigner.fromPkcs8Base64(
        other.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      ),
    ).toThrow(/P-256/);
  });
});
