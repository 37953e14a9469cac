import { chance, type RandomSource } from './seeded-random';

export interface OutcomeRates {
  /** SMS/WhatsApp: queued → failed (30008). */
  readonly failed: number;
  /** SMS/WhatsApp: queued → sent → undelivered (30003). */
  readonly undelivered: number;
  /** WhatsApp: a delivered message is then read. */
  readonly whatsappRead: number;
  /** Email: dropped instead of processed. */
  readonly emailDropped: number;
  /** Email: processed → bounce. */
  readonly emailBounce: number;
  /** Email: a delivered message is opened. */
  readonly emailOpen: number;
  /** Email: an opened message's link is clicked. */
  readonly emailClick: number;
  /** Email: the recipient unsubscribes after delivery. */
  readonly emailUnsubscribe: number;
}

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read';

export interface StatusStep {
  readonly status: MessageStatus;
  readonly errorCode?: number;
}

export const TWILIO_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  30003: 'Unreachable destination handset',
  30008: 'Unknown error',
  63016:
    'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
};

/** The status callbacks one accepted message goes through, first to last. */
export function planMessageStatuses(
  message: { readonly whatsapp: boolean; readonly outsideWhatsAppWindow: boolean },
  rates: OutcomeRates,
  random: RandomSource,
): StatusStep[] {
  // Every roll is drawn, so one rate's value never shifts the others' outcomes.
  const failed = chance(random, rates.failed);
  const undelivered = chance(random, rates.undelivered);
  const read = chance(random, rates.whatsappRead);
  if (message.outsideWhatsAppWindow) {
    return [{ status: 'queued' }, { status: 'failed', errorCode: 63016 }];
  }
  if (failed) {
    return [{ status: 'queued' }, { status: 'failed', errorCode: 30008 }];
  }
  if (undelivered) {
    return [{ status: 'queued' }, { status: 'sent' }, { status: 'undelivered', errorCode: 30003 }];
  }
  const delivered: StatusStep[] = [
    { status: 'queued' },
    { status: 'sent' },
    { status: 'delivered' },
  ];
  return message.whatsapp && read ? [...delivered, { status: 'read' }] : delivered;
}

export type EmailEventType =
  'processed' | 'delivered' | 'open' | 'click' | 'bounce' | 'dropped' | 'unsubscribe';

/** The Event Webhook events one recipient's email produces, in order. */
export function planEmailEvents(rates: OutcomeRates, random: RandomSource): EmailEventType[] {
  const dropped = chance(random, rates.emailDropped);
  const bounce = chance(random, rates.emailBounce);
  const open = chance(random, rates.emailOpen);
  const click = chance(random, rates.emailClick);
  const unsubscribe = chance(random, rates.emailUnsubscribe);
  if (dropped) {
    return ['dropped'];
  }
  if (bounce) {
    return ['processed', 'bounce'];
  }
  const events: EmailEventType[] = ['processed', 'delivered'];
  if (open) {
    events.push('open');
    if (click) {
      events.push('click');
    }
  }
  if (unsubscribe) {
    events.push('unsubscribe');
  }
  return events;
}
