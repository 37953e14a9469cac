/**
 * Wall-clock arithmetic in IANA time zones with the built-in Intl API only (no tz database of
 * our own). Everything works on UTC instants; a "local time" is only ever computed from one.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A daily window of allowed local times, [start, end), on the listed weekdays. */
export interface ContactWindow {
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM" (or "24:00"), exclusive: a window ending "21:00" allows 20:59:59 but not 21:00. */
  end: string;
  days: Weekday[];
}

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  /** Seconds since local midnight (wall clock). */
  secondOfDay: number;
  weekday: Weekday;
}

const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** "HH:MM" → seconds since midnight; undefined when malformed. */
export function parseClock(clock: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 3600 + minutes * 60;
}

function clockOf(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = parts;
  return {
    year,
    month,
    day,
    secondOfDay: hour * 3600 + minute * 60 + second,
    weekday: WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()],
  };
}

/** The zone's offset from UTC at an instant, in ms (whole seconds). */
export function offsetAt(instantMs: number, timeZone: string): number {
  const flooredMs = Math.floor(instantMs / MS_PER_SECOND) * MS_PER_SECOND;
  const local = localDateTime(new Date(flooredMs), timeZone);
  const asUtc =
    Date.UTC(local.year, local.month - 1, local.day) + local.secondOfDay * MS_PER_SECOND;
  return asUtc - flooredMs;
}

/**
 * The first instant at which the wall clock in `timeZone` reads the given local date and time.
 * Ambiguous times (a fall-back repeats an hour) resolve to the earlier instant; times that do
 * not exist (skipped by a spring-forward) resolve to the transition, the first instant after.
 */
export function instantOfLocal(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  secondOfDay: number,
): Date {
  const naive = Date.UTC(year, month - 1, day) + secondOfDay * MS_PER_SECOND;
  const before = offsetAt(naive - 12 * MS_PER_HOUR, timeZone);
  const after = offsetAt(naive + 12 * MS_PER_HOUR, timeZone);
  const matches = [naive - before, naive - after].filter((candidate) => {
    const local = localDateTime(new Date(candidate), timeZone);
    return (
      local.year === year &&
      local.month === month &&
      local.day === day &&
      local.secondOfDay === secondOfDay
    );
  });
  if (matches.length > 0) return new Date(Math.min(...matches));
  // In a gap: binary-search the transition, where the offset turns from `before` to `after`.
  let low = naive - Math.max(before, after);
  let high = naive - Math.min(before, after);
  while (high - low > MS_PER_SECOND) {
    const mid = Math.floor((low + high) / 2 / MS_PER_SECOND) * MS_PER_SECOND;
    if (offsetAt(mid, timeZone) === after) high = mid;
    else low = mid;
  }
  return new Date(high);
}

export interface ResolvedWindow {
  startSecond: number;
  endSecond: number;
  days: ReadonlySet<Weekday>;
}

export function resolveWindow(window: ContactWindow): ResolvedWindow | undefined {
  const startSecond = parseClock(window.start);
  const endSecond = parseClock(window.end);
  if (startSecond === undefined || endSecond === undefined || startSecond >= endSecond) {
    return undefined;
  }
  if (window.days.length === 0) return undefined;
  return { startSecond, endSecond, days: new Set(window.days) };
}

export function describeWindow(window: ResolvedWindow): string {
  const days = WEEKDAYS.filter((d) => window.days.has(d));
  const dayText = days.length === 7 ? 'every day' : days.join(',');
  return `${clockOf(window.startSecond)}-${clockOf(window.endSecond)} ${dayText}`;
}

export function isWithinWindow(instant: Date, timeZone: string, window: ResolvedWindow): boolean {
  const local = localDateTime(instant, timeZone);
  return (
    window.days.has(local.weekday) &&
    local.secondOfDay >= window.startSecond &&
    local.secondOfDay < window.endSecond
  );
}

/**
 * The earliest instant at or after `from` that falls inside the window in every zone, looking
 * at most `horizonDays` ahead; undefined when there is none (the zones' windows never overlap).
 *
 * The allowed set is an intersection of unions of intervals, each opening at a window start in
 * one zone; its earliest point at or after `from` is therefore `from` itself or one of those
 * openings. We enumerate the openings (DST-correct via instantOfLocal) and test each in all zones.
 */
export function nextAllowedInstant(
  from: Date,
  timeZones: readonly string[],
  window: ResolvedWindow,
  horizonDays: number,
): Date | undefined {
  const fromMs = from.getTime();
  const limitMs = fromMs + horizonDays * MS_PER_DAY;
  const candidates = new Set<number>([fromMs]);
  for (const zone of timeZones) {
    const local = localDateTime(from, zone);
    const localMidnight = Date.UTC(local.year, local.month - 1, local.day);
    for (let offsetDays = -1; offsetDays <= horizonDays + 1; offsetDays++) {
      const date = new Date(localMidnight + offsetDays * MS_PER_DAY);
      const weekday = WEEKDAYS[date.getUTCDay()];
      if (!window.days.has(weekday)) continue;
      const opening = instantOfLocal(
        zone,
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        window.startSecond,
      ).getTime();
      if (opening >= fromMs && opening <= limitMs) candidates.add(opening);
    }
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  for (const candidate of sorted) {
    const instant = new Date(candidate);
    if (timeZones.every((zone) => isWithinWindow(instant, zone, window))) return instant;
  }
  return undefined;
}
