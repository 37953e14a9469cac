import {
  buildSchedule,
  daysBetween,
  daysInMonth,
  type Frequency,
  type Instalment,
  type LocalDate,
  parseLocalDate,
  PaymentPlanError,
} from '@clement/payment-plans';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import type { InstalmentProgress } from './plan-progress';

export interface PlanChange {
  instalments?: number;
  instalmentMinor?: number;
  frequency?: Frequency;
  /** The next due date ("YYYY-MM-DD"); default: the first unpaid one, or today if that has passed. */
  nextDueDate?: LocalDate;
  /** Monthly plans: the day of month to keep to (default: the next due date's day). */
  paymentDay?: number;
}

export interface Rescheduling {
  /** Partly paid instalments end at what was paid: they are settled, not superseded. */
  close: { number: number; amountMinor: number }[];
  /** Unpaid instalments the new ones replace. */
  supersede: number[];
  /** The new remaining schedule, in due-date order. */
  instalments: Instalment[];
  frequency: Frequency;
  remainingMinor: number;
}

function outside(reason: string): PaymentDomainError {
  return new PaymentDomainError(PaymentErrorCode.PlanOutsideOffer, reason);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The same day `months` later, clamped to that month's last day. */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  const index = year * 12 + (month - 1) + months;
  const [y, m] = [Math.floor(index / 12), (index % 12) + 1];
  return `${y}-${pad(m)}-${pad(Math.min(day, daysInMonth(y, m)))}`;
}

/**
 * The date on `day` (1–28) of the month of `from`, or of the next month when that is before
 * `today`: where a collection moves to when its day changes (e.g. to just after payday).
 */
export function onDayOfMonth(from: LocalDate, day: number, today: LocalDate): LocalDate {
  const { year, month } = parseLocalDate(from);
  const candidate = `${year}-${pad(month)}-${pad(day)}`;
  if (daysBetween(today, candidate) >= 0) return candidate;
  const next = addMonths(`${year}-${pad(month)}-01`, 1).slice(0, 8);
  return `${next}${pad(day)}`;
}

/**
 * Re-schedules what remains unpaid of a plan, within the policy: no instalment below the minimum
 * (but a last "what is left" one, as when the plan was made) and nothing due after the plan's
 * maximum term, counted from its first due date.
 */
export function reschedule(input: {
  instalments: readonly InstalmentProgress[];
  frequency: Frequency;
  currency: string;
  today: LocalDate;
  planStart: LocalDate;
  minInstalmentMinor: number;
  maxTermMonths: number;
  change: PlanChange;
}): Rescheduling {
  const { change } = input;
  const open = [...input.instalments]
    .filter((i) => i.paidMinor < i.amountMinor)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number - b.number));
  if (open.length === 0) {
    throw new PaymentDomainError(PaymentErrorCode.PlanNotLive, 'nothing remains to pay');
  }
  if (change.instalments !== undefined && change.instalmentMinor !== undefined) {
    throw outside('give at most one of instalments and instalmentMinor');
  }
  const remainingMinor = open.reduce((sum, i) => sum + i.amountMinor - i.paidMinor, 0);
  const frequency = change.frequency ?? input.frequency;
  const firstOpen = open[0].dueDate;
  const nextDueDate =
    change.nextDueDate ?? (daysBetween(input.today, firstOpen) >= 0 ? firstOpen : input.today);
  if (daysBetween(input.today, nextDueDate) < 0) {
    throw outside(`the next due date ${nextDueDate} is in the past`);
  }
  const min = input.minInstalmentMinor;
  const byAmount = change.instalmentMinor !== undefined;
  // Unless told otherwise, keep as many instalments as remain, as far as the minimum allows.
  const count =
    change.instalments ??
    (byAmount ? undefined : Math.max(1, Math.min(open.length, Math.floor(remainingMinor / min))));

  let instalments: Instalment[];
  try {
    instalments = buildSchedule({
      totalMinor: remainingMinor,
      currency: input.currency,
      frequency,
      firstPaymentDate: nextDueDate,
      ...(change.paymentDay !== undefined ? { paymentDay: change.paymentDay } : {}),
      ...(byAmount ? { instalmentMinor: change.instalmentMinor } : { instalments: count }),
    }).instalments;
  } catch (error) {
    if (error instanceof PaymentPlanError) throw outside(error.message);
    throw error;
  }
  const bounded = byAmount ? instalments.slice(0, -1) : instalments;
  if (instalments.length > 1 && bounded.some((i) => i.amountMinor < min)) {
    throw outside(`instalments are at least ${min}`);
  }
  const termEnd = addMonths(input.planStart, input.maxTermMonths);
  const last = instalments[instalments.length - 1].dueDate;
  if (daysBetween(last, termEnd) < 0) {
    throw outside(
      `the last instalment (${last}) would fall after the plan's term ends (${termEnd})`,
    );
  }
  return {
    close: open
      .filter((i) => i.paidMinor > 0)
      .map((i) => ({ number: i.number, amountMinor: i.paidMinor })),
    supersede: open.filter((i) => i.paidMinor === 0).map((i) => i.number),
    instalments,
    frequency,
    remainingMinor,
  };
}
