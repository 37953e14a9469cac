import { applySettingsPatch, type SimSettings } from './settings';

const CURRENT: SimSettings = {
  twilioStatusDelayMs: 200,
  sendgridEventDelayMs: 200,
  inboundWebhookUrl: null,
  sendgridEventWebhookUrl: 'http://dispatch:3000/webhooks/sendgrid',
  pspWebhookUrl: null,
  pspCollectionSettleAfterMs: 300,
  rates: {
    rateLimited: 0,
    serverError: 0,
    failed: 0,
    undelivered: 0,
    whatsappRead: 1,
    emailDropped: 0,
    emailBounce: 0,
    emailOpen: 0.5,
    emailClick: 0.5,
    emailUnsubscribe: 0,
  },
};

describe('applySettingsPatch', () => {
  it('merges delays, URLs and individual rates', () => {
    const result = applySettingsPatch(CURRENT, {
      twilioStatusDelayMs: 0,
      inboundWebhookUrl: 'http://127.0.0.1:4000/twilio/inbound',
      sendgridEventWebhookUrl: null,
      pspWebhookUrl: 'http://127.0.0.1:3004/webhooks/psp/sandbox',
      pspCollectionSettleAfterMs: 50,
      rates: { rateLimited: 0.5 },
    });

    expect(result).toEqual({
      ok: true,
      settings: {
        ...CURRENT,
        twilioStatusDelayMs: 0,
        inboundWebhookUrl: 'http://127.0.0.1:4000/twilio/inbound',
        sendgridEventWebhookUrl: null,
        pspWebhookUrl: 'http://127.0.0.1:3004/webhooks/psp/sandbox',
        pspCollectionSettleAfterMs: 50,
        rates: { ...CURRENT.rates, rateLimited: 0.5 },
      },
    });
  });

  it('lists every problem and changes nothing', () => {
    const result = applySettingsPatch(CURRENT, {
      twilioStatusDelayMs: -1,
      sendgridEventDelayMs: 1.5,
      inboundWebhookUrl: 'ftp://nope',
      pspWebhookUrl: 'not a url',
      pspCollectionSettleAfterMs: '300',
      rates: { failed: 2, bogus: 0 },
      colour: 'blue',
    });

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : [...result.problems].sort()).toEqual([
      'colour: unknown setting',
      'inboundWebhookUrl: must be an http(s) URL or null',
      'pspCollectionSettleAfterMs: must be a non-negative integer (milliseconds)',
      'pspWebhookUrl: must be an http(s) URL or null',
      'rates.bogus: unknown rate',
      'rates.failed: must be a number from 0 to 1',
      'sendgridEventDelayMs: must be a non-negative integer (milliseconds)',
      'twilioStatusDelayMs: must be a non-negative integer (milliseconds)',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(applySettingsPatch(CURRENT, [1])).toEqual({
      ok: false,
      problems: ['body must be a JSON object'],
    });
  });
});
