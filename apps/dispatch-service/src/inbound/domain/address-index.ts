import { createHmac } from 'node:crypto';
import { TENANT_ID_PATTERN } from '../../tenancy/tenant-scope';

/**
 * Blind index of a debtor's phone number or email: an inbound reply's From address is matched
 * to the debtor it was sent to without the address being stored in clear.
 *
 *   hex( HMAC-SHA256( key, `${tenantId}\n${kind}\n${normalised address}` ) )
 *
 * SMS and WhatsApp share the kind `phone`, so a reply on either channel finds the same debtor.
 * Errors never echo the address or the key.
 */

export type AddressChannel = 'sms' | 'whatsapp' | 'email';
export type AddressKind = 'phone' | 'email';

export const ADDRESS_INDEX_MIN_KEY_BYTES = 32;

const E164 = /^\+[1-9]\d{6,14}$/;
const WHATSAPP_PREFIX = /^whatsapp:/i;
/** Spaces, dashes, parentheses and dots people and providers put in numbers. */
const PHONE_SEPARATORS = /[\s\-().]/g;
/** Loose on purpose: one '@' with something either side, no whitespace. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function addressIndex(
  key: Uint8Array,
  tenantId: string,
  channel: AddressChannel,
  address: string,
): string {
  checkKey(key);
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new Error('address index: the tenant id is not a valid tenant id');
  }
  const kind = addressKindOf(channel);
  const value = kind === 'phone' ? normalisedPhone(address) : normalisedEmail(address);
  return createHmac('sha256', key).update(`${tenantId}\n${kind}\n${value}`, 'utf8').digest('hex');
}

export function addressKindOf(channel: AddressChannel): AddressKind {
  switch (channel) {
    case 'sms':
    case 'whatsapp':
      return 'phone';
    case 'email':
      return 'email';
    default:
      // Reached only from untyped callers; the channel is not PII, but keep the message fixed.
      throw new Error('address index: unknown channel');
  }
}

/** E.164 (`+34600111222`) from `whatsapp:+34 600-111-222`, `+1 (415) 555.0100` and the like. */
export function normalisedPhone(address: string): string {
  const phone = address.trim().replace(WHATSAPP_PREFIX, '').replace(PHONE_SEPARATORS, '');
  if (!E164.test(phone)) {
    throw new Error('address index: the phone number is not in E.164 form (+ and 7–15 digits)');
  }
  return phone;
}

/** Trimmed, NFC, lower case (the whole address: providers and people vary the local part's case). */
export function normalisedEmail(address: string): string {
  const email = address.trim().normalize('NFC').toLowerCase();
  if (!EMAIL_SHAPE.test(email)) {
    throw new Error('address index: the email address is not of the form local@domain');
  }
  return email;
}

/** The index key from configuration: standard or URL-safe base64 of at least 32 bytes. */
export function parseAddressIndexKey(base64: string): Uint8Array {
  const encoded = base64.trim();
  if (!BASE64.test(encoded)) throw new Error('address index key: not base64');
  const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  checkKey(key);
  return new Uint8Array(key);
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < ADDRESS_INDEX_MIN_KEY_BYTES) {
    throw new Error(`address index key: shorter than ${ADDRESS_INDEX_MIN_KEY_BYTES} bytes`);
  }
}
