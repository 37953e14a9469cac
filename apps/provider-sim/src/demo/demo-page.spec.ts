import type { SimEmail, SimTwilioMessage } from '../sim-state';
import { escapeHtml, renderDemoPage } from './demo-page';

const at = new Date('2026-01-01T10:00:00Z');
const sms: SimTwilioMessage = {
  channel: 'sms',
  direction: 'outbound-api',
  sid: 'SM1',
  accountSid: 'AC1',
  to: '+34600000001',
  from: '+15005550006',
  body: '<script>alert(1)</script>',
  messagingServiceSid: null,
  contentSid: null,
  contentVariables: null,
  statusCallback: null,
  dateCreated: at,
  status: 'delivered',
  errorCode: null,
  dateUpdated: at,
  dateSent: at,
  history: [
    { status: 'queued', at: at.toISOString() },
    { status: 'delivered', at: at.toISOString() },
  ],
};
const reply: SimTwilioMessage = {
  ...sms,
  sid: 'SM2',
  direction: 'inbound',
  to: '+15005550006',
  from: '+34600000001',
  body: 'STOP',
  history: [],
};
const email: SimEmail = {
  channel: 'email',
  messageId: 'm',
  sgMessageId: 'm.0',
  to: 'ana@example.com',
  from: 'hola@brand.example',
  subject: 'Hola "Ana"',
  text: 'x',
  customArgs: {},
  createdAt: at,
  history: [],
};

describe('renderDemoPage', () => {
  it('groups by phone and mailbox, replies under the phone that sent them, all escaped', () => {
    const html = renderDemoPage([sms, reply, email]);

    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Hola &quot;Ana&quot;');
    expect(html.match(/<h2>\+34600000001<\/h2>/g)).toHaveLength(1);
    expect(html).toContain('<h2>ana@example.com</h2>');
    expect(html).toContain('queued → delivered');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
