/**
 * HTTP status per domain error code. Feature modules add their codes at import time, e.g.
 * `DOMAIN_ERROR_STATUS['payment.plan_rejected'] = 422`. A key may also name a namespace:
 * `'case'` covers every `case.*` code that has no entry of its own.
 */
export const DOMAIN_ERROR_STATUS: Record<string, number> = {
  'case.not_found': 404,
  'case.illegal_transition': 409,
  'case.conflict': 409,
  'debtor.not_found': 404,
  'debtor.legal_retention': 409,
  'debtor.already_erased': 409,
};

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
