import type { SimEmail, SimTwilioMessage } from '../sim-state';
import { escapeHtml } from '../html';
import { renderDemoPage } from './demo-page';

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

  it('lists sandbox PSP payments and mandates with links to their hosted pages', () => {
    const html = renderDemoPage([], {
      intents: [
        {
          id: 'pi_1',
          object: 'payment_intent',
          amount: 12_345,
          currency: 'EUR',
          description: 'Acme <Lending>',
          status: 'succeeded',
          amount_refunded: 0,
          last_payment_error: null,
          return_url: 'https://portal.test/r',
          hosted_url: 'http://sim.test/psp/pay/pi_1',
          created: 0,
          metadata: {},
        },
      ],
      mandates: [
        {
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
        },
      ],
    });
    expect(html).toContain('<a href="http://sim.test/psp/pay/pi_1">pi_1</a>');
    expect(html).toContain('Acme &lt;Lending&gt;');
    expect(html).toContain('123.45 EUR');
    expect(html).toContain('<a href="http://sim.test/psp/mandate/md_1">md_1</a>');
    expect(renderDemoPage([])).not.toContain('Sandbox PSP');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
