import { canonicalJson, IdempotencyStore, requestFingerprint } from './idempotency';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('IdempotencyStore', () => {
  const create = requestFingerprint('post', '/psp/v1/refunds', {
    payment_intent: 'pi_1',
    amount: 100,
  });

  it('replays the stored response for the same request, whatever the key order', () => {
    const store = new IdempotencyStore();
    expect(store.lookup('k1', create)).toEqual({ kind: 'new' });
    store.save('k1', create, { status: 200, body: { id: 're_1' } });

    const same = requestFingerprint('POST', '/psp/v1/refunds', {
      amount: 100,
      payment_intent: 'pi_1',
    });
    expect(store.lookup('k1', same)).toEqual({
      kind: 'replay',
      response: { status: 200, body: { id: 're_1' } },
    });
  });

  it('refuses the key for another body or another endpoint', () => {
    const store = new IdempotencyStore();
    store.save('k1', create, { status: 200, body: {} });
    expect(
      store.lookup(
        'k1',
        requestFingerprint('POST', '/psp/v1/refunds', { payment_intent: 'pi_1', amount: 101 }),
      ),
    ).toEqual({ kind: 'reused' });
    expect(
      store.lookup(
        'k1',
        requestFingerprint('POST', '/psp/v1/mandates', { payment_intent: 'pi_1', amount: 100 }),
      ),
    ).toEqual({ kind: 'reused' });
    expect(store.lookup('k2', create)).toEqual({ kind: 'new' });
  });

  it('forgets everything on clear', () => {
    const store = new IdempotencyStore();
    store.save('k1', create, { status: 200, body: {} });
    store.clear();
    expect(store.lookup('k1', create)).toEqual({ kind: 'new' });
  });
});
