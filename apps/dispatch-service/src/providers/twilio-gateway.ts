import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import { sha256Hex } from './body-hash';
import {
  classifyNetworkFailure,
  classifyTwilioFailure,
  type HeaderBag,
} from './error-classification';
import {
  type FindSentQuery,
  type OutboundMessage,
  type ProviderGateway,
  ProviderLookupError,
  type SendOutcome,
  type SentLookup,
} from './provider-types';

export interface TwilioGatewayOptions {
  accountSid: string;
  authToken: string;
  /** Origin that replaces `https://api.twilio.com` (e.g. the simulator `http://127.0.0.1:3900`). */
  apiBaseUrl?: string;
  /** Per-request timeout; a create that times out is ambiguous. */
  timeoutMs: number;
  /** How many of a recipient's newest messages to scan for ones not yet sent (no date_sent). */
  recentScanLimit?: number;
}

const DEFAULT_RECENT_SCAN_LIMIT = 50;

function address(channel: FindSentQuery['channel'], e164: string): string {
  return channel === 'whatsapp' ? `whatsapp:${e164}` : e164;
}

/** The SDK's own RequestClient, with the API origin swapped and error headers kept for Retry-After. */
function httpClient(
  options: TwilioGatewayOptions,
  failedResponses: AsyncLocalStorage<{ headers?: HeaderBag }>,
): twilio.RequestClient {
  // autoRetry stays off: a 429 is reported as `retryable` and the send path owns retries.
  const client = new twilio.RequestClient({ timeout: options.timeoutMs, autoRetry: false });
  const request = client.request.bind(client);
  const base = options.apiBaseUrl;
  client.request = async (opts) => {
    let uri = opts.uri;
    if (base) {
      const original = new URL(opts.uri);
      uri = new URL(original.pathname + original.search, base).href;
    }
    const response = await request({ ...opts, uri });
    const store = failedResponses.getStore();
    if (store && response.statusCode >= 400) store.headers = response.headers as HeaderBag;
    return response;
  };
  return client;
}

/** SMS and WhatsApp through the official `twilio` SDK (Messages API). */
export function createTwilioGateway(options: TwilioGatewayOptions): ProviderGateway {
  const failedResponses = new AsyncLocalStorage<{ headers?: HeaderBag }>();
  const client = twilio(options.accountSid, options.authToken, {
    httpClient: httpClient(options, failedResponses),
  });
  const recentScanLimit = options.recentScanLimit ?? DEFAULT_RECENT_SCAN_LIMIT;

  async function send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel === 'email') {
      throw new Error('twilio gateway cannot send email (route email to sendgrid)');
    }
    const context: { headers?: HeaderBag } = {};
    try {
      const created = await failedResponses.run(context, () =>
        client.messages.create({
          to: address(message.channel, message.to),
          ...(message.whatsappContent
            ? {
                contentSid: message.whatsappContent.contentSid,
                contentVariables: JSON.stringify(message.whatsappContent.variables),
              }
            : { body: message.body }),
          ...(message.messagingServiceSid
            ? { messagingServiceSid: message.messagingServiceSid }
            : { from: address(message.channel, message.from) }),
          ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
        }),
      );
      return { kind: 'accepted', provider: 'twilio', providerMessageId: created.sid };
    } catch (error: unknown) {
      return classifyTwilioFailure(error, { headers: context.headers, nowMs: Date.now() });
    }
  }

  /**
   * Two reads: messages sent since `since` (the `DateSent>=` filter), then the recipient's newest
   * messages for ones accepted but not yet sent, which have no date_sent and escape that filter.
   */
  async function findSent(query: FindSentQuery): Promise<SentLookup> {
    if (query.channel === 'email') {
      throw new Error('twilio gateway cannot look up email (route email to sendgrid)');
    }
    const to = address(query.channel, query.to);
    // Only a phone number narrows the search: a messaging service (MG…) sends from a pool number.
    const sender = query.from.replace(/^whatsapp:/, '');
    const from = /^\+\d+$/.test(sender) ? address(query.channel, sender) : undefined;
    const sinceSecond = Math.floor(query.since.getTime() / 1000) * 1000;
    const matches = (message: MessageLike): boolean =>
      message.direction !== 'inbound' &&
      typeof message.body === 'string' &&
      sha256Hex(message.body) === query.bodySha256;
    try {
      const sent = await client.messages.list({
        to,
        ...(from ? { from } : {}),
        dateSentAfter: new Date(sinceSecond),
      });
      const found = sent.find(matches);
      if (found) return { kind: 'found', providerMessageId: found.sid };
      const recent = await client.messages.list({
        to,
        ...(from ? { from } : {}),
        limit: recentScanLimit,
        pageSize: recentScanLimit,
      });
      const pending = recent.find(
        (message) =>
          // The SDK leaves date_sent null (typed Date) until Twilio has sent the message.
          !((message.dateSent as unknown) instanceof Date) &&
          (message.dateCreated as unknown) instanceof Date &&
          message.dateCreated.getTime() >= sinceSecond &&
          matches(message),
      );
      return pending ? { kind: 'found', providerMessageId: pending.sid } : { kind: 'not_found' };
    } catch (error: unknown) {
      const status =
        typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
      const code =
        typeof status === 'number' ? `http-${status}` : classifyNetworkFailure(error).code;
      throw new ProviderLookupError('twilio', code);
    }
  }

  return { send, findSent };
}

interface MessageLike {
  direction: string;
  body: string | null | undefined;
}
