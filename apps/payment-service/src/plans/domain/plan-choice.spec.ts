import { computeOffers, type PaymentPolicy } from '@clement/payment-plans';
import type { StoredOffer } from '../../offers/domain/stored-offer';
import { PaymentDomainError } from '../../shared/payment-errors';
import { type PlanChoice, validatePlanChoice } from './plan-choice';

const policy: PaymentPolicy = {
  currency: 'EUR',
  minInstalmentMinor: 50_00,
  maxTermMonths: 12,
  frequencies: ['monthly', 'weekly'],
  firstPaymentWindowDays: 14,
  settlementDiscounts: { early: 2000 },
  settlementFloorBasisPoints: 6000,
  refinancingOffered: false,
};

function storedOffer(overrides: Partial<Parameters<typeof computeOffers>[1]> = {}): StoredOffer {
  const offers = computeOffers(policy, {
    balanceMinor: 1_200_00,
    currency: 'EUR',
    today: '2024-02-20',
    segment: 'early',
    ...overrides,
  });
  return {
    offerId: 'offer-1',
    tenantId: 't',
    caseId: 'c',
    debtorId: 'd',
    offers,
    today: '2024-02-20',
    timeZone: 'Europe/Madrid',
    segment: 'early',
    affordabilityAssessed: overrides.monthlyIncomeMinor !== undefined,
    minInstalmentMinor: policy.minInstalmentMinor,
    maxTermMonths: policy.maxTermMonths,
    createdAt: new Date('2024-02-20T10:00:00Z'),
    expiresAt: new Date('2024-02-21T10:00:00Z'),
  };
}

const context = {
  now: new Date('2024-02-20T12:00:00Z'),
  today: '2024-02-20',
  balanceMinor: 1_200_00,
};

function refusal(offer: StoredOffer, choice: PlanChoice, ctx = context): PaymentDomainError {
  try {
    validatePlanChoice(offer, choice, ctx);
  } catch (error) {
    if (error instanceof PaymentDomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validatePlanChoice', () => {
  it('accepts a plan within the offer, by count or by amount', () => {
    const offer = storedOffer();
    expect(
      validatePlanChoice(
        offer,
        { frequency: 'monthly', instalments: 6, firstPaymentDate: '2024-03-01' },
        context,
      ),
    ).toEqual({
      settlement: false,
      schedule: {
        totalMinor: 1_200_00,
        currency: 'EUR',
        frequency: 'monthly',
        firstPaymentDate: '2024-03-01',
        instalments: 6,
      },
    });
    expect(
      validatePlanChoice(
        offer,
        { frequency: 'weekly', instalmentMinor: 100_00, firstPaymentDate: '2024-03-05' },
        context,
      ).schedule.instalmentMinor,
    ).toBe(100_00);
  });

  it('refuses counts outside shortest..longest and amounts below the minimum', () => {
    const offer = storedOffer();
    expect(
      refusal(offer, { frequency: 'monthly', instalments: 13, firstPaymentDate: '2024-03-01' })
        .code,
    ).toBe('plan.outside_offer');
    expect(
      refusal(offer, {
        frequency: 'weekly',
        instalmentMinor: 40_00,
        firstPaymentDate: '2024-03-01',
      }).message,
    ).toMatch(/at least 5000/);
    expect(
      refusal(offer, { frequency: 'monthly', instalments: 0, firstPaymentDate: '2024-03-01' }).code,
    ).toBe('plan.outside_offer');
  });

  it('refuses a first payment date outside the window or in the past', () => {
    const offer = storedOffer();
    expect(
      refusal(offer, { frequency: 'monthly', instalments: 6, firstPaymentDate: '2024-03-06' })
        .message,
    ).toMatch(/between 2024-02-20 and 2024-03-05/);
    expect(
      refusal(
        offer,
        { frequency: 'monthly', instalments: 6, firstPaymentDate: '2024-02-20' },
        {
          ...context,
          today: '2024-02-21',
        },
      ).message,
    ).toMatch(/in the past/);
  });

  it('refuses a frequency not offered or unavailable, with the reason', () => {
    const offer = storedOffer({ monthlyIncomeMinor: 1_000_00, monthlyExpenditureMinor: 1_000_00 });
    expect(
      refusal(offer, { frequency: 'weekly', instalments: 10, firstPaymentDate: '2024-03-01' })
        .message,
    ).toBe('weekly plans are unavailable: no_disposable_income');
    expect(
      refusal(storedOffer(), {
        frequency: 'fortnightly',
        instalments: 4,
        firstPaymentDate: '2024-03-01',
      }).message,
    ).toBe('fortnightly plans were not offered');
  });

  it('refuses more than the stated budget allows', () => {
    const offer = storedOffer({ monthlyIncomeMinor: 2_000_00, monthlyExpenditureMinor: 1_800_00 });
    expect(
      refusal(offer, {
        frequency: 'monthly',
        instalmentMinor: 300_00,
        firstPaymentDate: '2024-03-01',
      }).message,
    ).toMatch(/affordable 20000/);
  });

  it('accepts the settlement only as offered: one payment of its amount by its date', () => {
    const offer = storedOffer();
    const ok = validatePlanChoice(
      offer,
      { settlement: true, firstPaymentDate: '2024-03-05' },
      context,
    );
    expect(ok).toEqual({
      settlement: true,
      schedule: {
        totalMinor: 960_00,
        currency: 'EUR',
        frequency: 'monthly',
        firstPaymentDate: '2024-03-05',
        instalments: 1,
      },
    });
    expect(refusal(offer, { settlement: true, firstPaymentDate: '2024-03-06' }).message).toMatch(
      /due by 2024-03-05/,
    );
    expect(
      refusal(offer, { settlement: true, instalments: 2, firstPaymentDate: '2024-03-01' }).message,
    ).toMatch(/one instalment/);
    expect(
      refusal(storedOffer({ segment: 'late' }), {
        settlement: true,
        firstPaymentDate: '2024-03-01',
      }).message,
    ).toBe('no settlement was offered');
  });

  it('sends the debtor back for a new offer when it expired or the balance moved', () => {
    const offer = storedOffer();
    const choice = { frequency: 'monthly', instalments: 6, firstPaymentDate: '2024-03-01' };
    expect(refusal(offer, choice, { ...context, now: new Date('2024-02-21T10:00:00Z') }).code).toBe(
      'offer.expired',
    );
    expect(refusal(offer, choice, { ...context, balanceMinor: 1_100_00 }).code).toBe(
      'offer.expired',
    );
  });
});
