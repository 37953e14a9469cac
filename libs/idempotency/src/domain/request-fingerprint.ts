import { createHash } from 'node:crypto';

export interface FingerprintedRequest {
  readonly method: string;
  /** The URL path the client called, without the query string. */
  readonly path: string;
  /** The parsed JSON body; undefined when there is none. */
  readonly body: unknown;
}

/**
 * sha256 (hex) over method, path and the canonical JSON of the body: the same request sent twice
 * gets the same fingerprint whatever the order of its JSON properties.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  return createHash('sha256')
    .update(request.method.toUpperCase())
    .update('\n')
    .update(request.path)
    .update('\n')
    .update(canonicalJson(request.body))
    .digest('hex');
}

/**
 * JSON with object keys sorted (by code unit) at every depth. Follows JSON.stringify otherwise:
 * `toJSON` is honoured, undefined and function properties are left out, and such array items
 * become null.
 */
export function canonicalJson(value: unknown): string {
  const plain = hasToJson(value) ? value.toJSON() : value;
  if (Array.isArray(plain)) {
    return `[${plain.map((item: unknown) => (isOmitted(item) ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (typeof plain === 'object' && plain !== null) {
    const entries = Object.keys(plain)
      .sort()
      .filter((key) => !isOmitted((plain as Record<string, unknown>)[key]))
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((plain as Record<string, unknown>)[key])}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(plain) ?? 'null';
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  );
}
