import {
  instantOfLocal,
  localDateTime,
  nextAllowedInstant,
  offsetAt,
  parseClock,
  resolveWindow,
  WEEKDAYS,
} from './local-time';

const iso = (d: Date | undefined) => d?.toISOString();

describe('instantOfLocal', () => {
  it.each([
    ['an ordinary time', 'America/New_York', [2026, 6, 10, 8 * 3600], '2026-06-10T12:00:00.000Z'],
    [
      '08:00 on the NY spring-forward day',
      'America/New_York',
      [2026, 3, 8, 8 * 3600],
      '2026-03-08T12:00:00.000Z',
    ],
    [
      '08:00 on the NY fall-back day',
      'America/New_York',
      [2026, 11, 1, 8 * 3600],
      '2026-11-01T13:00:00.000Z',
    ],
    [
      '02:30 skipped by NY spring-forward → the transition',
      'America/New_York',
      [2026, 3, 8, 9000],
      '2026-03-08T07:00:00.000Z',
    ],
    [
      '01:30 repeated by NY fall-back → the earlier one',
      'America/New_York',
      [2026, 11, 1, 5400],
      '2026-11-01T05:30:00.000Z',
    ],
    [
      '01:30 skipped by London spring-forward → the transition',
      'Europe/London',
      [2026, 3, 29, 5400],
      '2026-03-29T01:00:00.000Z',
    ],
    [
      '01:30 repeated by London fall-back → the earlier one',
      'Europe/London',
      [2026, 10, 25, 5400],
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'a half-hour zone (Kolkata)',
      'Asia/Kolkata',
      [2026, 1, 1, 8 * 3600],
      '2026-01-01T02:30:00.000Z',
    ],
  ] as const)('%s', (_name, zone, [y, m, d, s], expected) => {
    expect(iso(instantOfLocal(zone, y, m, d, s))).toBe(expected);
  });
});

describe('local time helpers', () => {
  it('reads the local wall clock and weekday', () => {
    expect(localDateTime(new Date('2026-03-08T12:00:00Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 3,
      day: 8,
      secondOfDay: 8 * 3600,
      weekday: 'sun',
    });
  });

  it('gives offsets on both sides of a change', () => {
    expect(offsetAt(Date.parse('2026-03-08T06:59:59Z'), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(offsetAt(Date.parse('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
  });

  it.each([
    ['08:00', 28800],
    ['24:00', 86400],
    ['8:00', undefined],
    ['24:30', undefined],
    ['12:60', undefined],
  ] as const)('parses %s', (clock, expected) => {
    expect(parseClock(clock)).toBe(expected);
  });

  it('rejects empty or inverted windows', () => {
    expect(resolveWindow({ start: '21:00', end: '08:00', days: [...WEEKDAYS] })).toBeUndefined();
    expect(resolveWindow({ start: '08:00', end: '21:00', days: [] })).toBeUndefined();
  });

  it('opens a window that starts inside a DST gap at the transition', () => {
    const window = resolveWindow({ start: '02:30', end: '05:00', days: [...WEEKDAYS] });
    if (!window) throw new Error('window');
    const next = nextAllowedInstant(
      new Date('2026-03-08T06:00:00Z'),
      ['America/New_York'],
      window,
      2,
    );
    expect(iso(next)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('finds nothing when the zones never overlap within the horizon', () => {
    const window = resolveWindow({ start: '09:00', end: '17:00', days: [...WEEKDAYS] });
    if (!window) throw new Error('window');
    const next = nextAllowedInstant(
      new Date('2026-01-14T00:00:00Z'),
      ['Europe/Madrid', 'Pacific/Auckland'],
      window,
      14,
    );
    expect(next).toBeUndefined();
  });
});
