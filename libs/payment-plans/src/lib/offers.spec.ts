import { PaymentPlanError } from './errors';
import {
  affordableInstalment,
  computeOffers,
  maxInstalments,
  type DebtorSituation,
  type PaymentPolicy,
} from './offers';

const policy: PaymentPolicy = {
  currency: 'EUR',
  minInstalmentMinor: 20_00,
  maxTermMonths: 12,
  frequencies: ['monthly', 'fortnightly', 'weekly'],
  firstPaymentWindowDays: 14,
  settlementDiscounts: { early: 3_000, late: 6_000 },
  settlementFloorBasisPoints: 5_000,
  refinancingOffered: true,
};

const debtor: DebtorSituation = { balanceMinor: 1_200_00, currency: 'EUR', today: '2024-02-20' };

describe('computeOffers', () => {
  it('derives the longest term per frequency from the term and the minimum instalment', () => {
    expect(maxInstalments(12, 'monthly')).toBe(12);
    expect(maxInstalments(12, 'fortnightly')).toBe(26);
    expect(maxInstalments(12, 'weekly')).toBe(52);
    const offers = computeOffers(policy, debtor);
    expect(
      offers.plans.map((p) => [p.frequency, p.shortest.instalments, p.longest.instalments]),
    ).toEqual([
      ['monthly', 1, 12],
      ['fortnightly', 1, 26],
      // 1 200.00 / 20.00 = 60 weekly instalments would do, but 12 months allow 52.
      ['weekly', 1, 52],
    ]);
    expect(offers.plans[2].longest).toEqual({
      instalments: 52,
      largestInstalmentMinor: 23_08,
      smallestInstalmentMinor: 23_07,
    });
    expect(offers.plans[0].firstPaymentDates).toEqual({
      earliest: '2024-02-20',
      latest: '2024-03-05',
    });
    expect(offers.refinancingOffered).toBe(true);
    expect(offers.settlement).toBeUndefined();
  });

  it('stops at the minimum instalment when that comes before the maximum term', () => {
    const offers = computeOffers(policy, { ...debtor, balanceMinor: 100_00 });
    expect(offers.plans.map((p) => p.longest.instalments)).toEqual([5, 5, 5]);
  });

  it('lets a balance below the minimum instalment be paid at once', () => {
    const offers = computeOffers(policy, { ...debtor, balanceMinor: 5_00 });
    expect(offers.plans.map((p) => [p.shortest.instalments, p.longest.instalments])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('shortens nothing beyond what the stated budget affords', () => {
    expect(affordableInstalment(300_00, 'weekly')).toBe(69_23);
    const offers = computeOffers(policy, {
      ...debtor,
      monthlyIncomeMinor: 2_000_00,
      monthlyExpenditureMinor: 1_700_00,
    });
    expect(
      offers.plans.map((p) => [p.frequency, p.shortest.instalments, p.affordableInstalmentMinor]),
    ).toEqual([
      ['monthly', 4, 300_00],
      ['fortnightly', 9, 138_46],
      ['weekly', 18, 69_23],
    ]);
  });

  it('says why a frequency is unavailable', () => {
    const broke = computeOffers(policy, {
      ...debtor,
      monthlyIncomeMinor: 1_000_00,
      monthlyExpenditureMinor: 1_100_00,
    });
    expect(broke.plans).toEqual([]);
    expect(broke.unavailable.map((u) => u.reason)).toEqual([
      'no_disposable_income',
      'no_disposable_income',
      'no_disposable_income',
    ]);
    const tight = computeOffers(policy, {
      ...debtor,
      monthlyIncomeMinor: 1_050_00,
      monthlyExpenditureMinor: 1_000_00,
    });
    expect(tight.unavailable).toEqual([
      { frequency: 'monthly', reason: 'not_affordable_within_policy' },
      { frequency: 'fortnightly', reason: 'not_affordable_within_policy' },
      { frequency: 'weekly', reason: 'not_affordable_within_policy' },
    ]);
  });

  it('discounts a settlement by segment, rounded down for the debtor', () => {
    const offers = computeOffers(policy, { ...debtor, balanceMinor: 1_001, segment: 'early' });
    expect(offers.settlement).toEqual({
      segment: 'early',
      balanceMinor: 1_001,
      discountBasisPoints: 3_000,
      amountMinor: 700, // 70 % of 10.01 is 7.007
      discountMinor: 301,
      floorMinor: 500,
      payByDate: '2024-03-05',
    });
  });

  it('never settles below the policy floor', () => {
    const offers = computeOffers(policy, { ...debtor, segment: 'late' });
    expect(offers.settlement).toMatchObject({
      discountBasisPoints: 5_000,
      amountMinor: 600_00,
      floorMinor: 600_00,
    });
    expect(computeOffers(policy, { ...debtor, segment: 'unknown' }).settlement).toBeUndefined();
  });

  it.each<[string, Partial<PaymentPolicy>, Partial<DebtorSituation>, string]>([
    ['an empty frequency list', { frequencies: [] }, {}, 'policy.invalid'],
    ['a repeated frequency', { frequencies: ['weekly', 'weekly'] }, {}, 'policy.invalid'],
    ['a fractional term', { maxTermMonths: 1.5 }, {}, 'policy.invalid'],
    ['a 100 % discount', { settlementDiscounts: { early: 10_000 } }, {}, 'policy.invalid'],
    ['a float minimum instalment', { minInstalmentMinor: 0.5 }, {}, 'amount.invalid'],
    ['a balance in another currency', {}, { currency: 'GBP' }, 'currency.mismatch'],
    ['an impossible today', {}, { today: '2024-02-30' }, 'date.invalid'],
    ['income without expenditure', {}, { monthlyIncomeMinor: 1_000_00 }, 'affordability.invalid'],
    [
      'a float income',
      {},
      { monthlyIncomeMinor: 0.1, monthlyExpenditureMinor: 0 },
      'amount.invalid',
    ],
  ])('refuses %s', (_, policyChange, debtorChange, code) => {
    expect(() =>
      computeOffers({ ...policy, ...policyChange }, { ...debtor, ...debtorChange }),
    ).toThrow(expect.objectContaining({ code }) as PaymentPlanError);
  });
});
