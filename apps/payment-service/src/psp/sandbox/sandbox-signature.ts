import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from '../psp-port';

export const SANDBOX_SIGNATURE_HEADER = 'psp-signature';

export interface SignatureHeader {
  /** Unix seconds the PSP signed at. */
  readonly timestamp: number;
  /** Every `v1` given (hex HMAC-SHA256), one per secret the PSP signs with. */
  readonly signatures: readonly Buffer[];
}

function malformed(detail: string): WebhookVerificationError {
  return new WebhookVerificationError('malformed', `sandbox webhook: ${detail}`);
}

/** Reads `t=<unix s>,v1=<hex>[,v1=<hex>…]`; other schemes (e.g. a future v2) are skipped. */
export function parseSignatureHeader(header: string | undefined): SignatureHeader {
  if (header === undefined || header.trim() === '') {
    throw malformed(`no ${SANDBOX_SIGNATURE_HEADER} header`);
  }
  const timestamps: string[] = [];
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) throw malformed(`${SANDBOX_SIGNATURE_HEADER}: a part is not key=value`);
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') timestamps.push(value);
    if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) throw malformed('a v1 signature is not 64 hex digits');
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  const [timestamp] = timestamps;
  if (timestamps.length !== 1 || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
    throw malformed(`${SANDBOX_SIGNATURE_HEADER} needs exactly one t=<unix seconds>`);
  }
  if (signatures.length === 0) throw malformed(`${SANDBOX_SIGNATURE_HEADER} has no v1 signature`);
  return { timestamp: Number(timestamp), signatures };
}

/** HMAC-SHA256(secret, "<t>.<raw body>"), as raw bytes. */
export function expectedSignature(secret: string, timestamp: number, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest();
}

/** True when any given v1 matches any secret; every comparison is constant-time. */
export function matchesAnySecret(
  header: SignatureHeader,
  secrets: readonly string[],
  rawBody: Buffer,
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = expectedSignature(secret, header.timestamp, rawBody);
    for (const given of header.signatures) {
      // Lengths are equal (parseSignatureHeader checks 64 hex digits); no early exit either way.
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
  }
  return matched;
}
