import type { PspResult } from './psp-objects';
import { PspLedger } from './psp-ledger';

const NOW = new Date('2026-03-01T10:00:00Z');
const CREATED = Math.floor(NOW.getTime() / 1000);

function ledger(): PspLedger {
  let n = 0;
  return new PspLedger({
    publicUrl: 'http://sim.test',
    clock: () => NOW,
    newId: (prefix) => `${prefix}_${++n}`,
  });
}

function value<T>(result: PspResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

function eventTypes<T>(result: PspResult<T>): string[] {
  return result.ok ? result.events.map((event) => event.type) : [];
}

const INTENT = {
  amount: 12_345,
  currency: 'EUR',
  description: 'Acme Lending',
  returnUrl: 'https://portal.test/return',
  metadata: { payment_id: 'pay-1', tenant_id: 't-1' },
};

const MANDATE = {
  collectionDay: 5,
  returnUrl: 'https://portal.test/mandate',
  metadata: { mandate_id: 'man-1', tenant_id: 't-1' },
};

describe('PspLedger payment intents', () => {
  it('creates an intent awaiting a card, with its hosted page', () => {
    expect(ledger().createIntent(INTENT)).toEqual({
      id: 'pi_1',
      object: 'payment_intent',
      amount: 12_345,
      currency: 'EUR',
      description: 'Acme Lending',
      status: 'requires_payment_method',
      amount_refunded: 0,
      last_payment_error: null,
      return_url: 'https://portal.test/return',
      hosted_url: 'http://sim.test/psp/pay/pi_1',
      created: CREATED,
      metadata: { payment_id: 'pay-1', tenant_id: 't-1' },
    });
  });

  it('succeeds with 4242… and sends payment_intent.succeeded with the metadata', () => {
    const psp = ledger();
    psp.createIntent(INTENT);
    const result = psp.confirmIntent('pi_1', '4242 4242 4242 4242');
    expect(value(result).status).toBe('succeeded');
    expect(result.ok && result.events).toEqual([
      {
        type: 'payment_intent.succeeded',
        object: expect.objectContaining({
          id: 'pi_1',
          status: 'succeeded',
          metadata: INTENT.metadata,
        }) as unknown,
      },
    ]);
    expect(psp.confirmIntent('pi_1', '4242424242424242')).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'payment_intent_unexpected_state' },
    });
  });

  it.each([
    ['4000000000000002', 'card_declined'],
    ['4000000000009995', 'insufficient_funds'],
  ])('declines %s with %s and lets the debtor try again', (card, code) => {
    const psp = ledger();
    psp.createIntent(INTENT);
    const declined = psp.confirmIntent('pi_1', card);
    expect(value(declined)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code },
    });
    expect(eventTypes(declined)).toEqual(['payment_intent.payment_failed']);

    const retried = psp.confirmIntent('pi_1', '4242424242424242');
    expect(value(retried)).toMatchObject({ status: 'succeeded', last_payment_error: null });
  });

  it('asks for 3-D Secure, then succeeds on approve or fails authentication on deny', () => {
    const psp = ledger();
    psp.createIntent(INTENT);
    psp.createIntent(INTENT);
    const challenged = psp.confirmIntent('pi_1', '4000000000003220');
    expect(value(challenged).status).toBe('requires_action');
    expect(eventTypes(challenged)).toEqual([]);
    expect(eventTypes(psp.authenticateIntent('pi_1', 'approve'))).toEqual([
      'payment_intent.succeeded',
    ]);

    psp.confirmIntent('pi_2', '4000000000003220');
    const denied = psp.authenticateIntent('pi_2', 'deny');
    expect(value(denied)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'authentication_failed' },
    });
    expect(eventTypes(denied)).toEqual(['payment_intent.payment_failed']);
    expect(psp.authenticateIntent('pi_2', 'approve')).toMatchObject({
      ok: false,
      failure: { code: 'payment_intent_unexpected_state' },
    });
  });

  it('refuses unknown cards and unknown intents', () => {
    const psp = ledger();
    psp.createIntent(INTENT);
    expect(psp.confirmIntent('pi_1', '4111111111111111')).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'invalid_number', param: 'card_number' },
    });
    expect(value(psp.intent('pi_1')).status).toBe('requires_payment_method');
    expect(psp.intent('pi_nope')).toMatchObject({
      ok: false,
      failure: { status: 404, code: 'resource_missing' },
    });
  });

  it('hands out copies: changing a returned object changes nothing inside', () => {
    const psp = ledger();
    const intent = psp.createIntent(INTENT);
    intent.status = 'succeeded';
    expect(value(psp.intent('pi_1')).status).toBe('requires_payment_method');
  });
});

