import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { classifySendGridFailure, headerValue, type HeaderBag } from './error-classification';
import type { OutboundMessage, ProviderGateway, SendOutcome, SentLookup } from './provider-types';

export interface SendGridGatewayOptions {
  apiKey: string;
  /** Replaces `https://api.sendgrid.com` (e.g. the simulator `http://127.0.0.1:3900`). */
  apiBaseUrl?: string;
  /** Per-request timeout; a send that times out is ambiguous. */
  timeoutMs: number;
}

/** Email through the official `@sendgrid/mail` (v3 mail send), plain text, our ids in custom_args. */
export function createSendGridGateway(options: SendGridGatewayOptions): ProviderGateway {
  const client = new Client();
  client.setApiKey(options.apiKey);
  if (options.apiBaseUrl) client.setDefaultRequest('baseUrl', options.apiBaseUrl);
  const mail = new MailService();
  mail.setClient(client);
  // The same as client.setDefaultRequest('timeout', …), which the client's typings do not list.
  mail.setTimeout(options.timeoutMs);

  async function send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel !== 'email') {
      throw new Error('sendgrid gateway sends email only (route sms/whatsapp to twilio)');
    }
    if (!message.subject) return { kind: 'rejected', code: 'missing-subject', optedOut: false };
    try {
      const [response] = await mail.send({
        to: message.to,
        from: message.fromName ? { email: message.from, name: message.fromName } : message.from,
        subject: message.subject,
        content: [{ type: 'text/plain', value: message.body }],
        customArgs: { dispatch_id: message.dispatchId, tenant_id: message.tenantId },
      });
      // 202 means SendGrid has the mail; the id only correlates events, which also carry dispatch_id.
      const id = headerValue(response.headers as HeaderBag, 'x-message-id') ?? '';
      return { kind: 'accepted', provider: 'sendgrid', providerMessageId: id };
    } catch (error: unknown) {
      return classifySendGridFailure(error, { nowMs: Date.now() });
    }
  }

  /** SendGrid has no lookup of sent mail by body (the Email Activity API is a paid add-on, searched by recipient/subject, and eventually consistent). */
  function findSent(): Promise<SentLookup> {
    return Promise.resolve({ kind: 'unsupported' });
  }

  return { send, findSent };
}
