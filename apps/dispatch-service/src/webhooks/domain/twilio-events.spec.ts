import { InvalidWebhookPayloadError } from './invalid-webhook-payload.error';
import { parseFormBody, twilioInboundEventOf, twilioStatusEventOf } from './twilio-events';

const ACCOUNT_SID = `AC${'b'.repeat(32)}`;
const MESSAGE_SID = `SM${'c'.repeat(32)}`;

describe('parseFormBody', () => {
  it('keeps bracketed names flat and repeated names as lists', () => {
    expect(parseFormBody('a%5Bb%5D=1&x=2&x=3&plus=a+b')).toEqual({
      'a[b]': '1',
      x: ['2', '3'],
      plus: 'a b',
    });
  });
});

describe('twilioStatusEventOf', () => {
  const base = { AccountSid: ACCOUNT_SID, MessageSid: MESSAGE_SID, MessageStatus: 'sent' };

  it('reads the legacy Sms* names when the Message* ones are absent', () => {
    expect(
      twilioStatusEventOf({
        AccountSid: ACCOUNT_SID,
        SmsSid: MESSAGE_SID,
        SmsStatus: 'failed',
        ErrorCode: '30008',
      }),
    ).toEqual({
      accountSid: ACCOUNT_SID,
      messageSid: MESSAGE_SID,
      messageStatus: 'failed',
      errorCode: 30008,
    });
  });

  it.each([
    [{ ...base, MessageStatus: 'lost' }, /MessageStatus/],
    [{ ...base, MessageSid: 'SM123' }, /MessageSid/],
    [{ ...base, AccountSid: 'AC1' }, /AccountSid/],
    [{ ...base, ErrorCode: 'x30003' }, /ErrorCode/],
    [{ ...base, MessageStatus: ['sent', 'delivered'] }, /repeated/],
  ])('rejects %p', (params, message) => {
    expect(() => twilioStatusEventOf(params)).toThrow(InvalidWebhookPayloadError);
    expect(() => twilioStatusEventOf(params)).toThrow(message);
  });
});

describe('twilioInboundEventOf', () => {
  const base = {
    AccountSid: ACCOUNT_SID,
    MessageSid: MESSAGE_SID,
    From: '+34600000001',
    To: '+34911000000',
  };

  it('tells SMS from WhatsApp and accepts a media-only (empty) body', () => {
    expect(twilioInboundEventOf(base)).toMatchObject({ channel: 'sms', body: '' });
    expect(
      twilioInboundEventOf({ ...base, From: 'whatsapp:+34600000001', Body: 'hola' }),
    ).toMatchObject({
      channel: 'whatsapp',
      body: 'hola',
    });
  });

  it('names a missing parameter without echoing any value', () => {
    expect(() => twilioInboundEventOf({ ...base, From: '' })).toThrow(
      'From is missing or malformed',
    );
  });
});
