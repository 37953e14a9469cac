import {
  parseCreateCollection,
  parseCreateIntent,
  parseCreateMandate,
  parseCreateRefund,
  parseDispute,
  parseNextCollection,
  parseRedeliverTimes,
  parseThreeDsResult,
  parseUpdateMandate,
} from './psp-requests';

const INTENT = {
  amount: 1000,
  currency: 'EUR',
  description: 'Acme',
  return_url: 'https://portal.test/r',
  metadata: { payment_id: 'p1', tenant_id: 't1' },
};

function param(result: { ok: boolean; failure?: { param?: string } }): string | undefined {
  return result.ok ? undefined : result.failure?.param;
}

describe('sandbox PSP request parsing', () => {
  it('reads a payment intent', () => {
    expect(parseCreateIntent(INTENT)).toEqual({
      ok: true,
      events: [],
      value: {
        amount: 1000,
        currency: 'EUR',
        description: 'Acme',
        returnUrl: 'https://portal.test/r',
        metadata: { payment_id: 'p1', tenant_id: 't1' },
      },
    });
  });

  it.each([
    [{ amount: 0 }, 'amount'],
    [{ amount: 10.5 }, 'amount'],
    [{ amount: Number.MAX_SAFE_INTEGER + 1 }, 'amount'],
    [{ currency: 'EURO' }, 'currency'],
    [{ description: '' }, 'description'],
    [{ return_url: 'javascript:alert(1)' }, 'return_url'],
    [{ metadata: { n: 1 } }, 'metadata'],
    [{ metadata: [] }, 'metadata'],
  ])('refuses %j naming %s', (change, name) => {
    const result = parseCreateIntent({ ...INTENT, ...change });
    expect(result).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'parameter_invalid' },
    });
    expect(param(result)).toBe(name);
  });

  it('reads refunds with or without an amount', () => {
    expect(parseCreateRefund({ payment_intent: 'pi_1' })).toMatchObject({
      ok: true,
      value: { paymentIntent: 'pi_1', metadata: {} },
    });
    expect(parseCreateRefund({ payment_intent: 'pi_1', amount: 5 })).toMatchObject({
      value: { amount: 5 },
    });
    expect(param(parseCreateRefund({ amount: 5 }))).toBe('payment_intent');
  });

  it('reads mandates and collection days 1 to 28', () => {
    expect(parseCreateMandate({ collection_day: 28, return_url: 'http://x.test/' })).toMatchObject({
      ok: true,
      value: { collectionDay: 28 },
    });
    expect(param(parseUpdateMandate({ collection_day: 29 }))).toBe('collection_day');
    expect(param(parseUpdateMandate({ collection_day: 0 }))).toBe('collection_day');
    expect(parseUpdateMandate({ collection_day: '7' })).toMatchObject({
      value: { collectionDay: 7 },
    });
  });

  it('reads collections with a real calendar date', () => {
    const collection = { mandate: 'md_1', amount: 100, currency: 'EUR', charge_date: '2026-02-28' };
    expect(parseCreateCollection(collection)).toMatchObject({
      ok: true,
      value: { chargeDate: '2026-02-28' },
    });
    expect(param(parseCreateCollection({ ...collection, charge_date: '2026-02-30' }))).toBe(
      'charge_date',
    );
    expect(param(parseCreateCollection({ ...collection, charge_date: '28/02/2026' }))).toBe(
      'charge_date',
    );
  });

  it('reads the control API bodies', () => {
    expect(parseDispute({})).toMatchObject({ value: { reason: 'fraudulent' } });
    expect(parseDispute({ reason: 'duplicate', amount: 3 })).toMatchObject({
      value: { reason: 'duplicate', amount: 3 },
    });
    expect(parseNextCollection({ outcome: 'return', reason: 'refer_to_payer' })).toMatchObject({
      value: { outcome: 'return', reason: 'refer_to_payer' },
    });
    expect(param(parseNextCollection({ outcome: 'explode' }))).toBe('outcome');
    expect(parseThreeDsResult('deny', 'result')).toMatchObject({ value: 'deny' });
    expect(param(parseThreeDsResult('maybe', 'result'))).toBe('result');
    expect(parseRedeliverTimes({})).toMatchObject({ value: 1 });
    expect(parseRedeliverTimes({ times: 3 })).toMatchObject({ value: 3 });
    expect(param(parseRedeliverTimes({ times: 0 }))).toBe('times');
    expect(param(parseRedeliverTimes({ times: 21 }))).toBe('times');
  });
});
