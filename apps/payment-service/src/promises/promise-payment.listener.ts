import type { PendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import type { PaymentListener } from '../payments/payment-listener';
import type { FailedPayment, ReversedPayment, SucceededPayment } from '../payments/payment-record';
import type { PaymentsRepository } from '../payments/payments.repository';
import { countsTowards, promisePayment, promiseReversal } from './domain/promise-rules';
import { promiseKeptEvent } from './promise-events';
import type { PromisesRepository } from './promises.repository';

/**
 * Payments on the case count towards its open promise when settled after it was made and before
 * its deadline; the promise is kept (PromiseKept at the settling payment's time) once the amount
 * is reached. A reversal of such a payment takes its amount back while the promise is open.
 */
export class PromisePaymentListener implements PaymentListener {
  constructor(
    private readonly promises: PromisesRepository,
    private readonly payments: PaymentsRepository,
  ) {}

  async paymentSucceeded(db: SqlRunner, payment: SucceededPayment): Promise<PendingEvent[]> {
    const promise = await this.promises.lockOpen(db, payment.tenantId, payment.caseId);
    if (!promise || promise.currency !== payment.currency) return [];
    const outcome = promisePayment(promise, payment);
    if (!outcome.counts) return [];
    await this.promises.setPaid(db, promise.tenantId, promise.promiseId, outcome.paidMinor);
    if (!outcome.kept) return [];
    if (
      !(await this.promises.close(
        db,
        promise.tenantId,
        promise.promiseId,
        'kept',
        payment.settledAt,
      ))
    ) {
      return [];
    }
    return [promiseKeptEvent(promise, payment.settledAt)];
  }

  async paymentReversed(db: SqlRunner, payment: ReversedPayment): Promise<PendingEvent[]> {
    const promise = await this.promises.lockOpen(db, payment.tenantId, payment.caseId);
    if (!promise) return [];
    const settled = await this.payments.find(db, payment.tenantId, payment.paymentId);
    if (settled?.settledAt && !countsTowards(promise, settled.settledAt)) {
      return [];
    }
    await this.promises.setPaid(
      db,
      promise.tenantId,
      promise.promiseId,
      promiseReversal(promise, payment.amountMinor),
    );
    return [];
  }

  paymentFailed(_db: SqlRunner, _payment: FailedPayment): Promise<PendingEvent[]> {
    return Promise.resolve([]);
  }
}
