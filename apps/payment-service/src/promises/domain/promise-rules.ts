import { addDays, daysBetween, type LocalDate, parseLocalDate } from '@clement/payment-plans';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import { deadlineAfter } from '../../shared/debtor-calendar';

export type PromiseStatus = 'open' | 'kept' | 'broken' | 'cancelled';

function invalid(reason: string): PaymentDomainError {
  return new PaymentDomainError(PaymentErrorCode.PromiseInvalid, reason);
}

/**
 * A promise is for a positive amount up to the balance, by a date from the debtor's today to
 * today + maxDaysAhead; it is broken from the start of the day after due date + grace, in the
 * debtor's zone.
 */
export function planPromise(input: {
  amountMinor: number;
  dueDate: string;
  balanceMinor: number;
  today: LocalDate;
  timeZone: string;
  graceDays: number;
  maxDaysAhead: number;
}): { deadlineAt: Date } {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw invalid('amountMinor must be a positive integer of minor units');
  }
  if (input.amountMinor > input.balanceMinor) {
    throw invalid(`the promised amount is more than the balance (${input.balanceMinor})`);
  }
  try {
    parseLocalDate(input.dueDate, 'dueDate');
  } catch {
    throw invalid('dueDate must be a YYYY-MM-DD calendar date');
  }
  const latest = addDays(input.today, input.maxDaysAhead);
  if (daysBetween(input.today, input.dueDate) < 0 || daysBetween(input.dueDate, latest) < 0) {
    throw invalid(`dueDate must be from ${input.today} to ${latest}`);
  }
  return { deadlineAt: deadlineAfter(input.dueDate, input.graceDays, input.timeZone) };
}

export interface OpenPromise {
  amountMinor: number;
  paidMinor: number;
  madeAt: Date;
  deadlineAt: Date;
}

/**
 * What a succeeded payment does to an open promise: it counts when it was settled after the
 * promise was made and before its deadline; the promise is kept once the amount is reached.
 */
/** Whether a payment settled at `settledAt` counts towards the promise: after it was made, before its deadline. */
export function countsTowards(
  promise: Pick<OpenPromise, 'madeAt' | 'deadlineAt'>,
  settledAt: Date,
) {
  const settled = settledAt.getTime();
  return settled >= promise.madeAt.getTime() && settled < promise.deadlineAt.getTime();
}

export function promisePayment(
  promise: OpenPromise,
  payment: { amountMinor: number; settledAt: Date },
): { counts: boolean; paidMinor: number; kept: boolean } {
  const counts = countsTowards(promise, payment.settledAt);
  const paidMinor = counts ? promise.paidMinor + payment.amountMinor : promise.paidMinor;
  return { counts, paidMinor, kept: counts && paidMinor >= promise.amountMinor };
}

/** A reversal takes back from an open promise what the payment had counted towards it. */
export function promiseReversal(promise: OpenPromise, amountMinor: number): number {
  return Math.max(0, promise.paidMinor - amountMinor);
}

/** Broken: still open when its deadline came. */
export function isBroken(promise: { status: PromiseStatus; deadlineAt: Date }, now: Date): boolean {
  return promise.status === 'open' && promise.deadlineAt.getTime() <= now.getTime();
}
