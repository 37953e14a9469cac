import { matchCreditorPayment, type UnreconciledPayment } from './reconciliation';

const at = (iso: string) => new Date(iso);
const payments: UnreconciledPayment[] = [
  {
    paymentId: 'p-1',
    amountMinor: 7_500,
    allocations: [{ accountId: 'acc-1', amountMinor: 7_500 }],
    settledAt: at('2026-11-10T10:00:00Z'),
  },
  {
    paymentId: 'p-2',
    amountMinor: 10_000,
    allocations: [
      { accountId: 'acc-1', amountMinor: 4_000 },
      { accountId: 'acc-2', amountMinor: 6_000 },
    ],
    settledAt: at('2026-11-12T10:00:00Z'),
  },
];
const report = {
  reference: 'CRM-1',
  accountId: 'acc-1',
  amountMinor: 7_500,
  paidAt: at('2026-11-11T09:00:00Z'),
};

describe('matchCreditorPayment', () => {
  it("matches by reference when the CRM echoes Clement's payment id", () => {
    expect(matchCreditorPayment({ ...report, reference: 'p-2', amountMinor: 1 }, payments)).toEqual(
      {
        paymentId: 'p-2',
        matchedBy: 'reference',
      },
    );
  });

  it('matches by amount and date within three days', () => {
    expect(matchCreditorPayment(report, payments)).toEqual({
      paymentId: 'p-1',
      matchedBy: 'amount_and_date',
    });
  });

  it('matches the part of a split payment applied to the reported account', () => {
    expect(
      matchCreditorPayment({ ...report, amountMinor: 6_000, accountId: 'acc-2' }, payments),
    ).toEqual({ paymentId: 'p-2', matchedBy: 'amount_and_date' });
  });

  it('prefers the payment closest in time', () => {
    const twin = { ...payments[0], paymentId: 'p-0', settledAt: at('2026-11-09T00:00:00Z') };
    expect(matchCreditorPayment(report, [twin, payments[0]])?.paymentId).toBe('p-1');
  });

  it('leaves payments made elsewhere unmatched: other amount, other account, or too far apart', () => {
    expect(matchCreditorPayment({ ...report, amountMinor: 7_400 }, payments)).toBeUndefined();
    expect(matchCreditorPayment({ ...report, amountMinor: 6_000 }, payments)).toBeUndefined();
    expect(
      matchCreditorPayment({ ...report, paidAt: at('2026-11-14T10:00:01Z') }, payments),
    ).toBeUndefined();
    expect(matchCreditorPayment(report, [])).toBeUndefined();
  });
});
