/**
 * Durations and debtor-local calendar arithmetic. Local times go through @clement/contact-policy's
 * DST-correct helpers; nothing here reads a clock.
 */
import { instantOfLocal, localDateTime, WEEKDAYS, type Weekday } from '@clement/contact-policy';
import type { Instant } from './engine-types';

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

const DURATION = /^P(?=\d|T\d)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * An ISO 8601 duration in weeks, days, hours, minutes and seconds (P2D, PT12H, P1DT6H) → ms;
 * undefined when malformed. Years and months are refused: their length depends on the calendar.
 * A day is 24 hours of elapsed time (waits that must land on a wall-clock time use untilLocalTime).
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return (
    weeks * 7 * MS_PER_DAY +
    days * MS_PER_DAY +
    hours * MS_PER_HOUR +
    minutes * MS_PER_MINUTE +
    seconds * 1000
  );
}

/** "HH:MM" (00:00–23:59) → seconds since midnight; undefined when malformed. */
export function parseTimeOfDay(text: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 3600 + Number(match[2]) * 60 : undefined;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** "YYYY-MM-DD" → a real calendar date; undefined when malformed or impossible (2026-02-30). */
export function parseLocalDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day
  ) {
    return undefined;
  }
  return { year, month, day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * MS_PER_DAY);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

export function weekdayOf(date: LocalDate): Weekday {
  return WEEKDAYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
}

export function isValidTimeZone(timeZone: string): boolean {
  let valid = timeZoneValidity.get(timeZone);
  if (valid === undefined) {
    valid = probeTimeZone(timeZone);
    // Building a formatter is slow and real zones are few; the cap keeps junk input from growing it.
    if (timeZoneValidity.size < 1_000) {
      timeZoneValidity.set(timeZone, valid);
    }
  }
  return valid;
}

const timeZoneValidity = new Map<string, boolean>();

function probeTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The instant the wall clock in `timeZone` reads `secondOfDay` on `date` (DST-correct). */
export function localInstant(timeZone: string, date: LocalDate, secondOfDay: number): Instant {
  return instantOfLocal(timeZone, date.year, date.month, date.day, secondOfDay).getTime();
}

export function localDateOf(instant: Instant, timeZone: string): LocalDate {
  const local = localDateTime(new Date(instant), timeZone);
  return { year: local.year, month: local.month, day: local.day };
}

/**
 * The first instant strictly after `after` at which the local time in `timeZone` is
 * `secondOfDay` on one of `days`.
 */
export function nextLocalTime(
  after: Instant,
  timeZone: string,
  secondOfDay: number,
  days: readonly Weekday[],
): Instant {
  const today = localDateOf(after, timeZone);
  for (let offset = 0; offset <= 8; offset++) {
    const date = addDays(today, offset);
    if (!days.includes(weekdayOf(date))) continue;
    const candidate = localInstant(timeZone, date, secondOfDay);
    if (candidate > after) return candidate;
  }
  // Unreachable with at least one day listed (the validator requires one); fail safe a day later.
  return after + MS_PER_DAY;
}

/** The first instant of the local day after `date` (the end of `date`). */
export function endOfLocalDay(timeZone: string, date: LocalDate): Instant {
  return localInstant(timeZone, addDays(date, 1), 0);
}
