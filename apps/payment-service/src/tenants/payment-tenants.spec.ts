import { parsePaymentTenants, PaymentTenantsError } from './payment-tenants';

const valid = {
  brand: 'Acme Lending',
  timeZone: 'Europe/Madrid',
  returnUrl: 'https://portal.acme.example/return',
  policy: {
    currency: 'EUR',
    minInstalmentMinor: 2_000,
    maxTermMonths: 12,
    frequencies: ['monthly'],
    firstPaymentWindowDays: 14,
    settlementDiscounts: {},
    settlementFloorBasisPoints: 6_000,
    refinancingOffered: false,
  },
};

function problems(tenants: Record<string, unknown>): readonly string[] {
  try {
    parsePaymentTenants(JSON.stringify({ tenants }));
    return [];
  } catch (error) {
    if (error instanceof PaymentTenantsError) return error.problems;
    throw error;
  }
}

describe('parsePaymentTenants', () => {
  it('reads a tenant with the defaults for what it leaves out', () => {
    const tenant = parsePaymentTenants(JSON.stringify({ tenants: { acme: valid } })).get('acme');
    expect(tenant).toMatchObject({
      tenantId: 'acme',
      allocation: 'oldest_first',
      promises: { graceDays: 2, maxDaysAhead: 30 },
      plans: { breakAfterMisses: 2, instalmentGraceDays: 3 },
      offerValidityHours: 24,
    });
  });

  it('names every problem at once', () => {
    expect(
      problems({
        Bad_Id: valid,
        acme: {
          ...valid,
          timeZone: 'Mars/Olympus',
          allocation: 'newest_first',
          returnUrl: 'ftp://x',
          promises: { graceDays: 99 },
          plans: { breakAfterMisses: 0 },
          policy: { ...valid.policy, maxTermMonths: 0 },
        },
      }),
    ).toEqual([
      'tenants.Bad_Id: not a tenant id',
      'tenants.acme.timeZone: unknown IANA zone',
      'tenants.acme.returnUrl: must be an http(s) URL',
      'tenants.acme.allocation: one of oldest_first, highest_balance_first, pro_rata',
      expect.stringMatching(/^tenants\.acme\.policy\.maxTermMonths: /),
      'tenants.acme.promises.graceDays: must be an integer 0–30',
      'tenants.acme.plans.breakAfterMisses: must be an integer 1–12',
    ]);
  });

  it('refuses what is not a tenants document', () => {
    expect(() => parsePaymentTenants('{')).toThrow(/not JSON/);
    expect(() => parsePaymentTenants('{"tenants": []}')).toThrow(/tenants: must be an object/);
  });
});
