import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import type { Allocation } from '../../ledger/domain/allocation';
import { money } from '../../shared/money';
import type { PaymentMethod, PaymentPurpose, PaymentRecord } from '../payment-record';

const METHODS: Record<PaymentMethod, paymentV1.PaymentMethod> = {
  card: paymentV1.PaymentMethod.CARD,
  direct_debit: paymentV1.PaymentMethod.DIRECT_DEBIT,
};

const PURPOSES: Record<PaymentPurpose, paymentV1.PaymentPurpose> = {
  full: paymentV1.PaymentPurpose.FULL,
  part: paymentV1.PaymentPurpose.PART,
  instalment: paymentV1.PaymentPurpose.INSTALMENT,
  advance: paymentV1.PaymentPurpose.ADVANCE,
  settlement: paymentV1.PaymentPurpose.SETTLEMENT,
};

type PaymentFacts = Pick<
  PaymentRecord,
  'tenantId' | 'paymentId' | 'caseId' | 'debtorId' | 'currency' | 'planId' | 'promiseId'
>;

/** What PaymentInitiated and PaymentFailed say of a payment (a card payment or a collection). */
export type StartedPayment = PaymentFacts &
  Pick<PaymentRecord, 'amountMinor' | 'method' | 'purpose' | 'initiatedAt'>;

function allocationsOf(allocations: readonly Allocation[], currency: string) {
  return allocations.map((allocation) =>
    create(paymentV1.AllocationSchema, {
      accountId: allocation.accountId,
      amount: money(allocation.amountMinor, currency),
    }),
  );
}

function metadata(payment: PaymentFacts, id: string, time: Date) {
  return {
    tenantId: payment.tenantId,
    partitionKey: `${payment.tenantId}:${payment.debtorId}`,
    subject: `payment/${payment.paymentId}`,
    // Derived ids: the same fact announced twice (a retried transaction) is one event.
    id,
    time,
  };
}

export function paymentInitiated(payment: StartedPayment): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PaymentInitiatedSchema,
    create(paymentV1.PaymentInitiatedSchema, {
      paymentId: payment.paymentId,
      caseId: payment.caseId,
      debtorId: payment.debtorId,
      amount: money(payment.amountMinor, payment.currency),
      method: METHODS[payment.method],
      purpose: PURPOSES[payment.purpose],
      planId: payment.planId ?? '',
      promiseId: payment.promiseId ?? '',
      initiatedAt: timestampFromDate(payment.initiatedAt),
    }),
    metadata(payment, `${payment.paymentId}:initiated`, payment.initiatedAt),
  );
}

export function paymentSucceeded(
  payment: PaymentRecord,
  outcome: { allocations: readonly Allocation[]; unallocatedMinor: number; settledAt: Date },
): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PaymentSucceededSchema,
    create(paymentV1.PaymentSucceededSchema, {
      paymentId: payment.paymentId,
      caseId: payment.caseId,
      debtorId: payment.debtorId,
      amount: money(payment.amountMinor, payment.currency),
      paidAt: timestampFromDate(outcome.settledAt),
      planId: payment.planId ?? '',
      promiseId: payment.promiseId ?? '',
      allocations: allocationsOf(outcome.allocations, payment.currency),
      unallocated: money(outcome.unallocatedMinor, payment.currency),
      method: METHODS[payment.method],
    }),
    metadata(payment, `${payment.paymentId}:succeeded`, outcome.settledAt),
  );
}

export function paymentFailed(
  payment: StartedPayment,
  reason: string,
  at: Date,
  eventId: string,
): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PaymentFailedSchema,
    create(paymentV1.PaymentFailedSchema, {
      paymentId: payment.paymentId,
      caseId: payment.caseId,
      debtorId: payment.debtorId,
      amount: money(payment.amountMinor, payment.currency),
      reason,
      failedAt: timestampFromDate(at),
      planId: payment.planId ?? '',
      method: METHODS[payment.method],
    }),
    metadata(payment, `${payment.paymentId}:failed:${eventId}`, at),
  );
}

export function paymentReversed(
  payment: PaymentRecord,
  reversal: {
    kind: 'refund' | 'chargeback';
    reversalId: string;
    amountMinor: number;
    reversedAllocations: readonly Allocation[];
    reason: string | null;
    at: Date;
  },
): PendingEvent {
  const meta = metadata(
    payment,
    `${payment.paymentId}:${reversal.kind}:${reversal.reversalId}`,
    reversal.at,
  );
  const common = {
    paymentId: payment.paymentId,
    caseId: payment.caseId,
    debtorId: payment.debtorId,
    amount: money(reversal.amountMinor, payment.currency),
    reversedAllocations: allocationsOf(reversal.reversedAllocations, payment.currency),
  };
  if (reversal.kind === 'refund') {
    return pendingEvent(
      topicCatalogue.paymentEvents,
      paymentV1.PaymentRefundedSchema,
      create(paymentV1.PaymentRefundedSchema, {
        ...common,
        refundId: reversal.reversalId,
        refundedAt: timestampFromDate(reversal.at),
      }),
      meta,
    );
  }
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PaymentChargedBackSchema,
    create(paymentV1.PaymentChargedBackSchema, {
      ...common,
      chargebackId: reversal.reversalId,
      reason: reversal.reason ?? '',
      chargedBackAt: timestampFromDate(reversal.at),
    }),
    meta,
  );
}
