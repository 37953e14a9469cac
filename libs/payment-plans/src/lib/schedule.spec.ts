import { PaymentPlanError } from './errors';
import { buildSchedule, splitByInstalment, splitEvenly, type ScheduleRequest } from './schedule';

const base: ScheduleRequest = {
  totalMinor: 100_00,
  currency: 'EUR',
  frequency: 'monthly',
  firstPaymentDate: '2024-01-31',
  instalments: 3,
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PaymentPlanError) return error.code;
    throw error;
  }
  return undefined;
}

describe('splitting amounts', () => {
  it('spreads the remainder one unit at a time over the first instalments', () => {
    expect(splitEvenly(100_00, 3)).toEqual([33_34, 33_33, 33_33]);
    expect(splitEvenly(11, 4)).toEqual([3, 3, 3, 2]);
    expect(splitEvenly(12, 4)).toEqual([3, 3, 3, 3]);
  });

  it('puts what is left of a fixed instalment amount on the last instalment', () => {
    expect(splitByInstalment(100_00, 30_00)).toEqual([30_00, 30_00, 30_00, 10_00]);
    expect(splitByInstalment(90_00, 30_00)).toEqual([30_00, 30_00, 30_00]);
  });
});

describe('buildSchedule', () => {
  it('clamps a plan on the 31st to short months and returns to the 31st after', () => {
    const schedule = buildSchedule({ ...base, instalments: 5 });
    expect(schedule.instalments.map((i) => i.dueDate)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
    ]);
    expect(schedule.paymentDay).toBe(31);
  });

  it('pays on 28 February in a non-leap year and crosses the year end', () => {
    const dates = buildSchedule({
      ...base,
      firstPaymentDate: '2022-12-30',
      instalments: 4,
    }).instalments.map((i) => i.dueDate);
    expect(dates).toEqual(['2022-12-30', '2023-01-30', '2023-02-28', '2023-03-30']);
  });

  it('accepts a clamped first date when the payment day says where it clamps from', () => {
    const dates = buildSchedule({
      ...base,
      firstPaymentDate: '2023-04-30',
      paymentDay: 31,
      instalments: 3,
    }).instalments.map((i) => i.dueDate);
    expect(dates).toEqual(['2023-04-30', '2023-05-31', '2023-06-30']);
  });

  it('keeps a plan anchored on 29 February on the 29th where there is one', () => {
    const dates = buildSchedule({
      ...base,
      firstPaymentDate: '2024-02-29',
      instalments: 13,
    }).instalments.map((i) => i.dueDate);
    expect(dates.slice(0, 2)).toEqual(['2024-02-29', '2024-03-29']);
    expect(dates[12]).toBe('2025-02-28');
  });

  it('spaces weekly and fortnightly instalments 7 and 14 days apart over 29 February', () => {
    const weekly = buildSchedule({
      ...base,
      frequency: 'weekly',
      firstPaymentDate: '2024-02-26',
      instalments: 3,
    });
    expect(weekly.instalments.map((i) => i.dueDate)).toEqual([
      '2024-02-26',
      '2024-03-04',
      '2024-03-11',
    ]);
    expect(weekly.paymentDay).toBe(1);
    const fortnightly = buildSchedule({
      ...base,
      frequency: 'fortnightly',
      firstPaymentDate: '2023-12-25',
      instalments: 2,
    });
    expect(fortnightly.instalments.map((i) => i.dueDate)).toEqual(['2023-12-25', '2024-01-08']);
  });

  it('builds a plan from a fixed instalment amount', () => {
    const schedule = buildSchedule({
      totalMinor: 250_00,
      currency: 'GBP',
      frequency: 'monthly',
      firstPaymentDate: '2024-03-15',
      instalmentMinor: 100_00,
    });
    expect(schedule.instalments).toEqual([
      { dueDate: '2024-03-15', amountMinor: 100_00 },
      { dueDate: '2024-04-15', amountMinor: 100_00 },
      { dueDate: '2024-05-15', amountMinor: 50_00 },
    ]);
  });

  it.each<[string, Partial<ScheduleRequest>, string]>([
    ['a float amount', { totalMinor: 10.5 }, 'amount.invalid'],
    ['a zero amount', { totalMinor: 0 }, 'amount.invalid'],
    ['an unsafe amount', { totalMinor: 2 ** 53 }, 'amount.invalid'],
    ['a lower-case currency', { currency: 'eur' }, 'currency.invalid'],
    ['an impossible date', { firstPaymentDate: '2023-02-29' }, 'date.invalid'],
    ['a date with a time', { firstPaymentDate: '2024-01-31T00:00:00Z' }, 'date.invalid'],
    ['an unknown frequency', { frequency: 'daily' as never }, 'frequency.invalid'],
    ['both count and amount', { instalmentMinor: 10_00 }, 'instalments.ambiguous'],
    ['neither count nor amount', { instalments: undefined }, 'instalments.ambiguous'],
    ['a fractional count', { instalments: 2.5 }, 'instalments.invalid'],
    ['more instalments than units', { totalMinor: 3, instalments: 4 }, 'instalments.invalid'],
    ['a day of month 32', { paymentDay: 32 }, 'payment_day.invalid'],
    ['a first date off the payment day', { paymentDay: 15 }, 'payment_day.mismatch'],
    [
      'a weekday that is not the first date',
      { frequency: 'weekly', firstPaymentDate: '2024-02-26', paymentDay: 2 },
      'payment_day.mismatch',
    ],
  ])('refuses %s', (_, change, code) => {
    expect(codeOf(() => buildSchedule({ ...base, ...change }))).toBe(code);
  });

  it('names the field in the message', () => {
    expect(() => buildSchedule({ ...base, totalMinor: -1 })).toThrow(/^totalMinor: /);
  });
});
