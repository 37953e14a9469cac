/** A response as the API sent it, kept to be replayed for the same idempotency key. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export type IdempotencyLookup =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /** The key was used for a different request: 422 idempotency_key_reused. */
  | { readonly kind: 'reused' };

/** JSON with object keys sorted, so the same body always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": endpoint and body (key order does not matter). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return `${method.toUpperCase()} ${path} ${canonicalJson(body)}`;
}

/**
 * Idempotency keys of the one sandbox account: same key and same request → the stored response;
 * same key, other request → refused. In memory, for the life of the process.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, { fingerprint: string; response: StoredResponse }>();

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.entries.get(key);
    if (!entry) return { kind: 'new' };
    return entry.fingerprint === fingerprint
      ? { kind: 'replay', response: entry.response }
      : { kind: 'reused' };
  }

  save(key: string, fingerprint: string, response: StoredResponse): void {
    this.entries.set(key, { fingerprint, response });
  }

  clear(): void {
    this.entries.clear();
  }
}
