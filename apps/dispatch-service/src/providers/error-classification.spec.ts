import {
  classifyNetworkFailure,
  classifySendGridFailure,
  classifyTwilioFailure,
  headerValue,
  parseRetryAfterMs,
} from './error-classification';

const NOW = Date.parse('2026-11-30T10:00:00Z');

/** As the twilio SDK's RestException carries them. */
function restException(status: number, code?: number): Error {
  return Object.assign(new Error('[HTTP] Failed to execute request'), {
    status,
    ...(code === undefined ? {} : { code, moreInfo: `https://www.twilio.com/docs/errors/${code}` }),
  });
}

/** As axios rejects without a response. */
function networkError(code: string | undefined, message: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

/** As @sendgrid/helpers' ResponseError carries them. */
function responseError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error('Bad Request'), {
    code: status,
    response: { headers, body: { errors: [{ message: 'x', field: null, help: null }] } },
  });
}

describe('classifyTwilioFailure', () => {
  it.each([
    ['429 / 20429', restException(429, 20429), { kind: 'retryable', code: '20429' }],
    ['429 without a body', restException(429), { kind: 'retryable', code: 'http-429' }],
    ['500 / 20500', restException(500, 20500), { kind: 'ambiguous', code: '20500' }],
    ['503 without a body', restException(503), { kind: 'ambiguous', code: 'http-503' }],
    [
      '21610 opted out',
      restException(400, 21610),
      { kind: 'rejected', code: '21610', optedOut: true },
    ],
    [
      '21211 invalid To',
      restException(400, 21211),
      { kind: 'rejected', code: '21211', optedOut: false },
    ],
    [
      '63016 WhatsApp window',
      restException(400, 63016),
      { kind: 'rejected', code: '63016', optedOut: false },
    ],
    [
      '21408 region not enabled',
      restException(403, 21408),
      { kind: 'rejected', code: '21408', optedOut: false },
    ],
    [
      '404 without a body',
      restException(404),
      { kind: 'rejected', code: 'http-404', optedOut: false },
    ],
    [
      '401 / 20003 bad credentials',
      restException(401, 20003),
      { kind: 'retryable', code: '20003' },
    ],
    [
      'axios timeout',
      networkError('ECONNABORTED', 'timeout of 500ms exceeded'),
      { kind: 'ambiguous', code: 'ECONNABORTED' },
    ],
    [
      'socket timeout',
      networkError('ETIMEDOUT', 'connect ETIMEDOUT'),
      { kind: 'ambiguous', code: 'ETIMEDOUT' },
    ],
    [
      'socket hang up',
      networkError('ECONNRESET', 'socket hang up'),
      { kind: 'ambiguous', code: 'ECONNRESET' },
    ],
    ['broken pipe', networkError('EPIPE', 'write EPIPE'), { kind: 'ambiguous', code: 'EPIPE' }],
    [
      'connection refused',
      networkError('ECONNREFUSED', 'connect ECONNREFUSED'),
      { kind: 'retryable', code: 'ECONNREFUSED' },
    ],
    [
      'unknown host',
      networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND'),
      { kind: 'retryable', code: 'ENOTFOUND' },
    ],
    [
      'an error without a code',
      networkError(undefined, 'boom'),
      { kind: 'ambiguous', code: 'unknown' },
    ],
    ['a thrown string', 'boom', { kind: 'ambiguous', code: 'unknown' }],
    ['undefined', undefined, { kind: 'ambiguous', code: 'unknown' }],
  ])('%s', (_name, error, expected) => {
    expect(classifyTwilioFailure(error, { nowMs: NOW })).toEqual(expected);
  });

  it('carries Retry-After (seconds) on a 429', () => {
    expect(
      classifyTwilioFailure(restException(429, 20429), {
        headers: { 'Retry-After': '3' },
        nowMs: NOW,
      }),
    ).toEqual({
      kind: 'retryable',
      code: '20429',
      retryAfterMs: 3000,
    });
  });

  it('reads Retry-After from axios-style headers with get()', () => {
    const headers = { get: (name: string) => (name === 'retry-after' ? '2' : undefined) };
    expect(classifyTwilioFailure(restException(429, 20429), { headers, nowMs: NOW })).toMatchObject(
      {
        retryAfterMs: 2000,
      },
    );
  });
});

describe('classifySendGridFailure', () => {
  it.each([
    ['429', responseError(429), { kind: 'retryable', code: '429' }],
    ['500', responseError(500), { kind: 'retryable', code: '500' }],
    ['503', responseError(503), { kind: 'retryable', code: '503' }],
    ['400', responseError(400), { kind: 'rejected', code: '400', optedOut: false }],
    ['413', responseError(413), { kind: 'rejected', code: '413', optedOut: false }],
    ['403', responseError(403), { kind: 'rejected', code: '403', optedOut: false }],
    ['401 bad key', responseError(401), { kind: 'retryable', code: '401' }],
    [
      'axios timeout',
      networkError('ECONNABORTED', 'timeout of 500ms exceeded'),
      { kind: 'ambiguous', code: 'ECONNABORTED' },
    ],
    [
      'socket hang up',
      networkError('ECONNRESET', 'socket hang up'),
      { kind: 'ambiguous', code: 'ECONNRESET' },
    ],
    [
      'connection refused',
      networkError('ECONNREFUSED', 'connect ECONNREFUSED'),
      { kind: 'retryable', code: 'ECONNREFUSED' },
    ],
    [
      'a validation error from the helper',
      new Error('Provide at least one of to, cc or bcc'),
      { kind: 'ambiguous', code: 'unknown' },
    ],
  ])('%s', (_name, error, expected) => {
    expect(classifySendGridFailure(error, { nowMs: NOW })).toEqual(expected);
  });

  it('carries Retry-After from the error response headers', () => {
    expect(
      classifySendGridFailure(responseError(429, { 'retry-after': '5' }), { nowMs: NOW }),
    ).toEqual({
      kind: 'retryable',
      code: '429',
      retryAfterMs: 5000,
    });
  });

  it("falls back to SendGrid's X-RateLimit-Reset (Unix seconds)", () => {
    const reset = String(NOW / 1000 + 42);
    expect(
      classifySendGridFailure(responseError(429, { 'X-RateLimit-Reset': reset }), { nowMs: NOW }),
    ).toMatchObject({
      retryAfterMs: 42_000,
    });
  });
});

describe('classifyNetworkFailure', () => {
  it('treats an unknown code as possibly sent', () => {
    expect(classifyNetworkFailure(networkError('ERR_SOMETHING', 'x'))).toEqual({
      kind: 'ambiguous',
      code: 'ERR_SOMETHING',
    });
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    [undefined, undefined],
    ['0', 0],
    ['7', 7000],
    ['1.5', 1500],
    ['Mon, 30 Nov 2026 10:00:10 GMT', 10_000],
    ['Mon, 30 Nov 2026 09:59:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
  ])('%p → %p', (value, expected) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(expected);
  });
});

describe('headerValue', () => {
  it('matches names in any case and takes the first of repeated values', () => {
    expect(headerValue({ 'X-Message-Id': 'abc' }, 'x-message-id')).toBe('abc');
    expect(headerValue({ 'retry-after': ['4', '9'] }, 'Retry-After')).toBe('4');
    expect(headerValue({ 'retry-after': 4 }, 'retry-after')).toBe('4');
    expect(headerValue(undefined, 'retry-after')).toBeUndefined();
    expect(headerValue({ 'retry-after': '  ' }, 'retry-after')).toBeUndefined();
  });
});
