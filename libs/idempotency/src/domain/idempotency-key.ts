/** The request header carrying the client's key (matched case-insensitively, as all headers). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// Visible ASCII only: no spaces, so a header sent twice (joined with ", ") is rejected too.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export type IdempotencyKeyCheck =
  | { readonly valid: true; readonly key: string }
  | { readonly valid: false; readonly missing: boolean; readonly reason: string };

/** Checks a raw `Idempotency-Key` header value: 1–255 visible ASCII characters. */
export function checkIdempotencyKey(
  header: string | readonly string[] | undefined,
): IdempotencyKeyCheck {
  if (header === undefined) {
    return {
      valid: false,
      missing: true,
      reason: `The ${IDEMPOTENCY_KEY_HEADER} header is required`,
    };
  }
  if (typeof header !== 'string') {
    return {
      valid: false,
      missing: false,
      reason: `Send one ${IDEMPOTENCY_KEY_HEADER} header, not ${header.length}`,
    };
  }
  if (header.length === 0) {
    return { valid: false, missing: true, reason: `The ${IDEMPOTENCY_KEY_HEADER} header is empty` };
  }
  if (header.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      valid: false,
      missing: false,
      reason: `The ${IDEMPOTENCY_KEY_HEADER} header is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    };
  }
  if (!VISIBLE_ASCII.test(header)) {
    return {
      valid: false,
      missing: false,
      reason: `The ${IDEMPOTENCY_KEY_HEADER} header may hold visible ASCII characters only (no spaces)`,
    };
  }
  return { valid: true, key: header };
}
