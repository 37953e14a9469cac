import { bookBalanceUpdate } from './balance-update';

describe('bookBalanceUpdate', () => {
  const pending = [
    { reference: 'BT-1', amountMinor: 2_500 },
    { reference: 'BT-2', amountMinor: 1_000 },
  ];

  it('explains a fall by the reported payments, oldest first, each in full', () => {
    expect(bookBalanceUpdate(-3_500, pending)).toEqual({
      creditorPayments: [
        { reference: 'BT-1', amountMinor: 2_500 },
        { reference: 'BT-2', amountMinor: 1_000 },
      ],
      adjustmentMinor: 0,
    });
  });

  it('books what the payments do not explain as an adjustment', () => {
    expect(bookBalanceUpdate(-3_000, pending)).toEqual({
      creditorPayments: [{ reference: 'BT-1', amountMinor: 2_500 }],
      adjustmentMinor: -500,
    });
  });

  it('never books a payment against a rise, or part of a payment', () => {
    expect(bookBalanceUpdate(400, pending)).toEqual({ creditorPayments: [], adjustmentMinor: 400 });
    expect(bookBalanceUpdate(-2_000, pending)).toEqual({
      creditorPayments: [],
      adjustmentMinor: -2_000,
    });
  });
});
