import { createHmac, timingSafeEqual } from 'node:crypto';
import { TENANT_ID_PATTERN } from '../tenancy/tenant-scope';

/**
 * Personal portal links: `https://<portal base>/l/<token>`. The token is opaque, signed and
 * expiring, and carries only non-PII ids. It is kept short because it goes in SMS:
 *
 *   base64url( version | kid | expiry | tenant | debtor | case | dispatch | HMAC-SHA256[0..16) )
 *
 * Ids that are canonical lower-case UUIDs take 16 bytes; other ids are length-prefixed ASCII.
 * The MAC covers everything before it, the key id included.
 */

/** What a link proves: who it is for and until when. Ids only, never names, phones or emails. */
export interface PortalLinkClaims {
  tenantId: string;
  debtorId: string;
  caseId: string;
  dispatchId: string;
  /** Whole seconds (the token stores Unix seconds). */
  expiresAt: Date;
}

export interface PortalLinkKey {
  /** 1–8 characters of [A-Za-z0-9_-]; written into every token it signs. */
  id: string;
  /** At least 32 bytes of key material. */
  secret: Uint8Array;
}

export interface PortalLinkSignerOptions {
  /** `https://…` without a trailing slash, e.g. `https://pay.clement.example`. */
  baseUrl: string;
  /** Every key that may verify; the active one signs. */
  keys: readonly PortalLinkKey[];
  /** Defaults to the first key. */
  activeKeyId?: string;
}

export type PortalLinkFailure = 'malformed' | 'forged' | 'expired';

export type PortalLinkVerification =
  { ok: true; claims: PortalLinkClaims; keyId: string } | { ok: false; reason: PortalLinkFailure };

export interface PortalLink {
  url: string;
  token: string;
  expiresAt: Date;
}

export const PORTAL_LINK_MIN_KEY_BYTES = 32;
const TOKEN_VERSION = 1;
const MAC_BYTES = 16;
const UUID_MARKER = 0;
const MAX_ID_LENGTH = 64;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,8}$/;
/** No '@', '+', spaces or other characters an email address or phone number would bring. */
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

export class PortalLinkSigner {
  private readonly baseUrl: string;
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly activeKeyId: string;

  constructor(options: PortalLinkSignerOptions) {
    this.baseUrl = checkedBaseUrl(options.baseUrl);
    if (options.keys.length === 0) throw new Error('portal links need at least one signing key');
    const keys = new Map<string, Buffer>();
    for (const key of options.keys) {
      if (!KEY_ID_PATTERN.test(key.id)) {
        throw new Error('a portal link key id is 1–8 characters of letters, digits, _ and -');
      }
      if (keys.has(key.id)) throw new Error(`portal link key id ${key.id} is listed twice`);
      if (key.secret.length < PORTAL_LINK_MIN_KEY_BYTES) {
        throw new Error(
          `portal link key ${key.id} is shorter than ${PORTAL_LINK_MIN_KEY_BYTES} bytes`,
        );
      }
      keys.set(key.id, Buffer.from(key.secret));
    }
    this.keys = keys;
    this.activeKeyId = options.activeKeyId ?? options.keys[0].id;
    if (!keys.has(this.activeKeyId)) {
      throw new Error(`the active portal link key ${this.activeKeyId} is not among the keys`);
    }
  }

  /** A signed link valid until `claims.expiresAt` (truncated to whole seconds). */
  createLink(claims: PortalLinkClaims): PortalLink {
    const token = this.sign(claims);
    const expiresAt = new Date(Math.floor(claims.expiresAt.getTime() / 1000) * 1000);
    return { url: `${this.baseUrl}/l/${token}`, token, expiresAt };
  }

