import { createHmac } from 'node:crypto';
import { PiiInputError } from './pii-errors';

const INDEX_BYTES = 16;
const MIN_KEY_BYTES = 32;
// Separators people type into numbers: whitespace, dashes (ASCII and Unicode), brackets.
const PHONE_SEPARATORS = /[\s\-\u2010-\u2015\u2212()[\]{}]/g;
const PHONE = /^\+?\d+$/;

/** `+44 (20) 7946-0000` → `+442079460000`. Throws (without echoing the number) if anything else remains. */
export function normalisePhone(phone: string): string {
  const normalised = phone.replace(PHONE_SEPARATORS, '');
  if (!PHONE.test(normalised))
    throw new PiiInputError('phone number must be digits with an optional leading "+"');
  return normalised;
}

/** Trimmed and lower-cased, whole address (local parts are case-insensitive in practice). */
export function normaliseEmail(address: string): string {
  const normalised = address.normalize('NFC').trim().toLowerCase();
  if (!normalised) throw new PiiInputError('email address must be non-empty');
  return normalised;
}

/**
 * Deterministic keyed hashes of contact points, for equality lookups ("which debtor has this
 * number?") without storing the value in the clear. Truncated to 16 bytes: collisions stay
 * negligible per tenant while the index leaks less. Tenant-keyed so the same number in two
 * tenants gives unrelated indexes and tenants cannot be correlated.
 */
export class BlindIndex {
  readonly #key: Buffer;
  // Per-tenant subkeys, derived once: a deployment has few tenants.
  readonly #tenantKeys = new Map<string, Buffer>();

  constructor(key: Buffer) {
    if (key.length < MIN_KEY_BYTES)
      throw new PiiInputError(`blind-index key must be at least ${MIN_KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
  }

  phone(tenantId: string, e164: string): Buffer {
    return this.#index(tenantId, 'phone:', normalisePhone(e164));
  }

  email(tenantId: string, address: string): Buffer {
    return this.#index(tenantId, 'email:', normaliseEmail(address));
  }

  #index(tenantId: string, domain: string, normalised: string): Buffer {
    if (!tenantId) throw new PiiInputError('tenantId must be non-empty');
    // A per-tenant subkey rather than "tenant:value" concatenation: no separator ambiguity.
    let tenantKey = this.#tenantKeys.get(tenantId);
    if (!tenantKey) {
      tenantKey = createHmac('sha256', this.#key).update(`tenant:${tenantId}`, 'utf8').digest();
      this.#tenantKeys.set(tenantId, tenantKey);
    }
    return createHmac('sha256', tenantKey)
      .update(domain + normalised, 'utf8')
      .digest()
      .subarray(0, INDEX_BYTES);
  }
}
