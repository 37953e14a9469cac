import {
  type AddressLookup,
  type AddressResolver,
  AddressResolverUnavailableError,
} from './address-resolver';

export interface CaseServiceAddressResolverOptions {
  /** case-service's base URL, e.g. `http://case-service:3001`. */
  baseUrl: string;
  /** A token with the role `contact-resolver`; called for every request (see `bearerTokenSource`). */
  token: () => Promise<string> | string;
  /** Per request, body included; default 5 s. */
  timeoutMs?: number;
  /** How long a found address is reused; bounds how late an erasure takes effect here. */
  cacheTtlMs?: number;
  /** Most addresses kept (least recently used go first); 0 disables caching. */
  cacheSize?: number;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; injected for tests. */
  now?: () => number;
}

type Found = Extract<AddressLookup, { kind: 'found' }>;

interface CachedAddress {
  readonly lookup: Found;
  readonly expiresAt: number;
}

export const RESOLVE_PATH = '/internal/v1/contact-addresses/resolve';
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_TTL_MS = 60_000;
const DEFAULT_CACHE_SIZE = 10_000;
// A 404 means "no such contact point" only with one of these codes; any other 404 (a wrong base
// URL, a case-service without the route) is a fault to retry, not a reason to drop a message.
const NOT_FOUND_CODES = new Set(['debtor.not_found', 'contact_point.not_found']);

/**
 * Asks case-service (`POST /internal/v1/contact-addresses/resolve`) for one contact point's
 * address. Found addresses are cached briefly in memory only; not-found and erased answers are
 * not, so a contact point that appears later, or an erasure, is seen at the next call.
 */
export class CaseServiceAddressResolver implements AddressResolver {
  private readonly url: string;
  private readonly token: () => Promise<string> | string;
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly cacheSize: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  // Map iteration order is insertion order: re-inserting on a hit makes the first entry the LRU.
  private readonly cache = new Map<string, CachedAddress>();

  constructor(options: CaseServiceAddressResolverOptions) {
    // Concatenated, not resolved, so a base URL with a path prefix keeps it.
    this.url = new URL(`${options.baseUrl.replace(/\/+$/, '')}${RESOLVE_PATH}`).toString();
    this.token = options.token;
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.cacheTtlMs = nonNegative('cacheTtlMs', options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS);
    this.cacheSize = nonNegative('cacheSize', options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  async resolve(
    tenantId: string,
    debtorId: string,
    contactPointId: string,
  ): Promise<AddressLookup> {
    const key = `${tenantId}\u0000${debtorId}\u0000${contactPointId}`;
    const cached = this.cached(key);
    if (cached) return cached;
    const lookup = await this.ask({ tenantId, debtorId, contactPointId });
    if (lookup.kind === 'found') this.remember(key, lookup);
    return lookup;
  }

  /** Drops a debtor's cached addresses, e.g. on `DebtorErased`, so erasure applies at once. */
  forgetDebtor(tenantId: string, debtorId: string): void {
    const prefix = `${tenantId}\u0000${debtorId}\u0000`;
    for (const key of this.cache.keys()) {
      if (key.startsWith(prefix)) this.cache.delete(key);
    }
  }

  private async ask(ids: {
    tenantId: string;
    debtorId: string;
    contactPointId: string;
  }): Promise<AddressLookup> {
    let token: string;
    try {
      token = await this.token();
    } catch (error: unknown) {
      throw new AddressResolverUnavailableError('no bearer token for case-service', undefined, {
        cause: error,
      });
    }
    let status: number;
    let body: unknown;
    try {
      const response = await this.fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(ids),
        // Covers reading the body too: the signal stays armed until the body is consumed.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      body = await readJson(response);
    } catch (error: unknown) {
      // Network errors and timeouts; `cause` is fetch's error, which never holds a response body.
      // By name, not instanceof: the DOMException may come from another realm (e.g. under Jest).
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      throw new AddressResolverUnavailableError(
        timedOut
          ? `case-service did not answer within ${this.timeoutMs} ms`
          : 'case-service is unreachable',
        undefined,
        { cause: error },
      );
    }
    return this.interpret(status, body);
  }

  private interpret(status: number, body: unknown): AddressLookup {
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (status === 200) {
      const { address, kind } = fields;
      if (typeof address !== 'string' || address === '' || typeof kind !== 'string') {
        throw new AddressResolverUnavailableError(
          'case-service answered 200 without an address',
          status,
        );
      }
      return { kind: 'found', address, contactPointKind: kind };
    }
    if (status === 410) return { kind: 'erased' };
    if (
      status === 404 &&
      typeof fields['code'] === 'string' &&
      NOT_FOUND_CODES.has(fields['code'])
    ) {
      return { kind: 'not_found' };
    }
    // 401/403 (token or role), 5xx, anything else: only the status and the error code, if any.
    const code = typeof fields['code'] === 'string' ? ` (${safeCode(fields['code'])})` : '';
    throw new AddressResolverUnavailableError(`case-service answered ${status}${code}`, status);
  }

  private cached(key: string): Found | undefined {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    this.cache.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.cache.set(key, entry);
    return { ...entry.lookup };
  }

  private remember(key: string, lookup: Found): void {
    if (this.cacheSize === 0 || this.cacheTtlMs === 0) return;
    this.cache.delete(key);
    this.cache.set(key, { lookup, expiresAt: this.now() + this.cacheTtlMs });
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      this.cache.delete(oldest.value);
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Error codes are short machine words; anything else is not repeated. */
function safeCode(code: string): string {
  return /^[a-z0-9_.]{1,64}$/.test(code) ? code : 'unrecognised code';
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`CaseServiceAddressResolver: ${name} must be a positive number`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`CaseServiceAddressResolver: ${name} must be a non-negative integer`);
  }
  return value;
}
