import type { SendGridEvent } from '../domain/sendgrid-events';
import type { TwilioInboundEvent, TwilioStatusEvent } from '../domain/twilio-events';
import type { ProviderEventSink } from '../provider-event-sink';

/** A sink that remembers every call, in order. */
export class RecordingSink implements ProviderEventSink {
  readonly calls: (
    | { kind: 'twilioStatus'; event: TwilioStatusEvent }
    | { kind: 'twilioInbound'; event: TwilioInboundEvent }
    | { kind: 'sendgridEvents'; events: readonly SendGridEvent[] }
  )[] = [];

  failWith: Error | undefined;

  twilioStatus(event: TwilioStatusEvent): Promise<void> {
    this.calls.push({ kind: 'twilioStatus', event });
    return this.outcome();
  }

  twilioInbound(event: TwilioInboundEvent): Promise<void> {
    this.calls.push({ kind: 'twilioInbound', event });
    return this.outcome();
  }

  sendgridEvents(events: readonly SendGridEvent[]): Promise<void> {
    this.calls.push({ kind: 'sendgridEvents', events });
    return this.outcome();
  }

  private outcome(): Promise<void> {
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve();
  }
}
