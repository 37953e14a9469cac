import fc from 'fast-check';
import { daysInMonth, parseLocalDate, type LocalDate } from './local-date';
import { computeOffers, maxInstalments, type DebtorSituation, type PaymentPolicy } from './offers';
import { FREQUENCIES, MAX_INSTALMENTS, buildSchedule, type Frequency } from './schedule';

const RUNS = { numRuns: 500 };
const pad = (n: number) => String(n).padStart(2, '0');
const iso = (year: number, month: number, day: number): LocalDate =>
  `${year}-${pad(month)}-${pad(day)}`;

/** A calendar date, biased towards month ends, 29 February and century years. */
const calendarDate = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 1900, max: 2400 }),
      fc.constantFrom(1900, 2000, 2023, 2024, 2100, 2400),
    ),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(28, 29, 30, 31)),
  })
  .map(({ year, month, day }) => ({ year, month, day: Math.min(day, daysInMonth(year, month)) }));
const localDate = calendarDate.map(({ year, month, day }) => iso(year, month, day));

/** A monthly plan's anchor day and a first date on it (clamped when the month is short). */
const monthlyStart = fc
  .record({
    year: fc.integer({ min: 1900, max: 2400 }),
    month: fc.integer({ min: 1, max: 12 }),
    paymentDay: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(28, 29, 30, 31)),
  })
  .map(({ year, month, paymentDay }) => ({
    paymentDay,
    firstPaymentDate: iso(year, month, Math.min(paymentDay, daysInMonth(year, month))),
  }));

