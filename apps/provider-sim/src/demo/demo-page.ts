import { escapeHtml } from '../html';
import type { Mandate, PaymentIntent } from '../psp/domain/psp-objects';
import { formatAmount } from '../psp/hosted/hosted-pages';
import type { SimMessage } from '../sim-state';

/** What the sandbox PSP holds, for the demo page. */
export interface DemoPayments {
  readonly intents: readonly PaymentIntent[];
  readonly mandates: readonly Mandate[];
}

/** The simulated phone or mailbox a message belongs to: the recipient, or the sender of a reply. */
function owner(message: SimMessage): string {
  return message.channel !== 'email' && message.direction === 'inbound'
    ? (message.from ?? '')
    : message.to;
}

function row(message: SimMessage): string {
  const at = message.channel === 'email' ? message.createdAt : message.dateCreated;
  const direction =
    message.channel !== 'email' && message.direction === 'inbound' ? '⬆ reply' : '⬇';
  const text =
    message.channel === 'email'
      ? `${message.subject ?? ''} — ${message.text ?? ''}`
      : (message.body ?? `[template ${message.contentSid ?? ''}]`);
  const statuses = message.history.map(
    (event) => event.status + (event.errorCode ? ` (${event.errorCode})` : ''),
  );
  return `<tr><td>${escapeHtml(at.toISOString())}</td><td>${direction} ${escapeHtml(message.channel)}</td><td>${escapeHtml(text)}</td><td>${escapeHtml(statuses.join(' → '))}</td></tr>`;
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

/** Payments and mandates, newest first, linking to the hosted pages a debtor would see. */
function paymentsSection(payments: DemoPayments): string {
  if (payments.intents.length === 0 && payments.mandates.length === 0) return '';
  const intents = [...payments.intents]
    .reverse()
    .map(
      (intent) =>
        `<tr><td>${link(intent.hosted_url, intent.id)}</td><td>${escapeHtml(intent.description)}</td><td>${escapeHtml(formatAmount(intent.amount, intent.currency))}</td><td>${escapeHtml(intent.status)}</td></tr>`,
    )
    .join('');
  const mandates = [...payments.mandates]
    .reverse()
    .map(
      (mandate) =>
        `<tr><td>${link(mandate.setup_url, mandate.id)}</td><td>day ${mandate.collection_day}</td><td>${escapeHtml(mandate.status)}</td></tr>`,
    )
    .join('');
  return `<section><h2>Sandbox PSP</h2><p>${link('/psp/control/events', 'Webhook events (JSON)')}</p>
<table><caption>Payments</caption><thead><tr><th>payment</th><th>description</th><th>amount</th><th>status</th></tr></thead><tbody>${intents}</tbody></table>
<table><caption>Mandates</caption><thead><tr><th>mandate</th><th>collection</th><th>status</th></tr></thead><tbody>${mandates}</tbody></table></section>`;
}

/** One table per simulated phone and mailbox, newest messages first; then the sandbox PSP. */
export function renderDemoPage(
  messages: readonly SimMessage[],
  payments: DemoPayments = { intents: [], mandates: [] },
): string {
  const byOwner = new Map<string, SimMessage[]>();
  for (const message of messages) {
    const key = owner(message);
    byOwner.set(key, [...(byOwner.get(key) ?? []), message]);
  }
  const sections = [...byOwner.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([address, own]) =>
        `<section><h2>${escapeHtml(address)}</h2><table><thead><tr><th>time</th><th>channel</th><th>message</th><th>status</th></tr></thead><tbody>${[
          ...own,
        ]
          .reverse()
          .map(row)
          .join('')}</tbody></table></section>`,
    );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clement provider simulator</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}</style>
</head><body><h1>Clement provider simulator</h1>
${sections.length > 0 ? sections.join('\n') : '<p>No messages yet.</p>'}
${paymentsSection(payments)}
</body></html>`;
}
