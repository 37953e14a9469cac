/**
 * How a payment splits over a case's accounts, and how a refund or chargeback takes it back.
 * Pure: integer minor units in, integer minor units out; every split adds up exactly.
 */

export const ALLOCATION_POLICIES = ['oldest_first', 'highest_balance_first', 'pro_rata'] as const;
/**
 * - `oldest_first`: the account longest in arrears first (days past due, then placement), the
 *   usual rule, and the one most regimes expect unless the debtor says otherwise;
 * - `highest_balance_first`: the largest balance first;
 * - `pro_rata`: in proportion to the balances (largest remainder for the odd minor units).
 */
export type AllocationPolicy = (typeof ALLOCATION_POLICIES)[number];

export interface AccountBalance {
  accountId: string;
  balanceMinor: number;
  daysPastDue: number;
  placedAt: Date;
}

export interface Allocation {
  accountId: string;
  amountMinor: number;
}

export interface AllocationResult {
  /** In the order they were applied; accounts that got nothing are left out. */
  allocations: Allocation[];
  /** More than every balance together: held as the case's credit, for refund. */
  unallocatedMinor: number;
}

export function allocatePayment(
  amountMinor: number,
  accounts: readonly AccountBalance[],
  policy: AllocationPolicy,
): AllocationResult {
  requirePositive(amountMinor, 'amount');
  const owing = accounts.filter((account) => account.balanceMinor > 0);
  const totalOwed = owing.reduce((sum, account) => sum + account.balanceMinor, 0);
  if (amountMinor >= totalOwed) {
    return {
      allocations: ordered(owing, policy).map(({ accountId, balanceMinor }) => ({
        accountId,
        amountMinor: balanceMinor,
      })),
      unallocatedMinor: amountMinor - totalOwed,
    };
  }
  if (policy === 'pro_rata')
    return { allocations: proRata(amountMinor, owing), unallocatedMinor: 0 };
  const allocations: Allocation[] = [];
  let left = amountMinor;
  for (const account of ordered(owing, policy)) {
    if (left === 0) break;
    const applied = Math.min(left, account.balanceMinor);
    allocations.push({ accountId: account.accountId, amountMinor: applied });
    left -= applied;
  }
  return { allocations, unallocatedMinor: 0 };
}

function ordered(accounts: readonly AccountBalance[], policy: AllocationPolicy): AccountBalance[] {
  const byAge = (a: AccountBalance, b: AccountBalance) =>
    b.daysPastDue - a.daysPastDue ||
    a.placedAt.getTime() - b.placedAt.getTime() ||
    a.accountId.localeCompare(b.accountId);
  const byBalance = (a: AccountBalance, b: AccountBalance) =>
    b.balanceMinor - a.balanceMinor || byAge(a, b);
  return [...accounts].sort(policy === 'highest_balance_first' ? byBalance : byAge);
}

/** Shares by balance, floored; the leftover minor units go to the largest remainders. */
function proRata(amountMinor: number, owing: readonly AccountBalance[]): Allocation[] {
  const total = BigInt(owing.reduce((sum, account) => sum + account.balanceMinor, 0));
  const shares = ordered(owing, 'oldest_first').map((account) => {
    const exact = BigInt(amountMinor) * BigInt(account.balanceMinor);
    return { account, floor: Number(exact / total), remainder: exact % total };
  });
  let left = amountMinor - shares.reduce((sum, share) => sum + share.floor, 0);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? 0 : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (left === 0) break;
    share.floor += 1;
    left -= 1;
  }
  return shares
    .filter((share) => share.floor > 0)
    .map((share) => ({ accountId: share.account.accountId, amountMinor: share.floor }));
}

export interface ReversalResult {
  /** What comes off the case's credit (an overpayment) first. */
  fromCreditMinor: number;
  /** Then what goes back onto each account, the last allocated first. */
  reversedAllocations: Allocation[];
}

/**
 * The part of a payment a refund or chargeback takes back. A payment is unwound in a fixed order
 * (its overpayment, then its allocations from the last applied to the first), so successive
 * partial reversals never take the same minor unit twice: `alreadyReversedMinor` is where the
 * previous ones stopped.
 */
export function reversePayment(
  payment: { allocations: readonly Allocation[]; unallocatedMinor: number },
  alreadyReversedMinor: number,
  amountMinor: number,
): ReversalResult {
  requirePositive(amountMinor, 'amount');
  const paid =
    payment.unallocatedMinor +
    payment.allocations.reduce((sum, allocation) => sum + allocation.amountMinor, 0);
  if (alreadyReversedMinor + amountMinor > paid) {
    throw new RangeError(
      `cannot reverse ${amountMinor}: ${paid - alreadyReversedMinor} of the payment is left`,
    );
  }
  const slices = [
    { accountId: undefined as string | undefined, amountMinor: payment.unallocatedMinor },
    ...[...payment.allocations].reverse(),
  ];
  let start = alreadyReversedMinor;
  let left = amountMinor;
  let fromCreditMinor = 0;
  const reversedAllocations: Allocation[] = [];
  for (const slice of slices) {
    if (left === 0) break;
    if (start >= slice.amountMinor) {
      start -= slice.amountMinor;
      continue;
    }
    const taken = Math.min(slice.amountMinor - start, left);
    start = 0;
    left -= taken;
    if (slice.accountId === undefined) fromCreditMinor += taken;
    else reversedAllocations.push({ accountId: slice.accountId, amountMinor: taken });
  }
  return { fromCreditMinor, reversedAllocations };
}

function requirePositive(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${field} must be a positive integer of minor units`);
  }
}
