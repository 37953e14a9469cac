import { PaymentDomainError } from '../../shared/payment-errors';
import type { InstalmentProgress } from './plan-progress';
import { addMonths, onDayOfMonth, reschedule } from './reschedule';

const instalments: InstalmentProgress[] = [
  { number: 1, dueDate: '2024-01-15', amountMinor: 100_00, paidMinor: 100_00 },
  { number: 2, dueDate: '2024-02-15', amountMinor: 100_00, paidMinor: 40_00 },
  { number: 3, dueDate: '2024-03-15', amountMinor: 100_00, paidMinor: 0 },
  { number: 4, dueDate: '2024-04-15', amountMinor: 100_00, paidMinor: 0 },
];

const base = {
  instalments,
  frequency: 'monthly' as const,
  currency: 'EUR',
  today: '2024-02-10',
  planStart: '2024-01-15',
  minInstalmentMinor: 50_00,
  maxTermMonths: 6,
};

function refusal(change: Parameters<typeof reschedule>[0]['change'], input = base) {
  try {
    reschedule({ ...input, change });
  } catch (error) {
    if (error instanceof PaymentDomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('reschedule', () => {
  it('re-spreads what remains; a partly paid instalment closes at what was paid', () => {
    const result = reschedule({ ...base, change: { instalments: 4 } });
    expect(result.remainingMinor).toBe(260_00);
    expect(result.close).toEqual([{ number: 2, amountMinor: 40_00 }]);
    expect(result.supersede).toEqual([3, 4]);
    expect(result.instalments).toEqual([
      { dueDate: '2024-02-15', amountMinor: 65_00 },
      { dueDate: '2024-03-15', amountMinor: 65_00 },
      { dueDate: '2024-04-15', amountMinor: 65_00 },
      { dueDate: '2024-05-15', amountMinor: 65_00 },
    ]);
  });

  it('changes the frequency and the next due date', () => {
    const result = reschedule({
      ...base,
      change: { frequency: 'fortnightly', instalmentMinor: 100_00, nextDueDate: '2024-02-20' },
    });
    expect(result.frequency).toBe('fortnightly');
    expect(result.instalments).toEqual([
      { dueDate: '2024-02-20', amountMinor: 100_00 },
      { dueDate: '2024-03-05', amountMinor: 100_00 },
      { dueDate: '2024-03-19', amountMinor: 60_00 },
    ]);
  });

  it('keeps the count by default, as far as the minimum allows, from today when overdue', () => {
    const result = reschedule({ ...base, today: '2024-02-20', change: {} });
    expect(result.instalments).toEqual([
      { dueDate: '2024-02-20', amountMinor: 86_67 },
      { dueDate: '2024-03-20', amountMinor: 86_67 },
      { dueDate: '2024-04-20', amountMinor: 86_66 },
    ]);
    const small = reschedule({
      ...base,
      instalments: instalments.map((i) => (i.number >= 2 ? { ...i, amountMinor: 30_00 } : i)),
      change: {},
    });
    // Instalment 2 is paid in full at its new amount; 60.00 remains: one instalment, not two of 30.
    expect(small.instalments).toEqual([{ dueDate: '2024-03-15', amountMinor: 60_00 }]);
  });

  it('stays within the minimum instalment and the maximum term', () => {
    expect(refusal({ instalments: 6 }).message).toMatch(/at least 5000/);
    expect(reschedule({ ...base, change: { instalmentMinor: 50_00 } }).instalments.at(-1)).toEqual({
      dueDate: '2024-07-15',
      amountMinor: 10_00,
    });
    expect(refusal({ instalmentMinor: 50_00, nextDueDate: '2024-03-01' }).message).toMatch(
      /\(2024-08-01\) would fall after the plan's term ends \(2024-07-15\)/,
    );
    expect(reschedule({ ...base, change: { instalmentMinor: 60_00 } }).instalments).toHaveLength(5);
    expect(refusal({ nextDueDate: '2024-02-01' }).message).toMatch(/in the past/);
  });

  it('has nothing to re-schedule once everything is paid', () => {
    const paid = instalments.map((i) => ({ ...i, paidMinor: i.amountMinor }));
    expect(refusal({}, { ...base, instalments: paid }).code).toBe('plan.not_live');
  });

  it('moves to a day of the month, the next month when that day has passed', () => {
    expect(onDayOfMonth('2024-03-01', 28, '2024-02-10')).toBe('2024-03-28');
    expect(onDayOfMonth('2024-03-30', 5, '2024-02-10')).toBe('2024-03-05');
    expect(onDayOfMonth('2024-02-01', 5, '2024-02-10')).toBe('2024-03-05');
    expect(onDayOfMonth('2024-12-20', 3, '2024-12-20')).toBe('2025-01-03');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  });

  it('moves a monthly plan to a new collection day', () => {
    const result = reschedule({
      ...base,
      change: { nextDueDate: onDayOfMonth('2024-02-15', 27, base.today), paymentDay: 27 },
    });
    expect(result.instalments.map((i) => i.dueDate)).toEqual([
      '2024-02-27',
      '2024-03-27',
      '2024-04-27',
    ]);
  });
});
