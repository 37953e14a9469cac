import type { SimMessage } from '../sim-state';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
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

/** One table per simulated phone and mailbox, newest messages first. */
export function renderDemoPage(messages: readonly SimMessage[]): string {
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
</body></html>`;
}
