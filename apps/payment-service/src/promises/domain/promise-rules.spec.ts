import { PaymentDomainError } from '../../shared/payment-errors';
import { isBroken, planPromise, promisePayment, promiseReversal } from './promise-rules';

const base = {
  amountMinor: 100_00,
  dueDate: '2024-03-29',
  balanceMinor: 500_00,
  today: '2024-03-20',
  timeZone: 'Europe/Madrid',
  graceDays: 2,
  maxDaysAhead: 30,
};

function refusal(input: typeof base): PaymentDomainError {
  try {
    planPromise(input);
  } catch (error) {
    if (error instanceof PaymentDomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('promise rules', () => {
  it('sets the deadline at the start of the day after due date + grace, across the DST change', () => {
    // 29 March + 2 days → broken from Monday 1 April 00:00 CEST (the clocks moved on 31 March).
    expect(planPromise(base).deadlineAt.toISOString()).toBe('2024-03-31T22:00:00.000Z');
    expect(
      planPromise({ ...base, dueDate: '2024-03-20', graceDays: 0 }).deadlineAt.toISOString(),
    ).toBe('2024-03-20T23:00:00.000Z');
  });

  it('refuses amounts and dates outside the rules', () => {
    expect(refusal({ ...base, amountMinor: 0 }).code).toBe('promise.invalid');
    expect(refusal({ ...base, amountMinor: 500_01 }).message).toMatch(/more than the balance/);
    expect(refusal({ ...base, dueDate: '2024-03-19' }).message).toMatch(
      /from 2024-03-20 to 2024-04-19/,
    );
    expect(refusal({ ...base, dueDate: '2024-04-20' }).code).toBe('promise.invalid');
    expect(refusal({ ...base, dueDate: '2024-02-30' }).message).toMatch(/calendar date/);
    expect(planPromise({ ...base, dueDate: '2024-04-19' }).deadlineAt).toBeInstanceOf(Date);
  });

  const promise = {
    amountMinor: 100_00,
    paidMinor: 0,
    madeAt: new Date('2024-03-20T10:00:00Z'),
    deadlineAt: new Date('2024-03-31T22:00:00Z'),
  };

  it('is kept when payments after it was made reach the amount before the deadline', () => {
    expect(
      promisePayment(promise, { amountMinor: 60_00, settledAt: new Date('2024-03-25T00:00:00Z') }),
    ).toEqual({ counts: true, paidMinor: 60_00, kept: false });
    expect(
      promisePayment(
        { ...promise, paidMinor: 60_00 },
        {
          amountMinor: 40_00,
          settledAt: new Date('2024-03-31T21:59:59Z'),
        },
      ),
    ).toEqual({ counts: true, paidMinor: 100_00, kept: true });
    expect(
      promisePayment(promise, { amountMinor: 100_00, settledAt: new Date('2024-03-31T22:00:00Z') }),
    ).toEqual({ counts: false, paidMinor: 0, kept: false });
    expect(
      promisePayment(promise, { amountMinor: 100_00, settledAt: new Date('2024-03-20T09:00:00Z') })
        .counts,
    ).toBe(false);
  });

  it('is broken once still open at its deadline', () => {
    expect(
      isBroken(
        { status: 'open', deadlineAt: promise.deadlineAt },
        new Date('2024-03-31T21:59:59Z'),
      ),
    ).toBe(false);
    expect(
      isBroken(
        { status: 'open', deadlineAt: promise.deadlineAt },
        new Date('2024-03-31T22:00:00Z'),
      ),
    ).toBe(true);
    expect(
      isBroken(
        { status: 'kept', deadlineAt: promise.deadlineAt },
        new Date('2024-04-30T00:00:00Z'),
      ),
    ).toBe(false);
  });

  it('a reversal takes back what was counted, never below zero', () => {
    expect(promiseReversal({ ...promise, paidMinor: 60_00 }, 40_00)).toBe(20_00);
    expect(promiseReversal({ ...promise, paidMinor: 60_00 }, 100_00)).toBe(0);
  });
});
