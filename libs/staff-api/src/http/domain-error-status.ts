/**
 * HTTP status per domain error code. Each service registers its codes at startup with
 * {@link registerDomainErrorStatuses}. A key may also name a namespace: `'case'` covers every
 * `case.*` code that has no entry of its own.
 */
export const DOMAIN_ERROR_STATUS: Record<string, number> = {};

/** Adds a service's codes; a code registered twice with another status is a programming error. */
export function registerDomainErrorStatuses(statuses: Readonly<Record<string, number>>): void {
  for (const [code, status] of Object.entries(statuses)) {
    const existing = DOMAIN_ERROR_STATUS[code];
    if (existing !== undefined && existing !== status) {
      throw new Error(`domain error ${code} is already mapped to ${existing}, not ${status}`);
    }
    DOMAIN_ERROR_STATUS[code] = status;
  }
}

/** A domain error, detected by shape: its class lives in domain code that must not import HTTP. */
export interface CodedError extends Error {
  code: string;
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** The status for `code`: its own entry, else the nearest namespace's, else undefined. */
export function domainErrorStatus(
  code: string,
  table: Readonly<Record<string, number>> = DOMAIN_ERROR_STATUS,
): number | undefined {
  for (let key = code; key.length > 0; key = key.slice(0, Math.max(key.lastIndexOf('.'), 0))) {
    if (Object.hasOwn(table, key)) {
      return table[key];
    }
  }
  return undefined;
}
