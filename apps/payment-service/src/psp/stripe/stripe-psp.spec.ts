import Stripe from 'stripe';
import { PspError, WebhookVerificationError, type WebhookRejection } from '../psp-port';
import { StripePsp, toPspError } from './stripe-psp';

const SECRET = 'whsec_current_secret';
const OLD_SECRET = 'whsec_previous_secret';
// Long ago on purpose: the SDK's own clock check would reject it; only `now` may decide.
const SIGNED_AT = 1_600_000_000;
const AT_SIGNING = new Date(SIGNED_AT * 1000);

const psp = new StripePsp({ secretKey: 'sk_test_123', webhookSecrets: [SECRET, OLD_SECRET] });

function stripeEvent(type: string, object: Record<string, unknown>, extra = {}): string {
  return JSON.stringify({
    id: 'evt_1',
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: SIGNED_AT - 2,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object, ...extra },
  });
}

function signed(payload: string, secret = SECRET, timestamp = SIGNED_AT) {
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  return { body: Buffer.from(payload), headers: { 'stripe-signature': header } };
}

function verify(payload: string, now = AT_SIGNING, secret = SECRET) {
  const { body, headers } = signed(payload, secret);
  return psp.verifyWebhook(body, headers, now);
}

function rejection(run: () => unknown): WebhookRejection | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

const succeededIntent = {
  id: 'pi_1',
  object: 'payment_intent',
  amount: 12_345,
  amount_received: 12_345,
  currency: 'eur',
  status: 'succeeded',
  metadata: { payment_id: 'pay-1', tenant_id: 'tenant-a' },
};

describe('StripePsp.verifyWebhook: signature and timestamp', () => {
  const payload = stripeEvent('payment_intent.succeeded', succeededIntent);

  it('accepts a body signed with the current secret, judged against `now`, not the real clock', () => {
    expect(verify(payload)).toMatchObject({ kind: 'payment.succeeded', eventId: 'evt_1' });
  });

  it('accepts the previous secret while it is being rotated out', () => {
    expect(verify(payload, AT_SIGNING, OLD_SECRET)).toMatchObject({ kind: 'payment.succeeded' });
  });

  it('reads the header whatever its case', () => {
    const { body, headers } = signed(payload);
    const event = psp.verifyWebhook(
      body,
      { 'Stripe-Signature': headers['stripe-signature'] },
      AT_SIGNING,
    );
    expect(event.kind).toBe('payment.succeeded');
  });

  it('rejects a body signed with another secret', () => {
    expect(rejection(() => verify(payload, AT_SIGNING, 'whsec_someone_else'))).toBe(
      'bad_signature',
    );
  });

  it('rejects a tampered body', () => {
    const { headers } = signed(payload);
    const tampered = Buffer.from(payload.replace('12345', '99999'));
    expect(rejection(() => psp.verifyWebhook(tampered, headers, AT_SIGNING))).toBe('bad_signature');
  });

  it('rejects a signature over another timestamp', () => {
    const { body, headers } = signed(payload);
    const moved = headers['stripe-signature'].replace(`t=${SIGNED_AT}`, `t=${SIGNED_AT + 1}`);
    expect(
      rejection(() => psp.verifyWebhook(body, { 'stripe-signature': moved }, AT_SIGNING)),
    ).toBe('bad_signature');
  });

  it('is stale more than 300 s either side of `now`, and fine at 300 s', () => {
    const at = (seconds: number) => new Date((SIGNED_AT + seconds) * 1000);
    expect(rejection(() => verify(payload, at(300)))).toBe('accepted');
    expect(rejection(() => verify(payload, at(-300)))).toBe('accepted');
    expect(rejection(() => verify(payload, at(301)))).toBe('stale');
    expect(rejection(() => verify(payload, at(-301)))).toBe('stale');
  });

  it('checks the signature before the age, so a forged old webhook is a bad signature', () => {
    const late = new Date((SIGNED_AT + 3600) * 1000);
    expect(rejection(() => verify(payload, late, 'whsec_someone_else'))).toBe('bad_signature');
  });

  it('honours a configured tolerance', () => {
    const strict = new StripePsp({
      secretKey: 'sk_test_123',
      webhookSecrets: [SECRET],
      webhookToleranceSeconds: 10,
    });
    const { body, headers } = signed(payload);
    const now = new Date((SIGNED_AT + 11) * 1000);
    expect(rejection(() => strict.verifyWebhook(body, headers, now))).toBe('stale');
  });

  it.each([
    ['absent', {}],
    ['empty', { 'stripe-signature': '' }],
    ['not t=…,v1=…', { 'stripe-signature': 'garbage' }],
    ['without a v1 signature', { 'stripe-signature': `t=${SIGNED_AT},v0=abc` }],
    ['without a timestamp', { 'stripe-signature': 'v1=abc' }],
    ['with a non-numeric timestamp', { 'stripe-signature': 't=soon,v1=abc' }],
  ])('calls a header that is %s malformed', (_case, headers) => {
    expect(rejection(() => psp.verifyWebhook(Buffer.from(payload), headers, AT_SIGNING))).toBe(
      'malformed',
    );
  });

  it('calls a correctly signed body that is not JSON malformed', () => {
    expect(rejection(() => verify('not json'))).toBe('malformed');
  });

  it('calls a correctly signed JSON body that is not an event malformed', () => {
    expect(rejection(() => verify(JSON.stringify({ id: 'evt_1', object: 'charge' })))).toBe(
      'malformed',
    );
  });

  it('needs at least one secret', () => {
    expect(() => new StripePsp({ secretKey: 'sk_test_123', webhookSecrets: [] })).toThrow(
      'at least one webhook signing secret',
    );
  });
});

