import { PaymentPlanError } from './errors';
import {
  epochDay,
  formatLocalDate,
  fromEpochDay,
  isoWeekday,
  monthlyDate,
  parseLocalDate,
  type LocalDate,
} from './local-date';
import { ceilDiv, requireCurrency, requireMinor } from './money';

export const FREQUENCIES = ['weekly', 'fortnightly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Days between due dates for the fixed-spacing frequencies. */
export const DAYS_APART: Record<Exclude<Frequency, 'monthly'>, number> = {
  weekly: 7,
  fortnightly: 14,
};

/** At most ten years of weekly payments: a guard against runaway schedules, not a policy. */
export const MAX_INSTALMENTS = 520;

export interface ScheduleRequest {
  totalMinor: number;
  currency: string;
  frequency: Frequency;
  /** The first due date; it must fall on the payment day. */
  firstPaymentDate: LocalDate;
  /**
   * Monthly: the day of month 1–31 the plan is anchored on (default: the first date's day).
   * Weekly and fortnightly: the ISO weekday 1 (Monday)–7 (default: the first date's weekday).
   */
  paymentDay?: number;
  /** Either the number of instalments (split evenly) … */
  instalments?: number;
  /** … or the regular instalment amount (the last one pays what is left). */
  instalmentMinor?: number;
}

export interface Instalment {
  dueDate: LocalDate;
  amountMinor: number;
}

export interface Schedule {
  currency: string;
  totalMinor: number;
  frequency: Frequency;
  paymentDay: number;
  instalments: Instalment[];
}

/**
 * Splits `totalMinor` into `count` amounts that differ by at most one minor unit, the extra units
 * on the first instalments (the creditor gets them first; later payments never go up).
 */
export function splitEvenly(totalMinor: number, count: number): number[] {
  const base = Math.floor(totalMinor / count);
  const remainder = totalMinor % count;
  return Array.from({ length: count }, (_, index) => base + (index < remainder ? 1 : 0));
}

/** `count` equal instalments of `instalmentMinor` except the last, which is what is left (1 … instalmentMinor). */
export function splitByInstalment(totalMinor: number, instalmentMinor: number): number[] {
  const count = ceilDiv(totalMinor, instalmentMinor);
  const last = totalMinor - (count - 1) * instalmentMinor;
  return [...Array.from({ length: count - 1 }, () => instalmentMinor), last];
}

/** `count` due dates from `firstPaymentDate`, monthly ones clamped to short months. */
export function dueDates(
  frequency: Frequency,
  firstPaymentDate: LocalDate,
  paymentDay: number,
  count: number,
): LocalDate[] {
  const first = parseLocalDate(firstPaymentDate, 'firstPaymentDate');
  if (frequency === 'monthly') {
    return Array.from({ length: count }, (_, index) =>
      formatLocalDate(monthlyDate(first.year, first.month, paymentDay, index)),
    );
  }
  const start = epochDay(first);
  return Array.from({ length: count }, (_, index) =>
    formatLocalDate(fromEpochDay(start + index * DAYS_APART[frequency])),
  );
}

/** The payment day of a first date, checked against the one asked for. */
export function resolvePaymentDay(
  frequency: Frequency,
  firstPaymentDate: LocalDate,
  paymentDay: number | undefined,
): number {
  const first = parseLocalDate(firstPaymentDate, 'firstPaymentDate');
  if (frequency !== 'monthly') {
    const weekday = isoWeekday(firstPaymentDate);
    if (paymentDay === undefined) return weekday;
    if (!Number.isInteger(paymentDay) || paymentDay < 1 || paymentDay > 7) {
      throw new PaymentPlanError('payment_day.invalid', 'paymentDay', 'must be an ISO weekday 1–7');
    }
    if (paymentDay !== weekday) {
      throw new PaymentPlanError(
        'payment_day.mismatch',
        'paymentDay',
        `${firstPaymentDate} is weekday ${weekday}, not ${paymentDay}`,
      );
    }
    return paymentDay;
  }
  if (paymentDay === undefined) return first.day;
  if (!Number.isInteger(paymentDay) || paymentDay < 1 || paymentDay > 31) {
    throw new PaymentPlanError('payment_day.invalid', 'paymentDay', 'must be a day of month 1–31');
  }
  // A first date of 30 April fits a plan on the 31st: that is where the 31st clamps to.
  if (monthlyDate(first.year, first.month, paymentDay, 0).day !== first.day) {
    throw new PaymentPlanError(
      'payment_day.mismatch',
      'paymentDay',
      `${firstPaymentDate} is not payment day ${paymentDay} of its month`,
    );
  }
  return paymentDay;
}

export function requireFrequency(value: string, field = 'frequency'): Frequency {
  if (!(FREQUENCIES as readonly string[]).includes(value)) {
    throw new PaymentPlanError(
      'frequency.invalid',
      field,
      `must be one of ${FREQUENCIES.join(', ')}`,
    );
  }
  return value as Frequency;
}

/** The instalment schedule of a plan: amounts sum exactly to `totalMinor`, dates strictly increase. */
export function buildSchedule(request: ScheduleRequest): Schedule {
  const totalMinor = requireMinor(request.totalMinor, 'totalMinor');
  const currency = requireCurrency(request.currency, 'currency');
  const frequency = requireFrequency(request.frequency);
  const paymentDay = resolvePaymentDay(frequency, request.firstPaymentDate, request.paymentDay);
  const amounts = instalmentAmounts(totalMinor, request.instalments, request.instalmentMinor);
  const dates = dueDates(frequency, request.firstPaymentDate, paymentDay, amounts.length);
  return {
    currency,
    totalMinor,
    frequency,
    paymentDay,
    instalments: amounts.map((amountMinor, index) => ({ dueDate: dates[index], amountMinor })),
  };
}

function instalmentAmounts(
  totalMinor: number,
  instalments: number | undefined,
  instalmentMinor: number | undefined,
): number[] {
  if ((instalments === undefined) === (instalmentMinor === undefined)) {
    throw new PaymentPlanError(
      'instalments.ambiguous',
      'instalments',
      'give exactly one of instalments and instalmentMinor',
    );
  }
  if (instalments !== undefined) {
    if (!Number.isInteger(instalments) || instalments < 1 || instalments > MAX_INSTALMENTS) {
      throw new PaymentPlanError(
        'instalments.invalid',
        'instalments',
        `must be 1–${MAX_INSTALMENTS}`,
      );
    }
    if (instalments > totalMinor) {
      throw new PaymentPlanError(
        'instalments.invalid',
        'instalments',
        'more instalments than minor units: some would be zero',
      );
    }
    return splitEvenly(totalMinor, instalments);
  }
  const amount = requireMinor(instalmentMinor as number, 'instalmentMinor');
  if (ceilDiv(totalMinor, amount) > MAX_INSTALMENTS) {
    throw new PaymentPlanError(
      'instalments.invalid',
      'instalmentMinor',
      `too small: more than ${MAX_INSTALMENTS} instalments`,
    );
  }
  return splitByInstalment(totalMinor, Math.min(amount, totalMinor));
}
