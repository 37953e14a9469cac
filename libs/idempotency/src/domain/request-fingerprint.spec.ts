import { createHash } from 'node:crypto';
import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('sorts integer-like keys as strings too', () => {
    expect(canonicalJson({ 10: 'x', 9: 'y', a: 'z' })).toBe('{"10":"x","9":"y","a":"z"}');
  });

  it('follows JSON.stringify for undefined, toJSON and scalars', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.000Z') })).toBe(
      '{"at":"2026-01-02T03:04:05.000Z"}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('quote " and \\')).toBe(JSON.stringify('quote " and \\'));
    expect(canonicalJson(12.5)).toBe('12.5');
  });
});

describe('requestFingerprint', () => {
  const base = { method: 'POST', path: '/payments', body: { amount: 1250, currency: 'EUR' } };

  it('is sha256 over method, path and the canonical body', () => {
    const expected = createHash('sha256')
      .update('POST\n/payments\n{"amount":1250,"currency":"EUR"}')
      .digest('hex');

    expect(requestFingerprint(base)).toBe(expected);
  });

  it('ignores property order and the case of the method', () => {
    expect(
      requestFingerprint({ ...base, method: 'post', body: { currency: 'EUR', amount: 1250 } }),
    ).toBe(requestFingerprint(base));
  });

  it('differs for another method, path or body', () => {
    const fingerprint = requestFingerprint(base);

    expect(requestFingerprint({ ...base, method: 'PUT' })).not.toBe(fingerprint);
    expect(requestFingerprint({ ...base, path: '/payments/p-1' })).not.toBe(fingerprint);
    expect(requestFingerprint({ ...base, body: { amount: 1251, currency: 'EUR' } })).not.toBe(
      fingerprint,
    );
    expect(requestFingerprint({ ...base, body: undefined })).not.toBe(fingerprint);
  });
});
