import {
  addDays,
  daysBetween,
  daysInMonth,
  isLeapYear,
  isoWeekday,
  parseLocalDate,
} from './local-date';

describe('local dates', () => {
  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024].map(isLeapYear)).toEqual([false, true, false, true]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysInMonth(2024, 12)).toBe(31);
  });

  it('does calendar arithmetic without time zones', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(isoWeekday('2024-02-29')).toBe(4);
    expect(isoWeekday('2024-03-03')).toBe(7);
  });

  it('refuses what is not a calendar date', () => {
    for (const value of ['2023-02-29', '2024-13-01', '2024-04-31', '24-01-01', '2024-1-1', '']) {
      expect(() => parseLocalDate(value)).toThrow(/not a YYYY-MM-DD calendar date/);
    }
  });
});