describe('PspLedger refunds and disputes', () => {
  function paid(): PspLedger {
    const psp = ledger();
    psp.createIntent(INTENT);
    psp.confirmIntent('pi_1', '4242424242424242');
    return psp;
  }

  it('refunds up to the unrefunded amount, then refuses amount_too_large', () => {
    const psp = paid();
    const first = psp.createRefund({
      paymentIntent: 'pi_1',
      amount: 10_000,
      metadata: { refund_id: 'ref-1' },
    });
    expect(value(first)).toEqual({
      id: 're_2',
      object: 'refund',
      amount: 10_000,
      currency: 'EUR',
      payment_intent: 'pi_1',
      status: 'succeeded',
      failure_reason: null,
      created: CREATED,
      metadata: { refund_id: 'ref-1' },
    });
    expect(eventTypes(first)).toEqual(['refund.succeeded']);
    expect(psp.createRefund({ paymentIntent: 'pi_1', amount: 2_346, metadata: {} })).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'amount_too_large', param: 'amount' },
    });
    expect(value(psp.createRefund({ paymentIntent: 'pi_1', metadata: {} })).amount).toBe(2_345);
    expect(value(psp.intent('pi_1')).amount_refunded).toBe(12_345);
  });

  it('refuses refunds of payments that have not succeeded or do not exist', () => {
    const psp = ledger();
    psp.createIntent(INTENT);
    expect(psp.createRefund({ paymentIntent: 'pi_1', metadata: {} })).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'payment_not_succeeded' },
    });
    expect(psp.createRefund({ paymentIntent: 'pi_x', metadata: {} })).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'resource_missing' },
    });
  });

  it('fails a refund on request, making its amount refundable again', () => {
    const psp = paid();
    const refund = value(psp.createRefund({ paymentIntent: 'pi_1', amount: 500, metadata: {} }));
    const failed = psp.failRefund(refund.id);
    expect(value(failed)).toMatchObject({ status: 'failed', failure_reason: expect.any(String) });
    expect(eventTypes(failed)).toEqual(['refund.failed']);
    expect(value(psp.intent('pi_1')).amount_refunded).toBe(0);
    expect(psp.failRefund(refund.id)).toMatchObject({ ok: false });
  });

  it('opens a dispute on a succeeded payment, carrying its metadata', () => {
    const psp = paid();
    const dispute = psp.createDispute('pi_1', { reason: 'fraudulent' });
    expect(value(dispute)).toEqual({
      id: 'dp_2',
      object: 'dispute',
      amount: 12_345,
      currency: 'EUR',
      payment_intent: 'pi_1',
      reason: 'fraudulent',
      status: 'needs_response',
      created: CREATED,
      metadata: INTENT.metadata,
    });
    expect(eventTypes(dispute)).toEqual(['charge.dispute.created']);
    expect(psp.createDispute('pi_1', { reason: 'fraudulent', amount: 99_999 })).toMatchObject({
      ok: false,
      failure: { code: 'amount_too_large' },
    });
    const unpaid = ledger();
    unpaid.createIntent(INTENT);
    expect(unpaid.createDispute('pi_1', { reason: 'fraudulent' })).toMatchObject({
      ok: false,
      failure: { code: 'payment_not_succeeded' },
    });
  });
});

