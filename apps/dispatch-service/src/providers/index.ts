export { sha256Hex } from './body-hash';
export {
  classifyNetworkFailure,
  classifySendGridFailure,
  classifyTwilioFailure,
  parseRetryAfterMs,
  TWILIO_OPTED_OUT,
  TWILIO_TOO_MANY_REQUESTS,
} from './error-classification';
export { createProviderRouter, providerForChannel } from './provider-router';
export {
  type FailedSendOutcome,
  type FindSentQuery,
  type MessageSender,
  type OutboundMessage,
  type ProviderChannel,
  type ProviderGateway,
  ProviderLookupError,
  type ProviderName,
  type SendOutcome,
  type SentLookup,
  type SentMessageFinder,
} from './provider-types';
export { retryDelayMs, type RetryDelayOptions } from './retry-delay';
export { createSendGridGateway, type SendGridGatewayOptions } from './sendgrid-gateway';
export { SenderRateLimiter, type TakeResult, TokenBucket, type TokenRate } from './token-bucket';
export { createTwilioGateway, type TwilioGatewayOptions } from './twilio-gateway';
