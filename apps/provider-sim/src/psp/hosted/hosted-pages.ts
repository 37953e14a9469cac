import { escapeHtml } from '../../html';
import type { Mandate, PaymentIntent } from '../domain/psp-objects';
import { TEST_CARDS } from '../domain/test-cards';

// Server-rendered pages a debtor's browser sees: no scripts, no external assets, every field labelled.

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  'label{display:block;font-weight:600;margin-top:1rem}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}' +
  'button{font-size:1rem;padding:.5rem 1rem;margin:1rem .5rem 0 0}[role=alert]{color:#a00;font-weight:600}' +
  'code{font-size:1rem}.note{color:#555}';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Sandbox PSP</title><style>${STYLE}</style></head>
<body><main>
<p class="note">Sandbox payment provider: no real money moves.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

function alert(error: string | undefined): string {
  return error ? `<p role="alert">${escapeHtml(error)}</p>` : '';
}

/** Integer minor units shown in major units, with the currency's own number of decimals. */
export function formatAmount(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let decimals = 2;
  try {
    decimals =
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
  } catch {
    // not an ISO 4217 code Intl knows: two decimals
  }
  const digits = String(amount).padStart(decimals + 1, '0');
  const major = digits.slice(0, digits.length - decimals);
  const minor = digits.slice(digits.length - decimals);
  return `${major}${decimals > 0 ? `.${minor}` : ''} ${code}`;
}

/** The return URL with the outcome added to its query. */
export function returnUrlWith(returnUrl: string, params: Readonly<Record<string, string>>): string {
  const url = new URL(returnUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

export function renderPaymentPage(intent: PaymentIntent, error?: string): string {
  const cards = TEST_CARDS.map(
    (card) => `<li><code>${card.number}</code> ${escapeHtml(card.description)}</li>`,
  ).join('');
  return page(
    'Pay',
    `<p>${escapeHtml(intent.description)}</p>
<p>Amount: <strong>${escapeHtml(formatAmount(intent.amount, intent.currency))}</strong></p>
${alert(error)}
<form method="post" action="/psp/pay/${encodeURIComponent(intent.id)}">
<label for="card_number">Card number</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required aria-describedby="test-cards">
<button type="submit">Pay ${escapeHtml(formatAmount(intent.amount, intent.currency))}</button>
</form>
<h2 id="test-cards">Test cards</h2>
<ul>${cards}</ul>
<p><a href="${escapeHtml(returnUrlWith(intent.return_url, { payment_intent: intent.id, status: intent.status }))}">Cancel and go back</a></p>`,
  );
}

export function renderAuthenticationPage(intent: PaymentIntent): string {
  return page(
    '3-D Secure check',
    `<p>Your bank asks you to confirm a payment of
<strong>${escapeHtml(formatAmount(intent.amount, intent.currency))}</strong>.</p>
<form method="post" action="/psp/pay/${encodeURIComponent(intent.id)}/authenticate">
<fieldset><legend>Simulated bank check</legend>
<button type="submit" name="result" value="approve">Approve</button>
<button type="submit" name="result" value="deny">Deny</button>
</fieldset>
</form>`,
  );
}

export function renderMandatePage(mandate: Mandate, error?: string): string {
  return page(
    'Set up a direct debit',
    `<p>You allow collections from your bank account on day <strong>${mandate.collection_day}</strong>
of each month.</p>
${alert(error)}
<form method="post" action="/psp/mandate/${encodeURIComponent(mandate.id)}">
<label for="iban">IBAN</label>
<input id="iban" name="iban" autocomplete="off" required aria-describedby="iban-hint">
<p id="iban-hint" class="note">Any valid-looking IBAN is accepted, e.g. <code>DE89 3704 0044 0532 0130 00</code>;
one containing <code>FAIL</code> is refused by the bank.</p>
<button type="submit">Authorise the direct debit</button>
</form>`,
  );
}

/** A page for a payment or mandate that needs nothing more, or does not exist. */
export function renderNoticePage(
  title: string,
  message: string,
  link?: { href: string; text: string },
): string {
  return page(
    title,
    `<p>${escapeHtml(message)}</p>${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}`,
  );
}
