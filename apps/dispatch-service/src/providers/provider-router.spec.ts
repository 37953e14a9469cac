import { sha256Hex } from './body-hash';
import { createProviderRouter } from './provider-router';
import type {
  FindSentQuery,
  OutboundMessage,
  ProviderGateway,
  ProviderName,
} from './provider-types';

function recordingGateway(name: ProviderName, calls: string[]): ProviderGateway {
  return {
    send: (message) => {
      calls.push(`${name}.send:${message.channel}`);
      return Promise.resolve({ kind: 'accepted', provider: name, providerMessageId: `${name}-id` });
    },
    findSent: (query) => {
      calls.push(`${name}.findSent:${query.channel}`);
      return Promise.resolve({ kind: 'not_found' });
    },
  };
}

const message = (channel: OutboundMessage['channel']): OutboundMessage => ({
  dispatchId: 'd-1',
  tenantId: 't-1',
  channel,
  to: channel === 'email' ? 'debtor@example.com' : '+34600000001',
  from: channel === 'email' ? 'hello@clement.example' : '+15005550006',
  body: 'Hola',
  ...(channel === 'email' ? { subject: 'Hola' } : {}),
});

describe('createProviderRouter', () => {
  it('sends sms and whatsapp through twilio and email through sendgrid', async () => {
    const calls: string[] = [];
    const router = createProviderRouter({
      twilio: recordingGateway('twilio', calls),
      sendgrid: recordingGateway('sendgrid', calls),
    });

    await expect(router.send(message('sms'))).resolves.toMatchObject({ provider: 'twilio' });
    await expect(router.send(message('whatsapp'))).resolves.toMatchObject({ provider: 'twilio' });
    await expect(router.send(message('email'))).resolves.toMatchObject({ provider: 'sendgrid' });
    const query = (channel: FindSentQuery['channel']): FindSentQuery => ({
      channel,
      to: 'x',
      from: 'y',
      bodySha256: sha256Hex('Hola'),
      since: new Date(0),
    });
    await router.findSent(query('whatsapp'));
    await router.findSent(query('email'));

    expect(calls).toEqual([
      'twilio.send:sms',
      'twilio.send:whatsapp',
      'sendgrid.send:email',
      'twilio.findSent:whatsapp',
      'sendgrid.findSent:email',
    ]);
  });
});

describe('sha256Hex', () => {
  it('hashes the UTF-8 bytes', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('ñ')).toBe(sha256Hex(Buffer.from([0xc3, 0xb1]).toString('utf8')));
    expect(sha256Hex('Hola')).toMatch(/^[0-9a-f]{64}$/);
  });
});
