import { isRedactedKey, REDACTED, redactPii } from './redact';

describe('redactPii', () => {
  it('matches keys regardless of case, underscores and dashes', () => {
    expect(isRedactedKey('phoneNumber')).toBe(true);
    expect(isRedactedKey('PHONE_NUMBER')).toBe(true);
    expect(isRedactedKey('e-mail')).toBe(true);
    expect(isRedactedKey('email')).toBe(true);
    expect(isRedactedKey('templateName')).toBe(false);
  });

  it('returns the same object when nothing needs redacting', () => {
    const value = { caseId: 'c-1', nested: { amountMinor: 1000 }, list: [1, 2] };
    expect(redactPii(value)).toBe(value);
  });

  it('copies only what it changes and leaves class instances alone', () => {
    const when = new Date('2026-01-01T00:00:00Z');
    const value = { when, nested: { name: 'Ada' }, untouched: { id: 1 } };

    const redacted = redactPii(value);

    expect(redacted).toEqual({ when, nested: { name: REDACTED }, untouched: { id: 1 } });
    expect(redacted.when).toBe(when);
    expect(redacted.untouched).toBe(value.untouched);
    expect(value.nested.name).toBe('Ada');
  });

  it('does not invent keys whose value is undefined', () => {
    expect(redactPii({ email: undefined, id: 'x' })).toEqual({ email: undefined, id: 'x' });
  });
});
