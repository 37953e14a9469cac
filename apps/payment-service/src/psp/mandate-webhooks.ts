import type { PendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import type { PspEvent } from './psp-port';

export type MandateEvent = Extract<
  PspEvent,
  { kind: 'mandate.active' | 'mandate.cancelled' | 'mandate.failed' }
>;

/** Applies a verified mandate webhook in the webhook's transaction; returns the events to publish. */
export interface MandateWebhookHandler {
  mandateEvent(db: SqlRunner, event: MandateEvent): Promise<PendingEvent[]>;
}

export const MANDATE_WEBHOOK_HANDLER = Symbol('payment-service.mandate-webhook-handler');

/** The PSP adapters, by role. */
export const CARD_PSP = Symbol('payment-service.card-psp');
export const DIRECT_DEBIT_PSP = Symbol('payment-service.direct-debit-psp');
