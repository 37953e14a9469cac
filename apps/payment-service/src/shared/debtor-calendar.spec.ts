import { deadlineAfter, debtorTimeZone, localDateAt, startOfLocalDay } from './debtor-calendar';

describe('debtor calendar', () => {
  it('reads the local date in the debtor zone, not the server one', () => {
    const instant = new Date('2024-03-01T23:30:00Z');
    expect(localDateAt(instant, 'Europe/Madrid')).toBe('2024-03-02');
    expect(localDateAt(instant, 'America/New_York')).toBe('2024-03-01');
    expect(localDateAt(instant, 'UTC')).toBe('2024-03-01');
    expect(localDateAt(new Date('2024-03-01T12:00:00Z'), 'Pacific/Kiritimati')).toBe('2024-03-02');
  });

  it('starts a day at local midnight on both sides of the Madrid DST changes', () => {
    expect(startOfLocalDay('2024-03-30', 'Europe/Madrid').toISOString()).toBe(
      '2024-03-29T23:00:00.000Z',
    );
    // 31 March 2024: 02:00 → 03:00; the day still starts at 00:00 CET.
    expect(startOfLocalDay('2024-03-31', 'Europe/Madrid').toISOString()).toBe(
      '2024-03-30T23:00:00.000Z',
    );
    expect(startOfLocalDay('2024-04-01', 'Europe/Madrid').toISOString()).toBe(
      '2024-03-31T22:00:00.000Z',
    );
    // 27 October 2024: 03:00 → 02:00.
    expect(startOfLocalDay('2024-10-27', 'Europe/Madrid').toISOString()).toBe(
      '2024-10-26T22:00:00.000Z',
    );
    expect(startOfLocalDay('2024-10-28', 'Europe/Madrid').toISOString()).toBe(
      '2024-10-27T23:00:00.000Z',
    );
  });

  it('starts a day whose midnight is skipped at the end of the gap', () => {
    // Santiago, 7 September 2024: 00:00 → 01:00 (UTC-4 → UTC-3).
    expect(startOfLocalDay('2024-09-08', 'America/Santiago').toISOString()).toBe(
      '2024-09-08T04:00:00.000Z',
    );
    expect(localDateAt(startOfLocalDay('2024-09-08', 'America/Santiago'), 'America/Santiago')).toBe(
      '2024-09-08',
    );
  });

  it('puts a deadline at the start of the day after due date + grace, across DST', () => {
    // Due Friday 29 March, 2 days' grace → broken from Monday 1 April 00:00 CEST.
    expect(deadlineAfter('2024-03-29', 2, 'Europe/Madrid').toISOString()).toBe(
      '2024-03-31T22:00:00.000Z',
    );
    expect(deadlineAfter('2024-10-25', 1, 'Europe/Madrid').toISOString()).toBe(
      '2024-10-26T22:00:00.000Z',
    );
    expect(deadlineAfter('2024-10-25', 2, 'Europe/Madrid').toISOString()).toBe(
      '2024-10-27T23:00:00.000Z',
    );
    expect(deadlineAfter('2024-02-28', 0, 'UTC').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('falls back to the tenant zone', () => {
    expect(debtorTimeZone(null, 'Europe/Madrid')).toBe('Europe/Madrid');
    expect(debtorTimeZone('Europe/London', 'Europe/Madrid')).toBe('Europe/London');
  });
});
