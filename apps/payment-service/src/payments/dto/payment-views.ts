import type { LedgerLine } from '../../ledger/ledger.repository';
import type { PaymentRecord } from '../payment-record';

/** A payment as the API shows it: no PSP secrets, no personal data. */
export function paymentView(payment: PaymentRecord) {
  return {
    paymentId: payment.paymentId,
    caseId: payment.caseId,
    status: payment.status,
    method: payment.method,
    purpose: payment.purpose,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    planId: payment.planId,
    promiseId: payment.promiseId,
    redirectUrl: payment.status === 'initiated' ? payment.redirectUrl : null,
    allocations: payment.allocations,
    unallocatedMinor: payment.unallocatedMinor,
    reversedMinor: payment.reversedMinor,
    failureReason: payment.failureReason,
    reconciledWith: payment.creditorPaymentReference,
    initiatedAt: payment.initiatedAt.toISOString(),
    settledAt: payment.settledAt?.toISOString() ?? null,
  };
}

export function ledgerView(
  caseId: string,
  entries: readonly LedgerLine[],
  balances: readonly { accountId: string; balanceMinor: number }[],
  creditMinor: number,
) {
  return {
    caseId,
    balances,
    totalBalanceMinor: balances.reduce((sum, account) => sum + account.balanceMinor, 0),
    creditMinor,
    entries: entries.map((entry) => ({
      entryId: entry.entryId,
      accountId: entry.accountId,
      kind: entry.kind,
      amountMinor: entry.amountMinor,
      currency: entry.currency,
      paymentId: entry.paymentId ?? null,
      occurredAt: entry.occurredAt.toISOString(),
      recordedAt: entry.recordedAt.toISOString(),
    })),
  };
}
