import type { Allocation } from '../ledger/domain/allocation';

export type PaymentMethod = 'card' | 'direct_debit';
export type PaymentPurpose = 'full' | 'part' | 'instalment' | 'advance' | 'settlement';
export type PaymentStatus =
  'initiated' | 'succeeded' | 'failed' | 'partially_refunded' | 'refunded' | 'charged_back';

/** A payment as payment-service keeps it. */
export interface PaymentRecord {
  tenantId: string;
  paymentId: string;
  caseId: string;
  debtorId: string;
  method: PaymentMethod;
  purpose: PaymentPurpose;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  psp: string;
  pspPaymentId: string | null;
  redirectUrl: string | null;
  planId: string | null;
  promiseId: string | null;
  mandateId: string | null;
  /** Direct debit: the day the money is taken ("YYYY-MM-DD"). */
  chargeDate: string | null;
  failureReason: string | null;
  allocations: Allocation[];
  unallocatedMinor: number;
  /** Refunded and charged back so far. */
  reversedMinor: number;
  creditorPaymentReference: string | null;
  initiatedAt: Date;
  settledAt: Date | null;
}

/** What the payment's succeeding means to plans and promises (see PaymentListener). */
export interface SucceededPayment {
  tenantId: string;
  paymentId: string;
  caseId: string;
  debtorId: string;
  amountMinor: number;
  currency: string;
  purpose: PaymentPurpose;
  method: PaymentMethod;
  planId: string | null;
  promiseId: string | null;
  settledAt: Date;
}

export interface ReversedPayment {
  tenantId: string;
  paymentId: string;
  caseId: string;
  debtorId: string;
  /** What was taken back this time. */
  amountMinor: number;
  currency: string;
  planId: string | null;
  promiseId: string | null;
  kind: 'refund' | 'chargeback';
  at: Date;
}

export interface FailedPayment {
  tenantId: string;
  paymentId: string;
  caseId: string;
  debtorId: string;
  amountMinor: number;
  method: PaymentMethod;
  planId: string | null;
  reason: string;
  at: Date;
}
