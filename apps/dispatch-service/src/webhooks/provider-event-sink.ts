import type { SendGridEvent } from './domain/sendgrid-events';
import type { TwilioInboundEvent, TwilioStatusEvent } from './domain/twilio-events';

/**
 * Where verified provider webhooks go. The HTTP edge only authenticates and validates; what the
 * events mean (delivered, opted out, …) is decided behind this port.
 *
 * Providers redeliver: SendGrid retries a batch for up to 72 hours on any non-2xx, Twilio may
 * repeat a callback. Implementations must be idempotent: dedupe SendGrid events by `sgEventId`,
 * and never move a message backwards on a Twilio status. A rejected promise answers 500, so the
 * provider retries.
 */
export interface ProviderEventSink {
  twilioStatus(event: TwilioStatusEvent): Promise<void>;
  twilioInbound(event: TwilioInboundEvent): Promise<void>;
  sendgridEvents(events: readonly SendGridEvent[]): Promise<void>;
}

export const PROVIDER_EVENT_SINK = Symbol('PROVIDER_EVENT_SINK');
