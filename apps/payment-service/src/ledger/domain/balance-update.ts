/** A payment the creditor reported that no balance update has reflected yet. */
export interface PendingCreditorPayment {
  reference: string;
  amountMinor: number;
}

export interface BookedBalanceUpdate {
  /** The part explained by the creditor's reported payments, oldest first. */
  creditorPayments: { reference: string; amountMinor: number }[];
  /** The rest: the creditor's own adjustment (interest, fees, write-offs, corrections). */
  adjustmentMinor: number;
}

/**
 * How a creditor's balance change on an account is booked. A fall is first explained by the
 * payments the creditor reported on that account (each booked once, in full, oldest first);
 * whatever is left, and any rise, is an adjustment. So a reported payment lowers the balance
 * exactly once: when the creditor's own books say so.
 */
export function bookBalanceUpdate(
  deltaMinor: number,
  pending: readonly PendingCreditorPayment[],
): BookedBalanceUpdate {
  const creditorPayments: { reference: string; amountMinor: number }[] = [];
  let unexplained = deltaMinor < 0 ? -deltaMinor : 0;
  for (const payment of pending) {
    if (payment.amountMinor > unexplained) break;
    creditorPayments.push({ reference: payment.reference, amountMinor: payment.amountMinor });
    unexplained -= payment.amountMinor;
  }
  const explained = creditorPayments.reduce((sum, payment) => sum + payment.amountMinor, 0);
  return { creditorPayments, adjustmentMinor: deltaMinor + explained };
}
