import twilio from 'twilio';
import { isValidTwilioSignature, twilioSignature } from './twilio-signature';

// The example from Twilio's webhook security docs and its helper libraries' test suites.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};

describe('twilioSignature', () => {
  it("matches Twilio's documented example", () => {
    expect(twilioSignature(TOKEN, URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('sorts parameter names, whatever their order in the body', () => {
    const reversed = Object.fromEntries(Object.entries(PARAMS).reverse());
    expect(twilioSignature(TOKEN, URL, reversed)).toBe(twilioSignature(TOKEN, URL, PARAMS));
  });

  it("is accepted by the official SDK's validateRequest", () => {
    const url = 'http://127.0.0.1:4567/twilio/status?tenant=t1';
    const params = {
      MessageSid: 'SM' + 'a'.repeat(32),
      MessageStatus: 'delivered',
      To: '+34600000001',
    };
    const signature = twilioSignature('a-test-token', url, params);

    expect(twilio.validateRequest('a-test-token', signature, url, params)).toBe(true);
    expect(twilio.validateRequest('another-token', signature, url, params)).toBe(false);
    expect(
      twilio.validateRequest('a-test-token', signature, url, {
        ...params,
        MessageStatus: 'failed',
      }),
    ).toBe(false);
  });

  it('signs repeated parameters value by value, values sorted', () => {
    const params = { MediaUrl: ['https://b.example/2', 'https://a.example/1'], Body: 'hi' };
    expect(twilioSignature(TOKEN, URL, params)).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, URL, {
        Body: 'hi',
        MediaUrl: ['https://a.example/1', 'https://b.example/2'],
      }),
    );
  });

  it('verifies in constant time and rejects a forged signature', () => {
    const signature = twilioSignature(TOKEN, URL, PARAMS);
    expect(isValidTwilioSignature(TOKEN, signature, URL, PARAMS)).toBe(true);
    expect(isValidTwilioSignature(TOKEN, 'forged', URL, PARAMS)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, signature, `${URL}&baz=3`, PARAMS)).toBe(false);
  });
});
