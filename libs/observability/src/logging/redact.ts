/** What a redacted value is replaced with in log lines. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values never reach a log line, at any depth. Matching ignores case, `_` and `-`,
 * so `email`, `Email` and `e-mail` are the same key; `phone_number` matches `phoneNumber`.
 */
export const REDACTED_LOG_KEYS: readonly string[] = [
  // personal data
  'name',
  'firstName',
  'lastName',
  'fullName',
  'givenName',
  'familyName',
  'middleName',
  'email',
  'emailAddress',
  'phone',
  'phoneNumber',
  'mobile',
  'msisdn',
  'address',
  'street',
  'postalCode',
  'postcode',
  'dateOfBirth',
  'birthDate',
  'dob',
  'nationalId',
  'ssn',
  'taxId',
  'iban',
  'accountNumber',
  'ipAddress',
  'remoteAddress',
  // message routing and content
  'to',
  'from',
  'cc',
  'bcc',
  'subject',
  'body',
  'text',
  'html',
  // secrets
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'authorization',
  'cookie',
];

const MAX_DEPTH = 8;

const normalize = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

const REDACTED_KEY_SET: ReadonlySet<string> = new Set(REDACTED_LOG_KEYS.map(normalize));

export function isRedactedKey(key: string): boolean {
  return REDACTED_KEY_SET.has(normalize(key));
}

/**
 * Returns `value` with every redacted key censored, copying only the objects it changes.
 * Only plain objects and arrays are walked: Errors and class instances keep their identity so
 * pino's serializers still see them.
 */
export function redactPii<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = redactValue(item, depth + 1);
      if (redacted !== item) {
        copy ??= [...value];
        copy[index] = redacted;
      }
    });
    return copy ?? value;
  }
  if (!isPlainObject(value)) {
    return value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted =
      isRedactedKey(key) && item !== undefined ? REDACTED : redactValue(item, depth + 1);
    if (redacted !== item) {
      copy ??= { ...value };
      copy[key] = redacted;
    }
  }
  return copy ?? value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
