import { createHmac } from 'node:crypto';

export const PSP_SIGNATURE_HEADER = 'Psp-Signature';

/** hex HMAC-SHA256(secret, "<t>.<raw body>"): one `v1` of the signature header. */
export function pspSignatureV1(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * `t=<unix s>,v1=<hex>[,v1=<hex>…]`: one `v1` per secret, so a receiver still holding the old
 * secret during a rotation keeps verifying.
 */
export function pspSignatureHeader(
  secrets: readonly string[],
  timestamp: number,
  rawBody: string,
): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((secret) => `v1=${pspSignatureV1(secret, timestamp, rawBody)}`),
  ].join(',');
}
