import type { Allocation } from './allocation';

/** A payment the creditor reported through its CRM. */
export interface CreditorPaymentReport {
  reference: string;
  accountId: string;
  amountMinor: number;
  paidAt: Date;
}

/** A payment taken here that no creditor report has been matched with yet. */
export interface UnreconciledPayment {
  paymentId: string;
  amountMinor: number;
  allocations: readonly Allocation[];
  settledAt: Date;
}

export type ReconciliationMatch =
  { paymentId: string; matchedBy: 'reference' | 'amount_and_date' } | undefined;

/** How far apart the creditor's payment date and ours may be for an amount match. */
export const AMOUNT_MATCH_WINDOW_DAYS = 3;
const DAY_MS = 86_400_000;

/**
 * Whether the creditor's report is a payment taken here (so it must not be counted again).
 * First by reference: the CRM echoes Clement's payment id (it receives it in PaymentReceived).
 * Otherwise by amount and date: a payment here of the same amount, to the same account or in
 * total, settled within three days, the closest in time first. Anything else is a payment made
 * elsewhere.
 */
export function matchCreditorPayment(
  report: CreditorPaymentReport,
  candidates: readonly UnreconciledPayment[],
): ReconciliationMatch {
  const byReference = candidates.find((payment) => payment.paymentId === report.reference);
  if (byReference) return { paymentId: byReference.paymentId, matchedBy: 'reference' };
  const near = candidates
    .filter(
      (payment) =>
        Math.abs(payment.settledAt.getTime() - report.paidAt.getTime()) <=
          AMOUNT_MATCH_WINDOW_DAYS * DAY_MS &&
        (payment.amountMinor === report.amountMinor ||
          payment.allocations.some(
            (allocation) =>
              allocation.accountId === report.accountId &&
              allocation.amountMinor === report.amountMinor,
          )),
    )
    .sort(
      (a, b) =>
        Math.abs(a.settledAt.getTime() - report.paidAt.getTime()) -
          Math.abs(b.settledAt.getTime() - report.paidAt.getTime()) ||
        a.paymentId.localeCompare(b.paymentId),
    );
  return near[0] ? { paymentId: near[0].paymentId, matchedBy: 'amount_and_date' } : undefined;
}