describe('StripePsp.verifyWebhook: event mapping', () => {
  const occurredAt = new Date((SIGNED_AT - 2) * 1000);

  it('payment_intent.succeeded gives payment.succeeded with the received amount', () => {
    const event = verify(
      stripeEvent('payment_intent.succeeded', { ...succeededIntent, amount: 20_000 }),
    );
    expect(event).toEqual({
      kind: 'payment.succeeded',
      eventId: 'evt_1',
      occurredAt,
      pspPaymentId: 'pi_1',
      paymentId: 'pay-1',
      amountMinor: 12_345,
      currency: 'EUR',
    });
  });

  it('ignores payments Clement did not start (no payment_id in metadata)', () => {
    const event = verify(
      stripeEvent('payment_intent.succeeded', { ...succeededIntent, metadata: {} }),
    );
    expect(event).toEqual({
      kind: 'ignored',
      eventId: 'evt_1',
      occurredAt,
      type: 'payment_intent.succeeded',
    });
  });

  it.each([
    [
      'the decline code',
      { code: 'card_declined', decline_code: 'insufficient_funds' },
      'insufficient_funds',
    ],
    [
      'the code for a generic decline',
      { code: 'card_declined', decline_code: 'generic_decline' },
      'card_declined',
    ],
    [
      'authentication_failed for a failed 3-D Secure',
      { code: 'payment_intent_authentication_failure' },
      'authentication_failed',
    ],
    ['unknown without an error', null, 'unknown'],
  ])('payment_intent.payment_failed gives payment.failed with %s', (_case, lastError, reason) => {
    const event = verify(
      stripeEvent('payment_intent.payment_failed', {
        ...succeededIntent,
        status: 'requires_payment_method',
        amount_received: 0,
        last_payment_error: lastError,
      }),
    );
    expect(event).toEqual({
      kind: 'payment.failed',
      eventId: 'evt_1',
      occurredAt,
      pspPaymentId: 'pi_1',
      paymentId: 'pay-1',
      reason,
    });
  });

  const refund = {
    id: 're_1',
    object: 'refund',
    amount: 500,
    currency: 'gbp',
    payment_intent: 'pi_1',
    status: 'succeeded',
    metadata: { refund_id: 'refund-1' },
  };

  it('refund.created, already succeeded, gives refund.succeeded with Clement’s refund id', () => {
    expect(verify(stripeEvent('refund.created', refund))).toEqual({
      kind: 'refund.succeeded',
      eventId: 'evt_1',
      occurredAt,
      pspRefundId: 're_1',
      pspPaymentId: 'pi_1',
      refundId: 'refund-1',
      amountMinor: 500,
      currency: 'GBP',
    });
  });

  it('refund.created while pending is ignored; its outcome comes with refund.updated', () => {
    const event = verify(stripeEvent('refund.created', { ...refund, status: 'pending' }));
    expect(event.kind).toBe('ignored');
  });

  it('refund.updated that changes the status reports the new status', () => {
    const failed = verify(
      stripeEvent(
        'refund.updated',
        { ...refund, status: 'failed', metadata: {} },
        { previous_attributes: { status: 'pending' } },
      ),
    );
    expect(failed).toMatchObject({
      kind: 'refund.failed',
      pspRefundId: 're_1',
      refundId: undefined,
    });
    const succeeded = verify(
      stripeEvent('refund.updated', refund, { previous_attributes: { status: 'pending' } }),
    );
    expect(succeeded.kind).toBe('refund.succeeded');
  });

  it('refund.updated that changes other fields is ignored (no second report)', () => {
    const event = verify(
      stripeEvent('refund.updated', refund, { previous_attributes: { metadata: {} } }),
    );
    expect(event.kind).toBe('ignored');
  });

  it('charge.refunded is ignored (refund.* carry the refund itself)', () => {
    const event = verify(stripeEvent('charge.refunded', { id: 'ch_1', object: 'charge' }));
    expect(event).toMatchObject({ kind: 'ignored', type: 'charge.refunded' });
  });

  it('charge.dispute.created gives chargeback.created', () => {
    const event = verify(
      stripeEvent('charge.dispute.created', {
        id: 'dp_1',
        object: 'dispute',
        amount: 12_345,
        currency: 'eur',
        charge: 'ch_1',
        payment_intent: 'pi_1',
        reason: 'fraudulent',
        metadata: {},
      }),
    );
    expect(event).toEqual({
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

  it('other types are ignored', () => {
    const event = verify(stripeEvent('checkout.session.completed', { id: 'cs_1' }));
    expect(event).toMatchObject({ kind: 'ignored', type: 'checkout.session.completed' });
  });

  it('a mapped event without its amount is malformed', () => {
    const { amount_received: _received, amount: _amount, ...withoutAmount } = succeededIntent;
    expect(rejection(() => verify(stripeEvent('payment_intent.succeeded', withoutAmount)))).toBe(
      'malformed',
    );
  });
});

describe('toPspError', () => {
  const { errors } = Stripe;
  const kindOf = (error: unknown) => (toPspError(error) as PspError).kind;

  it.each([
    [
      'an invalid request',
      new errors.StripeInvalidRequestError({ message: 'bad', statusCode: 400 }),
    ],
    ['a card error', new errors.StripeCardError({ message: 'declined', statusCode: 402 })],
    [
      'a reused idempotency key',
      new errors.StripeIdempotencyError({ message: 'reused', statusCode: 400 }),
    ],
  ])('calls %s rejected', (_case, error) => {
    expect(kindOf(error)).toBe('rejected');
  });

  it.each([
    ['a connection error', new errors.StripeConnectionError({ message: 'ECONNREFUSED' })],
    ['a 5xx', new errors.StripeAPIError({ message: 'boom', statusCode: 500 })],
    ['a rate limit', new errors.StripeRateLimitError({ message: 'slow down', statusCode: 429 })],
    ['a wrong API key', new errors.StripeAuthenticationError({ message: 'key', statusCode: 401 })],
    [
      'a 409 lock timeout',
      new errors.StripeInvalidRequestError({ message: 'lock', statusCode: 409 }),
    ],
  ])('calls %s unavailable', (_case, error) => {
    expect(kindOf(error)).toBe('unavailable');
  });

  it('keeps Stripe’s code and message', () => {
    const error = toPspError(
      new errors.StripeInvalidRequestError({
        message: 'No such payment_intent',
        code: 'resource_missing',
        statusCode: 404,
      }),
    );
    expect(error).toEqual(
      expect.objectContaining({ kind: 'rejected', pspCode: 'resource_missing' }),
    );
    expect((error as PspError).message).toBe('stripe: No such payment_intent');
  });

  it('passes other errors on unchanged', () => {
    const bug = new TypeError('undefined is not a function');
    expect(toPspError(bug)).toBe(bug);
  });
});
