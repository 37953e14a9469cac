import { PaymentPlanError } from './errors';

/**
 * Local calendar dates ("YYYY-MM-DD" in the debtor's time zone) as whole days. Date.UTC is used
 * only as a proleptic Gregorian calendar: no instants, no time zones, no DST.
 */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export interface CalendarDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses a real calendar date in years 1000–9999; "2023-02-29" is refused. */
export function parseLocalDate(value: string, field = 'date'): CalendarDate {
  const match = LOCAL_DATE.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return { year, month, day };
    }
  }
  throw new PaymentPlanError('date.invalid', field, `"${value}" is not a YYYY-MM-DD calendar date`);
}

export function formatLocalDate({ year, month, day }: CalendarDate): LocalDate {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Days since 1970-01-01, so that spacing is plain subtraction. */
export function epochDay({ year, month, day }: CalendarDate): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function fromEpochDay(days: number): CalendarDate {
  const date = new Date(days * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return formatLocalDate(fromEpochDay(epochDay(parseLocalDate(date)) + days));
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  return epochDay(parseLocalDate(to)) - epochDay(parseLocalDate(from));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const weekday = new Date(epochDay(parseLocalDate(date)) * MS_PER_DAY).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The anchor day in the month `monthsLater` after (year, month), clamped to the month's last day. */
export function monthlyDate(
  year: number,
  month: number,
  anchorDay: number,
  monthsLater: number,
): CalendarDate {
  const index = year * 12 + (month - 1) + monthsLater;
  const target = { year: Math.floor(index / 12), month: (index % 12) + 1 };
  return { ...target, day: Math.min(anchorDay, daysInMonth(target.year, target.month)) };
}
