import type { Mandate, PaymentIntent } from '../domain/psp-objects';
import {
  formatAmount,
  renderAuthenticationPage,
  renderMandatePage,
  renderNoticePage,
  renderPaymentPage,
  returnUrlWith,
} from './hosted-pages';

const intent: PaymentIntent = {
  id: 'pi_1',
  object: 'payment_intent',
  amount: 12_345,
  currency: 'EUR',
  description: 'Acme <Lending> & "Co"',
  status: 'requires_payment_method',
  amount_refunded: 0,
  last_payment_error: null,
  return_url: 'https://portal.test/back?x=1',
  hosted_url: 'http://sim.test/psp/pay/pi_1',
  created: 0,
  metadata: {},
};

const mandate: Mandate = {
  id: 'md_1',
  object: 'mandate',
  status: 'pending',
  collection_day: 5,
  bank_account_last4: null,
  failure_reason: null,
  cancellation_reason: null,
  return_url: 'https://portal.test/m',
  setup_url: 'http://sim.test/psp/mandate/md_1',
  created: 0,
  metadata: {},
};

function expectSelfContained(html: string): void {
  expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
  expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!portal\.test)/);
}

describe('hosted pages', () => {
  it('formats minor units in the currency’s decimals', () => {
    expect(formatAmount(12_345, 'EUR')).toBe('123.45 EUR');
    expect(formatAmount(5, 'eur')).toBe('0.05 EUR');
    expect(formatAmount(1500, 'JPY')).toBe('1500 JPY');
    expect(formatAmount(1, 'XXZ')).toBe('0.01 XXZ');
  });

  it('adds the outcome to the return URL, keeping its query', () => {
    expect(returnUrlWith(intent.return_url, { payment_intent: 'pi_1', status: 'succeeded' })).toBe(
      'https://portal.test/back?x=1&payment_intent=pi_1&status=succeeded',
    );
  });

  it('renders the payment form: labelled field, test cards, escaped text, alert on error', () => {
    const html = renderPaymentPage(intent, 'Your card was declined.');
    expectSelfContained(html);
    expect(html).toContain('<label for="card_number">Card number</label>');
    expect(html).toContain('id="card_number" name="card_number"');
    expect(html).toContain('<form method="post" action="/psp/pay/pi_1">');
    expect(html).toContain('Acme &lt;Lending&gt; &amp; &quot;Co&quot;');
    expect(html).toContain('123.45 EUR');
    for (const card of [
      '4242424242424242',
      '4000000000000002',
      '4000000000009995',
      '4000000000003220',
    ]) {
      expect(html).toContain(card);
    }
    expect(html).toContain('<p role="alert">Your card was declined.</p>');
    expect(renderPaymentPage(intent)).not.toContain('role="alert"');
  });

  it('renders the 3-D Secure challenge with approve and deny', () => {
    const html = renderAuthenticationPage(intent);
    expectSelfContained(html);
    expect(html).toContain('action="/psp/pay/pi_1/authenticate"');
    expect(html).toContain('name="result" value="approve"');
    expect(html).toContain('name="result" value="deny"');
    expect(html).toContain('<legend>');
  });

  it('renders the mandate form with a labelled IBAN field', () => {
    const html = renderMandatePage(mandate, 'Enter an IBAN');
    expectSelfContained(html);
    expect(html).toContain('<label for="iban">IBAN</label>');
    expect(html).toContain('action="/psp/mandate/md_1"');
    expect(html).toContain('role="alert"');
  });

  it('renders notices with an escaped link', () => {
    const html = renderNoticePage('Done', 'a < b', {
      href: 'https://portal.test/?a=1&b=2',
      text: 'Back',
    });
    expect(html).toContain('a &lt; b');
    expect(html).toContain('href="https://portal.test/?a=1&amp;b=2"');
  });
});
