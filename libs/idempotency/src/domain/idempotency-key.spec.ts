import { checkIdempotencyKey } from './idempotency-key';

describe('checkIdempotencyKey', () => {
  it('accepts 1 to 255 visible ASCII characters', () => {
    for (const key of ['a', 'c5c8e7a2-54f7-4bd2-9a4c-8e8d7f0f6e11', '!~#:/=+', 'k'.repeat(255)]) {
      expect(checkIdempotencyKey(key)).toEqual({ valid: true, key });
    }
  });

  it('calls an absent or empty header missing', () => {
    expect(checkIdempotencyKey(undefined)).toEqual({
      valid: false,
      missing: true,
      reason: 'The Idempotency-Key header is required',
    });
    expect(checkIdempotencyKey('')).toMatchObject({ valid: false, missing: true });
  });

  it.each([
    ['too long', 'k'.repeat(256), 'longer than 255 characters'],
    ['with a space', 'two words', 'visible ASCII characters only'],
    ['sent twice (joined by Node)', 'a, b', 'visible ASCII characters only'],
    ['with a control character', 'key\t1', 'visible ASCII characters only'],
    ['non-ASCII', 'clé', 'visible ASCII characters only'],
  ])('rejects a key %s', (_what, key, reason) => {
    const check = checkIdempotencyKey(key);

    expect(check).toMatchObject({ valid: false, missing: false });
    expect(check.valid ? '' : check.reason).toContain(reason);
  });

  it('rejects several values', () => {
    expect(checkIdempotencyKey(['a', 'b'])).toMatchObject({ valid: false, missing: false });
  });
});
