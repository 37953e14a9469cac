import fc from 'fast-check';
import { type AccountBalance, allocatePayment, reversePayment } from './allocation';

const day = (n: number) => new Date(Date.UTC(2026, 0, n));

const accounts: AccountBalance[] = [
  { accountId: 'card', balanceMinor: 12_000, daysPastDue: 40, placedAt: day(1) },
  { accountId: 'loan', balanceMinor: 30_000, daysPastDue: 95, placedAt: day(2) },
  { accountId: 'overdraft', balanceMinor: 5_000, daysPastDue: 95, placedAt: day(1) },
];

describe('allocatePayment', () => {
  it('pays the account longest in arrears first, then by placement', () => {
    expect(allocatePayment(36_000, accounts, 'oldest_first')).toEqual({
      allocations: [
        { accountId: 'overdraft', amountMinor: 5_000 },
        { accountId: 'loan', amountMinor: 30_000 },
        { accountId: 'card', amountMinor: 1_000 },
      ],
      unallocatedMinor: 0,
    });
  });

  it('pays the largest balance first under highest_balance_first', () => {
    expect(allocatePayment(31_000, accounts, 'highest_balance_first').allocations).toEqual([
      { accountId: 'loan', amountMinor: 30_000 },
      { accountId: 'card', amountMinor: 1_000 },
    ]);
  });

  it('splits in proportion to the balances, the odd units to the largest remainders', () => {
    const { allocations } = allocatePayment(100, accounts, 'pro_rata');
    // 100 × 30/47 = 63.8, × 12/47 = 25.5, × 5/47 = 10.6: floors 63 + 25 + 10 = 98, two left over.
    expect(allocations).toEqual([
      { accountId: 'overdraft', amountMinor: 11 },
      { accountId: 'loan', amountMinor: 64 },
      { accountId: 'card', amountMinor: 25 },
    ]);
  });

  it('clears every account and keeps the rest as credit when the payment is more than owed', () => {
    expect(allocatePayment(50_000, accounts, 'pro_rata')).toEqual({
      allocations: [
        { accountId: 'overdraft', amountMinor: 5_000 },
        { accountId: 'loan', amountMinor: 30_000 },
        { accountId: 'card', amountMinor: 12_000 },
      ],
      unallocatedMinor: 3_000,
    });
  });

  it('skips accounts already paid off and refuses non-positive or fractional amounts', () => {
    const paidOff = [{ ...accounts[0], balanceMinor: 0 }, accounts[1]];
    expect(allocatePayment(10, paidOff, 'oldest_first').allocations).toEqual([
      { accountId: 'loan', amountMinor: 10 },
    ]);
    expect(() => allocatePayment(0, accounts, 'oldest_first')).toThrow(RangeError);
    expect(() => allocatePayment(1.5, accounts, 'oldest_first')).toThrow(RangeError);
  });

  it('always adds up exactly and never pays an account more than it owes (property)', () => {
    const account = fc.record({
      balanceMinor: fc.integer({ min: 0, max: 5_000_000 }),
      daysPastDue: fc.integer({ min: 0, max: 400 }),
      placedDay: fc.integer({ min: 1, max: 28 }),
    });
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 40_000_000 }),
        fc.constantFrom(
          'oldest_first' as const,
          'highest_balance_first' as const,
          'pro_rata' as const,
        ),
        (raw, amount, policy) => {
          const balances = raw.map((a, i) => ({
            accountId: `a${i}`,
            balanceMinor: a.balanceMinor,
            daysPastDue: a.daysPastDue,
            placedAt: day(a.placedDay),
          }));
          const { allocations, unallocatedMinor } = allocatePayment(amount, balances, policy);
          const applied = allocations.reduce((sum, a) => sum + a.amountMinor, 0);
          expect(applied + unallocatedMinor).toBe(amount);
          for (const allocation of allocations) {
            const owed = balances.find((b) => b.accountId === allocation.accountId)!.balanceMinor;
            expect(allocation.amountMinor).toBeGreaterThan(0);
            expect(allocation.amountMinor).toBeLessThanOrEqual(owed);
          }
          const owedInTotal = balances.reduce((sum, b) => sum + b.balanceMinor, 0);
          expect(unallocatedMinor).toBe(Math.max(0, amount - owedInTotal));
        },
      ),
    );
  });
});

describe('reversePayment', () => {
  const payment = {
    allocations: [
      { accountId: 'loan', amountMinor: 30_000 },
      { accountId: 'card', amountMinor: 5_000 },
    ],
    unallocatedMinor: 2_000,
  };

  it('takes back the credit first, then the last allocation', () => {
    expect(reversePayment(payment, 0, 3_000)).toEqual({
      fromCreditMinor: 2_000,
      reversedAllocations: [{ accountId: 'card', amountMinor: 1_000 }],
    });
  });

  it('carries on where the previous reversal stopped', () => {
    expect(reversePayment(payment, 3_000, 10_000)).toEqual({
      fromCreditMinor: 0,
      reversedAllocations: [
        { accountId: 'card', amountMinor: 4_000 },
        { accountId: 'loan', amountMinor: 6_000 },
      ],
    });
  });

  it('refuses to take back more than is left of the payment', () => {
    expect(() => reversePayment(payment, 30_000, 7_001)).toThrow(/7000 of the payment is left/);
  });

  it('successive partial reversals add up to the payment, each unit once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9_000 }), { minLength: 1, maxLength: 8 }),
        (parts) => {
          let done = 0;
          const back = new Map<string, number>();
          let credit = 0;
          for (const part of parts) {
            const amount = Math.min(part, 37_000 - done);
            if (amount <= 0) break;
            const result = reversePayment(payment, done, amount);
            credit += result.fromCreditMinor;
            for (const a of result.reversedAllocations)
              back.set(a.accountId, (back.get(a.accountId) ?? 0) + a.amountMinor);
            done += amount;
          }
          expect(credit + [...back.values()].reduce((s, v) => s + v, 0)).toBe(done);
          expect(credit).toBeLessThanOrEqual(2_000);
          expect(back.get('card') ?? 0).toBeLessThanOrEqual(5_000);
          expect(back.get('loan') ?? 0).toBeLessThanOrEqual(30_000);
        },
      ),
    );
  });
});
