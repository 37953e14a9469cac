import type { PendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import type { FailedPayment, ReversedPayment, SucceededPayment } from './payment-record';

/**
 * What else a payment's outcome changes (plans, promises), inside the transaction that records
 * it. Each listener returns the events its changes cause; the caller appends them to the outbox
 * with the payment's own events, so they commit together or not at all.
 */
export interface PaymentListener {
  paymentSucceeded(db: SqlRunner, payment: SucceededPayment): Promise<PendingEvent[]>;
  paymentReversed(db: SqlRunner, payment: ReversedPayment): Promise<PendingEvent[]>;
  paymentFailed(db: SqlRunner, payment: FailedPayment): Promise<PendingEvent[]>;
}

/** The listeners, in the order they run (plans before promises). */
export const PAYMENT_LISTENERS = Symbol('payment-service.payment-listeners');
