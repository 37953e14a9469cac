import type {
  FindSentQuery,
  OutboundMessage,
  ProviderChannel,
  ProviderGateway,
  ProviderName,
  SendOutcome,
  SentLookup,
} from './provider-types';

/** Which provider carries a channel. */
export function providerForChannel(channel: ProviderChannel): ProviderName {
  switch (channel) {
    case 'sms':
    case 'whatsapp':
      return 'twilio';
    case 'email':
      return 'sendgrid';
  }
}

/** One gateway for the send path: sms/whatsapp to Twilio, email to SendGrid. */
export function createProviderRouter(
  gateways: Record<ProviderName, ProviderGateway>,
): ProviderGateway {
  return {
    send: (message: OutboundMessage): Promise<SendOutcome> =>
      gateways[providerForChannel(message.channel)].send(message),
    findSent: (query: FindSentQuery): Promise<SentLookup> =>
      gateways[providerForChannel(query.channel)].findSent(query),
  };
}
