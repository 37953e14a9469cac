import {
  endOfLocalDay,
  nextLocalTime,
  parseDuration,
  parseLocalDate,
  parseTimeOfDay,
} from './time';

const WEEKDAYS_ONLY = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseDuration', () => {
  it.each([
    ['P3D', 3 * 86_400_000],
    ['PT12H', 12 * 3_600_000],
    ['P1DT6H', 30 * 3_600_000],
    ['PT90M', 90 * 60_000],
    ['P2W', 14 * 86_400_000],
    ['PT30S', 30_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['P', 'PT', '3D', 'P1M', 'P1Y', 'P1.5D', 'p3d', 'P3DT', ''])('refuses %p', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('parseTimeOfDay and parseLocalDate', () => {
  it('reads HH:MM and refuses impossible times', () => {
    expect(parseTimeOfDay('08:30')).toBe(8 * 3600 + 30 * 60);
    expect(parseTimeOfDay('24:00')).toBeUndefined();
    expect(parseTimeOfDay('8:30')).toBeUndefined();
    expect(parseTimeOfDay('12:60')).toBeUndefined();
  });
  it('reads real calendar dates only', () => {
    expect(parseLocalDate('2026-12-24')).toEqual({ year: 2026, month: 12, day: 24 });
    expect(parseLocalDate('2026-02-30')).toBeUndefined();
    expect(parseLocalDate('24/12/2026')).toBeUndefined();
  });
});

describe('nextLocalTime', () => {
  const at830 = 8 * 3600 + 30 * 60;
  it('a Friday 10:00 placement with Mon–Fri contact days waits until Monday 08:30', () => {
    const friday10 = Date.parse('2026-12-04T09:00:00Z'); // 10:00 in Madrid (CET)
    expect(iso(nextLocalTime(friday10, 'Europe/Madrid', at830, WEEKDAYS_ONLY))).toBe(
      '2026-12-07T07:30:00.000Z',
    );
  });
  it('before 08:30 on a contact day it is the same morning', () => {
    const tuesday7 = Date.parse('2026-12-08T06:00:00Z');
    expect(iso(nextLocalTime(tuesday7, 'Europe/Madrid', at830, WEEKDAYS_ONLY))).toBe(
      '2026-12-08T07:30:00.000Z',
    );
  });
  it('is strictly after now', () => {
    const exactly = Date.parse('2026-12-08T07:30:00Z');
    expect(iso(nextLocalTime(exactly, 'Europe/Madrid', at830, WEEKDAYS_ONLY))).toBe(
      '2026-12-09T07:30:00.000Z',
    );
  });
  it('is DST-correct across the spring change (08:30 CEST is 06:30 UTC)', () => {
    const saturdayBeforeChange = Date.parse('2026-03-28T12:00:00Z'); // DST starts Sun 29 March
    expect(iso(nextLocalTime(saturdayBeforeChange, 'Europe/Madrid', at830, WEEKDAYS_ONLY))).toBe(
      '2026-03-30T06:30:00.000Z',
    );
  });
  it('uses the zone given (New York, across the November change)', () => {
    const saturday = Date.parse('2026-10-31T15:00:00Z'); // DST ends Sun 1 Nov in the US
    expect(iso(nextLocalTime(saturday, 'America/New_York', at830, WEEKDAYS_ONLY))).toBe(
      '2026-11-02T13:30:00.000Z',
    );
  });
});

describe('endOfLocalDay', () => {
  it('is the next local midnight', () => {
    expect(iso(endOfLocalDay('Europe/Madrid', { year: 2026, month: 12, day: 10 }))).toBe(
      '2026-12-10T23:00:00.000Z',
    );
  });
});
