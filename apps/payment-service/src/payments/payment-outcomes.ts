import { type Outbox, type PendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import type { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { allocatePayment, reversePayment } from '../ledger/domain/allocation';
import type { LedgerEntry, LedgerRepository } from '../ledger/ledger.repository';
import type { PaymentTenants } from '../tenants/payment-tenants';
import { paymentFailed, paymentReversed, paymentSucceeded } from './domain/payment-events';
import type { PaymentListener } from './payment-listener';
import type { PaymentRecord, PaymentStatus } from './payment-record';
import type { PaymentsRepository } from './payments.repository';

export interface ReversalFacts {
  kind: 'refund' | 'chargeback';
  reversalId: string;
  amountMinor: number;
  reason: string | null;
  at: Date;
}

/** Why an outcome was not applied (the caller decides whether that is an error). */
export type OutcomeSkip = 'already_settled' | 'amount_mismatch' | 'nothing_left_to_reverse';

/**
 * What a payment's outcome does, inside the caller's transaction: the ledger, the payment's
 * status, plans and promises (listeners), and the events, all committed together. Each outcome
 * is a conditional change, so applying it twice changes nothing the second time.
 */
export class PaymentOutcomes {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly ledger: LedgerRepository,
    private readonly cases: CaseProjectionRepository,
    private readonly tenants: PaymentTenants,
    private readonly outbox: Outbox,
    private readonly listeners: () => readonly PaymentListener[],
  ) {}

  /** The money was taken: allocate it over the case's accounts as the tenant's policy says. */
  async succeeded(
    db: SqlRunner,
    payment: PaymentRecord,
    received: { amountMinor: number; currency: string; at: Date },
  ): Promise<OutcomeSkip | undefined> {
    if (payment.status !== 'initiated' && payment.status !== 'failed') return 'already_settled';
    if (received.amountMinor !== payment.amountMinor || received.currency !== payment.currency) {
      return 'amount_mismatch';
    }
    // One writer per case: concurrent payments see each other's allocations.
    await this.cases.lock(db, payment.tenantId, payment.caseId);
    const balances = await this.ledger.accountBalances(db, payment.tenantId, payment.caseId);
    const policy = this.tenants.find(payment.tenantId)?.allocation ?? 'oldest_first';
    const { allocations, unallocatedMinor } = allocatePayment(
      payment.amountMinor,
      balances,
      policy,
    );
    const outcome = { allocations, unallocatedMinor, settledAt: received.at };
    if (!(await this.payments.markSucceeded(db, payment.tenantId, payment.paymentId, outcome))) {
      return 'already_settled';
    }
    const source = `payment:${payment.paymentId}`;
    const entries: LedgerEntry[] = allocations.map((allocation) => ({
      caseId: payment.caseId,
      accountId: allocation.accountId,
      kind: 'payment',
      amountMinor: -allocation.amountMinor,
      currency: payment.currency,
      paymentId: payment.paymentId,
      sourceId: source,
      occurredAt: received.at,
    }));
    if (unallocatedMinor > 0) {
      entries.push({
        caseId: payment.caseId,
        accountId: null,
        kind: 'overpayment',
        amountMinor: -unallocatedMinor,
        currency: payment.currency,
        paymentId: payment.paymentId,
        sourceId: source,
        occurredAt: received.at,
      });
    }
    await this.ledger.append(db, payment.tenantId, entries);
    const events: PendingEvent[] = [paymentSucceeded(payment, outcome)];
    for (const listener of this.listeners()) {
      events.push(
        ...(await listener.paymentSucceeded(db, {
          tenantId: payment.tenantId,
          paymentId: payment.paymentId,
          caseId: payment.caseId,
          debtorId: payment.debtorId,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          purpose: payment.purpose,
          method: payment.method,
          planId: payment.planId,
          promiseId: payment.promiseId,
          settledAt: received.at,
        })),
      );
    }
    await this.outbox.appendAll(db, events);
    return undefined;
  }

  async failed(
    db: SqlRunner,
    payment: PaymentRecord,
    failure: { reason: string; at: Date; eventId: string },
  ): Promise<OutcomeSkip | undefined> {
    if (
      !(await this.payments.markFailed(
        db,
        payment.tenantId,
        payment.paymentId,
        failure.reason,
        failure.at,
      ))
    ) {
      return 'already_settled';
    }
    const events: PendingEvent[] = [
      paymentFailed(payment, failure.reason, failure.at, failure.eventId),
    ];
    for (const listener of this.listeners()) {
      events.push(
        ...(await listener.paymentFailed(db, {
          tenantId: payment.tenantId,
          paymentId: payment.paymentId,
          caseId: payment.caseId,
          debtorId: payment.debtorId,
          amountMinor: payment.amountMinor,
          method: payment.method,
          planId: payment.planId,
          reason: failure.reason,
          at: failure.at,
        })),
      );
    }
    await this.outbox.appendAll(db, events);
    return undefined;
  }

  /**
   * A refund or chargeback took money back: its overpayment first, then its allocations from the
   * last applied, so the balances rise again by exactly what left the creditor. `payment` must be
   * locked by the caller.
   */
  async reversed(
    db: SqlRunner,
    payment: PaymentRecord,
    reversal: ReversalFacts,
  ): Promise<OutcomeSkip | undefined> {
    const paidMinor = payment.amountMinor;
    const left = paidMinor - payment.reversedMinor;
    if (left <= 0 || payment.settledAt === null) return 'nothing_left_to_reverse';
    const amountMinor = Math.min(reversal.amountMinor, left);
    const { fromCreditMinor, reversedAllocations } = reversePayment(
      payment,
      payment.reversedMinor,
      amountMinor,
    );
    const source = `${reversal.kind}:${reversal.reversalId}`;
    const entries: LedgerEntry[] = reversedAllocations.map((allocation) => ({
      caseId: payment.caseId,
      accountId: allocation.accountId,
      kind: reversal.kind,
      amountMinor: allocation.amountMinor,
      currency: payment.currency,
      paymentId: payment.paymentId,
      sourceId: source,
      occurredAt: reversal.at,
    }));
    if (fromCreditMinor > 0) {
      entries.push({
        caseId: payment.caseId,
        accountId: null,
        kind: 'overpayment_refund',
        amountMinor: fromCreditMinor,
        currency: payment.currency,
        paymentId: payment.paymentId,
        sourceId: source,
        occurredAt: reversal.at,
      });
    }
    if ((await this.ledger.append(db, payment.tenantId, entries)) === 0 && entries.length > 0) {
      return 'already_settled';
    }
    const reversedMinor = payment.reversedMinor + amountMinor;
    const status: PaymentStatus =
      reversal.kind === 'chargeback'
        ? 'charged_back'
        : reversedMinor >= paidMinor
          ? 'refunded'
          : 'partially_refunded';
    await this.payments.recordReversal(
      db,
      payment.tenantId,
      payment.paymentId,
      reversedMinor,
      status,
    );
    const events: PendingEvent[] = [
      paymentReversed(payment, { ...reversal, amountMinor, reversedAllocations }),
    ];
    for (const listener of this.listeners()) {
      events.push(
        ...(await listener.paymentReversed(db, {
          tenantId: payment.tenantId,
          paymentId: payment.paymentId,
          caseId: payment.caseId,
          debtorId: payment.debtorId,
          amountMinor,
          currency: payment.currency,
          planId: payment.planId,
          promiseId: payment.promiseId,
          kind: reversal.kind,
          at: reversal.at,
        })),
      );
    }
    await this.outbox.appendAll(db, events);
    return undefined;
  }
}
