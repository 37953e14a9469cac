import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type PaymentServiceProvider, type PspName, PspError } from '../psp/psp-port';
import type { Clock } from '../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../shared/payment-errors';
import type { PaymentOutcomes } from './payment-outcomes';
import type { PaymentRecord } from './payment-record';
import type { PaymentsRepository } from './payments.repository';

export interface RefundOutcome {
  refundId: string;
  status: 'pending' | 'succeeded';
  amountMinor: number;
}

/**
 * Refunds asked for by an agent (an overpayment, a goodwill gesture, a complaint upheld). The
 * refund is recorded as pending before the PSP is asked (its id is the PSP idempotency key), so
 * the refundable amount can never be promised twice; the ledger moves when the PSP confirms.
 */
export class Refunds {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentsRepository,
    private readonly outcomes: PaymentOutcomes,
    private readonly providers: ReadonlyMap<PspName, PaymentServiceProvider>,
    private readonly clock: Clock,
  ) {}

  async refund(
    tenantId: string,
    paymentId: string,
    amountMinor: number | undefined,
  ): Promise<RefundOutcome> {
    const refundId = randomUUID();
    const { payment, amount } = await this.dataSource.transaction(async (db) => {
      const found = await this.payments.lock(db, tenantId, paymentId);
      if (!found)
        throw new PaymentDomainError(PaymentErrorCode.PaymentNotFound, `no payment ${paymentId}`);
      if (!['succeeded', 'partially_refunded'].includes(found.status) || !found.pspPaymentId) {
        throw new PaymentDomainError(
          PaymentErrorCode.PaymentNotRefundable,
          `payment ${paymentId} is ${found.status}`,
        );
      }
      const committed = await this.payments.committedRefundsMinor(db, tenantId, paymentId);
      const refundable = found.amountMinor - Math.max(committed, found.reversedMinor);
      const amount = amountMinor ?? refundable;
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        throw new PaymentDomainError(
          PaymentErrorCode.AmountInvalid,
          'amountMinor must be a positive integer',
        );
      }
      if (amount > refundable) {
        throw new PaymentDomainError(
          PaymentErrorCode.AmountTooLarge,
          `at most ${refundable} can be refunded`,
        );
      }
      await this.payments.insertReversal(db, tenantId, {
        reversalId: refundId,
        paymentId,
        kind: 'refund',
        amountMinor: amount,
        status: 'pending',
        pspReversalId: null,
        reason: null,
        at: this.clock(),
      });
      return { payment: found, amount };
    });
    const provider = this.providers.get(payment.psp as PspName);
    if (!provider) throw new Error(`no ${payment.psp} adapter configured`);
    try {
      const refund = await provider.refund({
        pspPaymentId: payment.pspPaymentId as string,
        amountMinor: amount,
        currency: payment.currency,
        refundId,
        idempotencyKey: refundId,
      });
      if (refund.status === 'succeeded') {
        await this.settle(payment, refundId, refund.pspRefundId, amount);
        return { refundId, status: 'succeeded', amountMinor: amount };
      }
      return { refundId, status: 'pending', amountMinor: amount };
    } catch (error) {
      if (error instanceof PspError && error.kind === 'rejected') {
        await this.payments.settleReversal(
          this.dataSource.manager,
          tenantId,
          refundId,
          'failed',
          `rejected-${refundId}`,
          this.clock(),
        );
        throw new PaymentDomainError(
          PaymentErrorCode.PspRejected,
          `the PSP refused the refund: ${error.message}`,
        );
      }
      throw new PaymentDomainError(
        PaymentErrorCode.PspUnavailable,
        'the PSP did not answer; the refund is pending',
      );
    }
  }

  /** The PSP confirmed at once; its webhook will find the refund settled and change nothing. */
  private async settle(
    payment: PaymentRecord,
    refundId: string,
    pspRefundId: string,
    amount: number,
  ) {
    await this.dataSource.transaction(async (db) => {
      const locked = await this.payments.lock(db, payment.tenantId, payment.paymentId);
      const at = this.clock();
      if (!locked) return;
      if (
        !(await this.payments.settleReversal(
          db,
          payment.tenantId,
          refundId,
          'succeeded',
          pspRefundId,
          at,
        ))
      )
        return;
      await this.outcomes.reversed(db, locked, {
        kind: 'refund',
        reversalId: refundId,
        amountMinor: amount,
        reason: null,
        at,
      });
    });
  }
}
