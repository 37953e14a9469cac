import { createHmac } from 'node:crypto';
import { type PspEvent, PspError, WebhookVerificationError } from '../psp-port';
import { SandboxPsp, toPspError } from './sandbox-psp';

const SECRET = 'whsec_current_0123';
const OLD_SECRET = 'whsec_previous_0123';
const NOW = new Date('2026-03-01T10:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

const psp = new SandboxPsp({
  baseUrl: 'http://127.0.0.1:9',
  secretKey: 'sk_unit',
  webhookSecrets: [SECRET, OLD_SECRET],
});

function v1(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function event(type: string, object: Record<string, unknown>): string {
  return JSON.stringify({ id: 'evt_1', object: 'event', type, created: T - 5, data: { object } });
}

function signed(
  body: string,
  options: { secrets?: string[]; timestamp?: number } = {},
): { rawBody: Buffer; headers: Record<string, string | undefined> } {
  const timestamp = options.timestamp ?? T;
  const signatures = (options.secrets ?? [SECRET]).map(
    (secret) => `v1=${v1(secret, timestamp, body)}`,
  );
  return {
    rawBody: Buffer.from(body),
    headers: {
      'psp-signature': [`t=${timestamp}`, ...signatures].join(','),
      'content-type': 'application/json',
    },
  };
}

function verify(
  input: { rawBody: Buffer; headers: Record<string, string | undefined> },
  now = NOW,
): PspEvent {
  return psp.verifyWebhook(input.rawBody, input.headers, now);
}

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError');
}

const INTENT = {
  id: 'pi_1',
  object: 'payment_intent',
  amount: 12_345,
  currency: 'eur',
  status: 'succeeded',
  last_payment_error: null,
  metadata: { payment_id: 'pay-1', tenant_id: 'tenant-a' },
};
const SUCCEEDED = event('payment_intent.succeeded', INTENT);

describe('SandboxPsp.verifyWebhook: signature', () => {
  it('accepts a body signed with the current secret', () => {
    expect(verify(signed(SUCCEEDED))).toMatchObject({
      kind: 'payment.succeeded',
      eventId: 'evt_1',
    });
  });

  it('accepts the previous secret during a rotation, alone or beside a foreign v1', () => {
    expect(verify(signed(SUCCEEDED, { secrets: [OLD_SECRET] })).kind).toBe('payment.succeeded');
    expect(verify(signed(SUCCEEDED, { secrets: ['whsec_other_0123', OLD_SECRET] })).kind).toBe(
      'payment.succeeded',
    );
  });

  it('refuses a tampered body and a wrong secret as bad_signature', () => {
    const { headers } = signed(SUCCEEDED);
    const tampered = Buffer.from(SUCCEEDED.replace('12345', '99999'));
    expect(rejection(() => psp.verifyWebhook(tampered, headers, NOW))).toBe('bad_signature');
    expect(rejection(() => verify(signed(SUCCEEDED, { secrets: ['whsec_wrong_0123'] })))).toBe(
      'bad_signature',
    );
  });

  it('checks the signature before the age: a forged old header is bad_signature', () => {
    expect(
      rejection(() =>
        verify(signed(SUCCEEDED, { secrets: ['whsec_wrong'], timestamp: T - 3_600 })),
      ),
    ).toBe('bad_signature');
  });

  it('refuses a signature more than 300 s old or ahead as stale, and accepts 300 s', () => {
    expect(rejection(() => verify(signed(SUCCEEDED, { timestamp: T - 301 })))).toBe('stale');
    expect(rejection(() => verify(signed(SUCCEEDED, { timestamp: T + 301 })))).toBe('stale');
    expect(verify(signed(SUCCEEDED, { timestamp: T - 300 })).kind).toBe('payment.succeeded');
    expect(verify(signed(SUCCEEDED, { timestamp: T + 300 })).kind).toBe('payment.succeeded');
  });

  it('takes its tolerance from the constructor', () => {
    const strict = new SandboxPsp({
      baseUrl: 'http://127.0.0.1:9',
      secretKey: 'sk_unit',
      webhookSecrets: [SECRET],
      toleranceSeconds: 10,
    });
    const input = signed(SUCCEEDED, { timestamp: T - 11 });
    expect(rejection(() => strict.verifyWebhook(input.rawBody, input.headers, NOW))).toBe('stale');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without t', `v1=${'a'.repeat(64)}`],
    ['without v1', `t=${T}`],
    ['with two t', `t=${T},t=${T},v1=${'a'.repeat(64)}`],
    ['with a non-numeric t', `t=yesterday,v1=${'a'.repeat(64)}`],
    ['with a short v1', `t=${T},v1=abc`],
    ['not key=value', `t=${T},garbage`],
  ])('refuses a header %s as malformed', (_, header) => {
    expect(
      rejection(() => psp.verifyWebhook(Buffer.from(SUCCEEDED), { 'psp-signature': header }, NOW)),
    ).toBe('malformed');
  });

  it('ignores unknown schemes beside v1', () => {
    const input = signed(SUCCEEDED);
    const headers = { 'psp-signature': `${input.headers['psp-signature']!},v0=zzz` };
    expect(psp.verifyWebhook(input.rawBody, headers, NOW).kind).toBe('payment.succeeded');
  });

  it('refuses a signed body that is not a well-formed event as malformed', () => {
    expect(rejection(() => verify(signed('not json')))).toBe('malformed');
    expect(rejection(() => verify(signed('[]')))).toBe('malformed');
    expect(rejection(() => verify(signed(JSON.stringify({ id: 'evt_1', object: 'event' }))))).toBe(
      'malformed',
    );
  });

  it('needs at least one secret', () => {
    expect(
      () => new SandboxPsp({ baseUrl: 'http://x', secretKey: 'sk', webhookSecrets: [] }),
    ).toThrow(/at least one/);
  });
});

describe('SandboxPsp.verifyWebhook: event mapping', () => {
  const occurredAt = new Date((T - 5) * 1000);
  const map = (type: string, object: Record<string, unknown>): PspEvent =>
    verify(signed(event(type, object)));

  it('payment_intent.succeeded → payment.succeeded (currency upper-cased)', () => {
    expect(map('payment_intent.succeeded', INTENT)).toEqual({
      kind: 'payment.succeeded',
      eventId: 'evt_1',
      occurredAt,
      pspPaymentId: 'pi_1',
      paymentId: 'pay-1',
      amountMinor: 12_345,
      currency: 'EUR',
    });
  });

  it('payment_intent.payment_failed → payment.failed with last_payment_error.code', () => {
    expect(
      map('payment_intent.payment_failed', {
        ...INTENT,
        status: 'requires_payment_method',
        last_payment_error: {
          code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      }),
    ).toEqual({
      kind: 'payment.failed',
      eventId: 'evt_1',
      occurredAt,
      pspPaymentId: 'pi_1',
      paymentId: 'pay-1',
      reason: 'insufficient_funds',
    });
  });

  it.each(['refund.succeeded', 'refund.failed'] as const)('%s → the same kind', (type) => {
    const refund = {
      id: 're_1',
      object: 'refund',
      amount: 4_000,
      currency: 'EUR',
      payment_intent: 'pi_1',
      status: type === 'refund.succeeded' ? 'succeeded' : 'failed',
      metadata: { refund_id: 'ref-1' },
    };
    expect(map(type, refund)).toEqual({
      kind: type,
      eventId: 'evt_1',
      occurredAt,
      pspRefundId: 're_1',
      pspPaymentId: 'pi_1',
      refundId: 'ref-1',
      amountMinor: 4_000,
      currency: 'EUR',
    });
    expect(map(type, { ...refund, metadata: {} })).not.toHaveProperty('refundId');
  });

  it('charge.dispute.created → chargeback.created', () => {
    expect(
      map('charge.dispute.created', {
        id: 'dp_1',
        object: 'dispute',
        payment_intent: 'pi_1',
        amount: 12_345,
        currency: 'EUR',
        reason: 'fraudulent',
        metadata: { payment_id: 'pay-1', tenant_id: 'tenant-a' },
      }),
    ).toEqual({
      kind: 'chargeback.created',
      eventId: 'evt_1',
      occurredAt,
      pspChargebackId: 'dp_1',
      pspPaymentId: 'pi_1',
      amountMinor: 12_345,
      currency: 'EUR',
      reason: 'fraudulent',
    });
  });

  const MANDATE = {
    id: 'md_1',
    object: 'mandate',
    collection_day: 5,
    cancellation_reason: null,
    failure_reason: null,
    metadata: { mandate_id: 'man-1', tenant_id: 'tenant-a' },
  };

  it('mandate.active / .failed / .cancelled → the same kind, with the reason', () => {
    expect(map('mandate.active', { ...MANDATE, status: 'active' })).toEqual({
      kind: 'mandate.active',
      eventId: 'evt_1',
      occurredAt,
      pspMandateId: 'md_1',
      mandateId: 'man-1',
    });
    expect(
      map('mandate.failed', { ...MANDATE, status: 'failed', failure_reason: 'invalid_account' }),
    ).toMatchObject({ kind: 'mandate.failed', mandateId: 'man-1', reason: 'invalid_account' });
    expect(
      map('mandate.cancelled', {
        ...MANDATE,
        status: 'cancelled',
        cancellation_reason: 'bank_cancelled',
      }),
    ).toMatchObject({ kind: 'mandate.cancelled', pspMandateId: 'md_1', reason: 'bank_cancelled' });
  });

  const COLLECTION = {
    id: 'col_1',
    object: 'collection',
    mandate: 'md_1',
    amount: 5_000,
    currency: 'EUR',
    charge_date: '2026-03-05',
    failure_reason: null,
    metadata: { payment_id: 'pay-9', tenant_id: 'tenant-a' },
  };

  it('collection.succeeded / .failed / .returned → the same kind', () => {
    expect(map('collection.succeeded', { ...COLLECTION, status: 'succeeded' })).toEqual({
      kind: 'collection.succeeded',
      eventId: 'evt_1',
      occurredAt,
      pspCollectionId: 'col_1',
      paymentId: 'pay-9',
      amountMinor: 5_000,
      currency: 'EUR',
    });
    for (const [type, reason] of [
      ['collection.failed', 'insufficient_funds'],
      ['collection.returned', 'refer_to_payer'],
    ] as const) {
      expect(map(type, { ...COLLECTION, status: 'failed', failure_reason: reason })).toEqual({
        kind: type,
        eventId: 'evt_1',
        occurredAt,
        pspCollectionId: 'col_1',
        paymentId: 'pay-9',
        amountMinor: 5_000,
        currency: 'EUR',
        reason,
      });
    }
  });

  it('acknowledges unknown types as ignored', () => {
    expect(map('payout.paid', { id: 'po_1' })).toEqual({
      kind: 'ignored',
      eventId: 'evt_1',
      occurredAt,
      type: 'payout.paid',
    });
  });

  it.each([
    ['payment_intent.succeeded', { ...INTENT, metadata: {} }],
    ['payment_intent.succeeded', { ...INTENT, amount: '12345' }],
    ['payment_intent.succeeded', { ...INTENT, currency: 'euro' }],
    ['payment_intent.payment_failed', { ...INTENT, last_payment_error: null }],
    ['refund.succeeded', { id: 're_1', amount: 1, currency: 'EUR' }],
    ['charge.dispute.created', { id: 'dp_1', payment_intent: 'pi_1', amount: 1, currency: 'EUR' }],
    ['mandate.active', { ...MANDATE, metadata: undefined }],
    ['collection.failed', COLLECTION],
    ['collection.succeeded', { ...COLLECTION, id: undefined }],
  ])('refuses %s without a required field as malformed', (type, object) => {
    expect(rejection(() => map(type, object as Record<string, unknown>))).toBe('malformed');
  });
});

describe('toPspError', () => {
  it.each([
    [400, 'rejected'],
    [404, 'rejected'],
    [422, 'rejected'],
    [401, 'unavailable'],
    [403, 'unavailable'],
    [409, 'unavailable'],
    [429, 'unavailable'],
    [500, 'unavailable'],
    [503, 'unavailable'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(toPspError(status, undefined, '/refunds').kind).toBe(kind);
  });

  it('keeps the PSP error code and message', () => {
    const error = toPspError(
      400,
      { error: { code: 'amount_too_large', message: 'Refund amount 9 is greater than 8.' } },
      '/refunds',
    );
    expect(error).toBeInstanceOf(PspError);
    expect(error).toMatchObject({ kind: 'rejected', pspCode: 'amount_too_large' });
    expect(error.message).toContain('Refund amount 9 is greater than 8.');
  });
});