  sign(claims: PortalLinkClaims): string {
    if (!TENANT_ID_PATTERN.test(claims.tenantId)) throw new Error('invalid tenant id');
    for (const [name, id] of [
      ['debtor', claims.debtorId],
      ['case', claims.caseId],
      ['dispatch', claims.dispatchId],
    ] as const) {
      if (!ID_PATTERN.test(id)) throw new Error(`invalid ${name} id`);
    }
    const seconds = Math.floor(claims.expiresAt.getTime() / 1000);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 0xffffffff) {
      throw new Error('invalid expiry');
    }
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(seconds);
    const payload = Buffer.concat([
      Buffer.from([TOKEN_VERSION]),
      encodeString(this.activeKeyId),
      expiry,
      encodeId(claims.tenantId),
      encodeId(claims.debtorId),
      encodeId(claims.caseId),
      encodeId(claims.dispatchId),
    ]);
    const key = this.keys.get(this.activeKeyId) as Buffer;
    return Buffer.concat([payload, mac(key, payload)]).toString('base64url');
  }

  /** The claims of an authentic token not yet expired at `now`; expired exactly at its expiry. */
  verify(token: string, now: Date): PortalLinkVerification {
    if (token.length === 0 || token.length > 512 || !TOKEN_PATTERN.test(token)) {
      return { ok: false, reason: 'malformed' };
    }
    const bytes = Buffer.from(token, 'base64url');
    // Reject non-canonical encodings, so one token has exactly one spelling.
    if (bytes.toString('base64url') !== token || bytes.length <= MAC_BYTES) {
      return { ok: false, reason: 'malformed' };
    }
    const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
    const signature = bytes.subarray(bytes.length - MAC_BYTES);
    const reader = new Reader(payload);
    const version = reader.byte();
    const keyId = reader.string();
    if (version !== TOKEN_VERSION || keyId === undefined) return { ok: false, reason: 'malformed' };
    const key = this.keys.get(keyId);
    // An unknown (e.g. retired) key id cannot be told apart from a forgery.
    if (key === undefined || !timingSafeEqual(mac(key, payload), signature)) {
      return { ok: false, reason: 'forged' };
    }
    const seconds = reader.uint32();
    const tenantId = reader.id();
    const debtorId = reader.id();
    const caseId = reader.id();
    const dispatchId = reader.id();
    if (
      seconds === undefined ||
      tenantId === undefined ||
      debtorId === undefined ||
      caseId === undefined ||
      dispatchId === undefined ||
      !reader.done()
    ) {
      return { ok: false, reason: 'malformed' };
    }
    const expiresAt = new Date(seconds * 1000);
    if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, keyId, claims: { tenantId, debtorId, caseId, dispatchId, expiresAt } };
  }
}

/**
 * Keys from one config value: `kid:base64secret[,kid:base64secret…]`, the first one active.
 * Errors name the key id, never the secret.
 */
export function parsePortalLinkKeys(spec: string): PortalLinkKey[] {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new Error('portal link keys: none given');
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID_PATTERN.test(id)) {
      throw new Error(`portal link keys: entry ${index + 1} is not kid:base64secret`);
    }
    const encoded = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
      throw new Error(`portal link key ${id} is not base64`);
    }
    const secret = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (secret.length < PORTAL_LINK_MIN_KEY_BYTES) {
      throw new Error(`portal link key ${id} is shorter than ${PORTAL_LINK_MIN_KEY_BYTES} bytes`);
    }
    return { id, secret };
  });
}

function checkedBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('the portal base URL is not a URL');
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error('the portal base URL is https://host[/path] without query or credentials');
  }
  return baseUrl.replace(/\/+$/, '');
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
}

function encodeString(value: string): Buffer {
  const bytes = Buffer.from(value, 'ascii');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function encodeId(id: string): Buffer {
  if (UUID_PATTERN.test(id)) {
    return Buffer.concat([Buffer.from([UUID_MARKER]), Buffer.from(id.replace(/-/g, ''), 'hex')]);
  }
  return encodeString(id);
}

/** Bounds-checked reads; `undefined` once the payload does not parse. */
class Reader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  byte(): number | undefined {
    if (this.offset >= this.bytes.length) return undefined;
    return this.bytes[this.offset++];
  }

  uint32(): number | undefined {
    if (this.offset + 4 > this.bytes.length) return undefined;
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  string(): string | undefined {
    const length = this.byte();
    if (length === undefined || length === 0 || length > MAX_ID_LENGTH) return undefined;
    if (this.offset + length > this.bytes.length) return undefined;
    const value = this.bytes.toString('ascii', this.offset, this.offset + length);
    this.offset += length;
    return /^[\x21-\x7e]+$/.test(value) ? value : undefined;
  }

  id(): string | undefined {
    if (this.bytes[this.offset] !== UUID_MARKER) return this.string();
    if (this.offset + 17 > this.bytes.length) return undefined;
    const hex = this.bytes.toString('hex', this.offset + 1, this.offset + 17);
    this.offset += 17;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  done(): boolean {
    return this.offset === this.bytes.length;
  }
}
