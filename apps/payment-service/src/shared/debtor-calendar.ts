import { addDays, type LocalDate } from '@clement/payment-plans';

/**
 * A debtor's calendar: local dates in their IANA zone, and the instants those dates start at.
 * Pure (Intl only); the clock's instant is always a parameter.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock reading of `instant` in `timeZone`, as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts['year'],
    parts['month'] - 1,
    parts['day'],
    parts['hour'],
    parts['minute'],
    parts['second'],
  );
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, timeZone) - whole;
}

/** The debtor's local date at `instant`. */
export function localDateAt(instant: Date, timeZone: string): LocalDate {
  return new Date(wallClock(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

/**
 * The first instant of a local date in `timeZone`. DST-safe: where midnight is skipped the day
 * starts at the end of the gap; where it happens twice, at the first.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // At most one offset change lies within a day either side, so the start uses one of these two.
  const candidates = [
    midnight - offsetAt(midnight - DAY_MS, timeZone),
    midnight - offsetAt(midnight + DAY_MS, timeZone),
  ].filter((instant) => localDateAt(new Date(instant), timeZone) === date);
  return new Date(Math.min(...candidates));
}

/** The instant a due date plus grace days has fully passed: the start of the day after. */
export function deadlineAfter(dueDate: LocalDate, graceDays: number, timeZone: string): Date {
  return startOfLocalDay(addDays(dueDate, graceDays + 1), timeZone);
}

/** The debtor's zone when a contact point named one, else the tenant's. */
export function debtorTimeZone(caseZone: string | null | undefined, tenantZone: string): string {
  return caseZone ?? tenantZone;
}