describe('PspLedger mandates and collections', () => {
  function active(): PspLedger {
    const psp = ledger();
    psp.createMandate(MANDATE);
    value(psp.confirmMandate('md_1', 'DE89 3704 0044 0532 0130 00'));
    return psp;
  }

  const COLLECTION = {
    mandate: 'md_1',
    amount: 5_000,
    currency: 'EUR',
    chargeDate: '2026-03-05',
    metadata: { payment_id: 'pay-9', tenant_id: 't-1' },
  };

  it('creates a pending mandate with its setup page, then activates it keeping only last4', () => {
    const psp = ledger();
    expect(psp.createMandate(MANDATE)).toMatchObject({
      id: 'md_1',
      object: 'mandate',
      status: 'pending',
      collection_day: 5,
      setup_url: 'http://sim.test/psp/mandate/md_1',
      metadata: MANDATE.metadata,
    });
    const confirmed = psp.confirmMandate('md_1', 'de89 3704 0044 0532 0130 00');
    expect(value(confirmed)).toMatchObject({ status: 'active', bank_account_last4: '3000' });
    expect(eventTypes(confirmed)).toEqual(['mandate.active']);
    expect(JSON.stringify(value(psp.mandate('md_1')))).not.toContain('DE89');
    expect(psp.confirmMandate('md_1')).toMatchObject({
      ok: false,
      failure: { code: 'mandate_unexpected_state' },
    });
  });

  it('fails a mandate whose IBAN contains FAIL and refuses what is not an IBAN', () => {
    const psp = ledger();
    psp.createMandate(MANDATE);
    expect(psp.confirmMandate('md_1', 'hello')).toMatchObject({
      ok: false,
      failure: { code: 'invalid_iban', param: 'iban' },
    });
    const failed = psp.confirmMandate('md_1', 'GB00FAIL00000000000000');
    expect(value(failed)).toMatchObject({ status: 'failed', failure_reason: 'invalid_account' });
    expect(eventTypes(failed)).toEqual(['mandate.failed']);
    expect(psp.changeCollectionDay('md_1', 3)).toMatchObject({
      ok: false,
      failure: { code: 'mandate_failed' },
    });
  });

  it('changes the collection day until cancelled; cancelling twice sends one event', () => {
    const psp = active();
    expect(value(psp.changeCollectionDay('md_1', 20)).collection_day).toBe(20);
    const cancelled = psp.cancelMandate('md_1', 'debtor_request');
    expect(value(cancelled)).toMatchObject({
      status: 'cancelled',
      cancellation_reason: 'debtor_request',
    });
    expect(eventTypes(cancelled)).toEqual(['mandate.cancelled']);
    expect(eventTypes(psp.cancelMandate('md_1', 'bank_cancelled'))).toEqual([]);
    expect(value(psp.mandate('md_1')).cancellation_reason).toBe('debtor_request');
    expect(psp.changeCollectionDay('md_1', 21)).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'mandate_cancelled' },
    });
  });

  it('collects on an active mandate only, and settles as succeeded by default', () => {
    const pending = ledger();
    pending.createMandate(MANDATE);
    expect(pending.createCollection(COLLECTION)).toMatchObject({
      ok: false,
      failure: { status: 400, code: 'mandate_not_active', param: 'mandate' },
    });

    const psp = active();
    const created = value(psp.createCollection(COLLECTION));
    expect(created).toEqual({
      id: 'col_2',
      object: 'collection',
      mandate: 'md_1',
      amount: 5_000,
      currency: 'EUR',
      charge_date: '2026-03-05',
      status: 'pending_submission',
      failure_reason: null,
      created: CREATED,
      metadata: COLLECTION.metadata,
    });
    const settled = psp.settleCollection(created.id);
    expect(value(settled)).toMatchObject({
      collection: { status: 'succeeded' },
      returnsLater: false,
    });
    expect(eventTypes(settled)).toEqual(['collection.succeeded']);
    expect(eventTypes(psp.settleCollection(created.id))).toEqual([]);
  });

  it('fails or returns the next collection as the control API asked, once', () => {
    const psp = active();
    value(psp.setNextCollectionOutcome('md_1', { outcome: 'fail' }));
    const failing = value(psp.createCollection(COLLECTION));
    const failed = psp.settleCollection(failing.id);
    expect(value(failed).collection).toMatchObject({
      status: 'failed',
      failure_reason: 'insufficient_funds',
    });
    expect(eventTypes(failed)).toEqual(['collection.failed']);

    value(psp.setNextCollectionOutcome('md_1', { outcome: 'return', reason: 'refer_to_payer' }));
    const returning = value(psp.createCollection(COLLECTION));
    const normal = value(psp.createCollection(COLLECTION));
    expect(value(psp.settleCollection(returning.id)).returnsLater).toBe(true);
    const returned = psp.returnCollection(returning.id);
    expect(value(returned)).toMatchObject({
      status: 'returned',
      failure_reason: 'refer_to_payer',
    });
    expect(eventTypes(returned)).toEqual(['collection.returned']);
    expect(value(psp.settleCollection(normal.id)).collection.status).toBe('succeeded');
    expect(psp.returnCollection(failing.id)).toMatchObject({ ok: false });
  });

  it('fails a pending collection whose mandate was cancelled meanwhile', () => {
    const psp = active();
    const collection = value(psp.createCollection(COLLECTION));
    psp.cancelMandate('md_1', 'bank_cancelled');
    expect(value(psp.settleCollection(collection.id)).collection).toMatchObject({
      status: 'failed',
      failure_reason: 'mandate_cancelled',
    });
  });

  it('forgets everything on reset', () => {
    const psp = active();
    psp.reset();
    expect(psp.mandate('md_1')).toMatchObject({ ok: false });
    expect(psp.listMandates()).toEqual([]);
  });
});