const amount = fc.oneof(
  fc.integer({ min: 1, max: 1_000_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

/** An independent check that a string is a real date: the platform's own ISO round trip. */
function isRealDate(value: LocalDate): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const dayNumber = (value: LocalDate) => Date.parse(`${value}T00:00:00Z`) / 86_400_000;
const monthIndex = (value: LocalDate) => {
  const { year, month } = parseLocalDate(value);
  return year * 12 + month;
};

describe('buildSchedule properties', () => {
  it('splits any total into instalments that sum exactly and differ by at most one unit', () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 1, max: MAX_INSTALMENTS }),
        fc.constantFrom(...FREQUENCIES),
        localDate,
        (totalMinor, wanted, frequency, firstPaymentDate) => {
          const instalments = Math.min(wanted, totalMinor);
          const schedule = buildSchedule({
            totalMinor,
            currency: 'EUR',
            frequency,
            firstPaymentDate,
            instalments,
          });
          const amounts = schedule.instalments.map((i) => i.amountMinor);
          expect(amounts).toHaveLength(instalments);
          expect(amounts.reduce((sum, a) => sum + a, 0)).toBe(totalMinor);
          expect(Math.min(...amounts)).toBeGreaterThanOrEqual(1);
          expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
          // The extra units come first: amounts never go up.
          expect(amounts.every((a, i) => i === 0 || a <= amounts[i - 1])).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('pays a fixed instalment amount with only the last instalment smaller', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        localDate,
        (totalMinor, instalmentMinor, firstPaymentDate) => {
          fc.pre(Math.ceil(totalMinor / instalmentMinor) <= MAX_INSTALMENTS);
          const amounts = buildSchedule({
            totalMinor,
            currency: 'EUR',
            frequency: 'weekly',
            firstPaymentDate,
            instalmentMinor,
          }).instalments.map((i) => i.amountMinor);
          expect(amounts.reduce((sum, a) => sum + a, 0)).toBe(totalMinor);
          const last = amounts[amounts.length - 1];
          const regular = Math.min(instalmentMinor, totalMinor);
          expect(amounts.slice(0, -1).every((a) => a === regular)).toBe(true);
          expect(last).toBeGreaterThanOrEqual(1);
          expect(last).toBeLessThanOrEqual(instalmentMinor);
        },
      ),
      RUNS,
    );
  });

  it('spaces weekly and fortnightly due dates exactly 7 and 14 days apart', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Frequency>('weekly', 'fortnightly'),
        localDate,
        fc.integer({ min: 1, max: MAX_INSTALMENTS }),
        (frequency, firstPaymentDate, instalments) => {
          const dates = buildSchedule({
            totalMinor: 1_000_000,
            currency: 'EUR',
            frequency,
            firstPaymentDate,
            instalments,
          }).instalments.map((i) => i.dueDate);
          expect(dates[0]).toBe(firstPaymentDate);
          const gap = frequency === 'weekly' ? 7 : 14;
          expect(dates.every(isRealDate)).toBe(true);
          const gaps = dates.slice(1).map((date, i) => dayNumber(date) - dayNumber(dates[i]));
          expect(gaps.every((g) => g === gap)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('falls due once a month on the payment day, clamped to month ends, strictly increasing', () => {
    fc.assert(
      fc.property(
        monthlyStart,
        fc.integer({ min: 1, max: 120 }),
        ({ paymentDay, firstPaymentDate }, instalments) => {
          const schedule = buildSchedule({
            totalMinor: 1_000_000,
            currency: 'EUR',
            frequency: 'monthly',
            firstPaymentDate,
            paymentDay,
            instalments,
          });
          const dates = schedule.instalments.map((i) => i.dueDate);
          expect(dates[0]).toBe(firstPaymentDate);
          const wrong = dates.filter((date, i) => {
            const { year, month, day } = parseLocalDate(date);
            return (
              !isRealDate(date) ||
              // The payment day where the month has it, else the month's last day.
              day !== Math.min(paymentDay, daysInMonth(year, month)) ||
              (i > 0 &&
                (monthIndex(date) - monthIndex(dates[i - 1]) !== 1 ||
                  dayNumber(date) <= dayNumber(dates[i - 1])))
            );
          });
          expect(wrong).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(
        amount,
        fc.constantFrom(...FREQUENCIES),
        localDate,
        (totalMinor, frequency, date) => {
          const request = {
            totalMinor,
            currency: 'EUR',
            frequency,
            firstPaymentDate: date,
            instalments: 1 + (totalMinor % 30),
          };
          fc.pre(request.instalments <= totalMinor);
          expect(buildSchedule({ ...request })).toEqual(buildSchedule({ ...request }));
        },
      ),
    );
  });
});

const SEGMENTS = ['early', 'late', 'vulnerable'];

const policyArb: fc.Arbitrary<PaymentPolicy> = fc.record({
  currency: fc.constant('EUR'),
  minInstalmentMinor: fc.oneof(
    fc.integer({ min: 1, max: 100_00 }),
    fc.integer({ min: 1, max: 10_000_00 }),
  ),
  maxTermMonths: fc.integer({ min: 1, max: 120 }),
  frequencies: fc.shuffledSubarray([...FREQUENCIES], { minLength: 1 }),
  firstPaymentWindowDays: fc.integer({ min: 0, max: 90 }),
  settlementDiscounts: fc.dictionary(
    fc.constantFrom(...SEGMENTS),
    fc.integer({ min: 0, max: 9_999 }),
  ),
  settlementFloorBasisPoints: fc.integer({ min: 0, max: 10_000 }),
  refinancingOffered: fc.boolean(),
});

const debtorArb: fc.Arbitrary<DebtorSituation> = fc
  .record({
    balanceMinor: fc.oneof(
      fc.integer({ min: 1, max: 10_000_00 }),
      fc.integer({ min: 1, max: 1_000_000_000_00 }),
    ),
    today: localDate,
    segment: fc.option(fc.constantFrom(...SEGMENTS, 'unlisted'), { nil: undefined }),
    budget: fc.option(
      fc.record({
        monthlyIncomeMinor: fc.integer({ min: 0, max: 20_000_00 }),
        monthlyExpenditureMinor: fc.integer({ min: 0, max: 20_000_00 }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ budget, segment, ...rest }) => ({
    ...rest,
    currency: 'EUR',
    ...(segment === undefined ? {} : { segment }),
    ...(budget ?? {}),
  }));

describe('computeOffers properties', () => {
  it('offers only plans whose every instalment count builds a schedule within policy and budget', () => {
    fc.assert(
      fc.property(
        policyArb,
        debtorArb,
        fc.nat(),
        fc.nat(),
        (policy, debtor, pickCount, pickDay) => {
          const offers = computeOffers(policy, debtor);
          expect([...offers.plans, ...offers.unavailable].map((p) => p.frequency).sort()).toEqual(
            [...policy.frequencies].sort(),
          );
          for (const plan of offers.plans) {
            const most = maxInstalments(policy.maxTermMonths, plan.frequency);
            const { shortest, longest } = plan;
            expect(shortest.instalments).toBeGreaterThanOrEqual(1);
            expect(shortest.instalments).toBeLessThanOrEqual(longest.instalments);
            expect(longest.instalments).toBeLessThanOrEqual(most);
            const span = longest.instalments - shortest.instalments + 1;
            for (const instalments of [
              shortest.instalments,
              longest.instalments,
              shortest.instalments + (pickCount % span),
            ]) {
              const window = policy.firstPaymentWindowDays + 1;
              const first = new Date((dayNumber(debtor.today) + (pickDay % window)) * 86_400_000);
              const firstPaymentDate = first.toISOString().slice(0, 10);
              expect(firstPaymentDate <= plan.firstPaymentDates.latest).toBe(true);
              const amounts = buildSchedule({
                totalMinor: debtor.balanceMinor,
                currency: 'EUR',
                frequency: plan.frequency,
                firstPaymentDate,
                instalments,
              }).instalments.map((i) => i.amountMinor);
              expect(amounts.reduce((sum, a) => sum + a, 0)).toBe(debtor.balanceMinor);
              const floor = Math.min(policy.minInstalmentMinor, debtor.balanceMinor);
              expect(Math.min(...amounts)).toBeGreaterThanOrEqual(floor);
              const budget = plan.affordableInstalmentMinor ?? Number.MAX_SAFE_INTEGER;
              expect(Math.max(...amounts)).toBeLessThanOrEqual(budget);
            }
          }
        },
      ),
      RUNS,
    );
  });

  it('offers the whole range: one more instalment or one fewer would break a limit', () => {
    fc.assert(
      fc.property(policyArb, debtorArb, (policy, debtor) => {
        const balance = debtor.balanceMinor;
        for (const plan of computeOffers(policy, debtor).plans) {
          const longer = plan.longest.instalments + 1;
          const breaksLonger =
            longer > maxInstalments(policy.maxTermMonths, plan.frequency) ||
            longer > balance ||
            Math.floor(balance / longer) < policy.minInstalmentMinor;
          expect(breaksLonger).toBe(true);
          const shorter = plan.shortest.instalments - 1;
          if (shorter >= 1) {
            expect(Math.ceil(balance / shorter)).toBeGreaterThan(plan.affordableInstalmentMinor!);
          }
        }
      }),
      RUNS,
    );
  });

  it('settles for no more than the balance and no less than the floor, in the debtor’s favour', () => {
    fc.assert(
      fc.property(policyArb, debtorArb, (policy, debtor) => {
        const settlement = computeOffers(policy, debtor).settlement;
        const listed = debtor.segment !== undefined && debtor.segment in policy.settlementDiscounts;
        expect(settlement !== undefined).toBe(listed);
        if (!settlement) return;
        const balance = debtor.balanceMinor;
        expect(settlement.amountMinor).toBeGreaterThanOrEqual(1);
        expect(settlement.amountMinor).toBeLessThanOrEqual(balance);
        expect(settlement.amountMinor).toBeGreaterThanOrEqual(settlement.floorMinor);
        expect(settlement.amountMinor + settlement.discountMinor).toBe(balance);
        expect(settlement.discountBasisPoints).toBeLessThanOrEqual(
          policy.settlementDiscounts[debtor.segment!],
        );
        // Exact in bigint: the amount is the discounted balance rounded down (or one unit).
        const exact = (BigInt(balance) * BigInt(10_000 - settlement.discountBasisPoints)) / 10_000n;
        expect(BigInt(settlement.amountMinor)).toBe(exact > 0n ? exact : 1n);
        expect(
          BigInt(settlement.floorMinor) * 10_000n <=
            BigInt(balance) * BigInt(policy.settlementFloorBasisPoints),
        ).toBe(true);
        expect(settlement.payByDate).toBe(
          new Date((dayNumber(debtor.today) + policy.firstPaymentWindowDays) * 86_400_000)
            .toISOString()
            .slice(0, 10),
        );
      }),
      RUNS,
    );
  });

  it('never takes a plan away when the debtor can afford more', () => {
    fc.assert(
      fc.property(
        policyArb,
        debtorArb,
        fc.integer({ min: 0, max: 5_000_00 }),
        (policy, debtor, extra) => {
          fc.pre(debtor.monthlyIncomeMinor !== undefined);
          const richer = { ...debtor, monthlyIncomeMinor: debtor.monthlyIncomeMinor! + extra };
          const before = computeOffers(policy, debtor).plans;
          const after = computeOffers(policy, richer).plans;
          for (const plan of before) {
            const same = after.find((p) => p.frequency === plan.frequency);
            expect(same).toBeDefined();
            expect(same!.shortest.instalments).toBeLessThanOrEqual(plan.shortest.instalments);
          }
        },
      ),
    );
  });

  it('is deterministic and leaves its inputs alone', () => {
    fc.assert(
      fc.property(policyArb, debtorArb, (policy, debtor) => {
        const snapshot = JSON.stringify([policy, debtor]);
        expect(computeOffers(policy, debtor)).toEqual(computeOffers(policy, debtor));
        expect(JSON.stringify([policy, debtor])).toBe(snapshot);
      }),
    );
  });
});
