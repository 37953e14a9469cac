/**
 * The ports the send path uses to reach Twilio and SendGrid. Outcomes, not exceptions: a provider
 * or network failure is a `SendOutcome`, classified by whether the message may have been taken.
 */

export type ProviderChannel = 'sms' | 'whatsapp' | 'email';
export type ProviderName = 'twilio' | 'sendgrid';

export interface OutboundMessage {
  /** Our idempotency key (also sent as SendGrid `custom_args.dispatch_id`). */
  dispatchId: string;
  /** Sent as SendGrid `custom_args.tenant_id`. */
  tenantId: string;
  channel: ProviderChannel;
  /** E.164 (`+34600111222`) for sms/whatsapp, without `whatsapp:`; an email address for email. */
  to: string;
  /** E.164 sender number (the adapter adds `whatsapp:`) or the sender email address. */
  from: string;
  /** Twilio: used instead of `From` when set. */
  messagingServiceSid?: string;
  /** Email display name. */
  fromName?: string;
  body: string;
  /** Email only, and required for email. */
  subject?: string;
  /** Twilio `StatusCallback`. */
  statusCallbackUrl?: string;
  /** WhatsApp: an approved Content template (sent instead of the free-form body). */
  whatsappContent?: { contentSid: string; variables: Readonly<Record<string, string>> };
}

export type SendOutcome =
  | { kind: 'accepted'; provider: ProviderName; providerMessageId: string }
  /** The provider certainly did not take the message: safe to retry later. */
  | { kind: 'retryable'; code: string; retryAfterMs?: number }
  /** The provider may have taken it: reconcile (findSent) instead of resending blindly. */
  | { kind: 'ambiguous'; code: string }
  /** Permanent refusal of this message; `optedOut` when the recipient unsubscribed (21610). */
  | { kind: 'rejected'; code: string; optedOut: boolean };

/** Every outcome but `accepted`. */
export type FailedSendOutcome = Exclude<SendOutcome, { kind: 'accepted' }>;

export interface MessageSender {
  /** Never throws for provider or network errors. */
  send(message: OutboundMessage): Promise<SendOutcome>;
}

export type SentLookup =
  { kind: 'found'; providerMessageId: string } | { kind: 'not_found' } | { kind: 'unsupported' };

export interface FindSentQuery {
  channel: ProviderChannel;
  /** As in `OutboundMessage.to`. */
  to: string;
  /** As in `OutboundMessage.from`; anything but an E.164 number (`''`, an `MG…` SID) searches every sender. */
  from: string;
  /** `sha256Hex` of the UTF-8 body. */
  bodySha256: string;
  since: Date;
}

export interface SentMessageFinder {
  /**
   * Reconciliation after an ambiguous outcome or a crash: did the provider accept a message with
   * this exact body to this address since `since`? Throws `ProviderLookupError` when it cannot tell.
   */
  findSent(query: FindSentQuery): Promise<SentLookup>;
}

export interface ProviderGateway extends MessageSender, SentMessageFinder {}

/** A lookup that could not be answered (network, auth, provider error). Carries no PII. */
export class ProviderLookupError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly code: string,
  ) {
    super(`${provider} sent-message lookup failed (${code})`);
    this.name = 'ProviderLookupError';
  }
}
