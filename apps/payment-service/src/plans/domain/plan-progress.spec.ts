import { buildSchedule } from '@clement/payment-plans';
import {
  applyPayment,
  evaluatePlan,
  type InstalmentProgress,
  takeBack,
  withChanges,
} from './plan-progress';

const rules = { instalmentGraceDays: 3, breakAfterMisses: 2 };

function plan(firstPaymentDate: string, instalments: number, total = 300_00): InstalmentProgress[] {
  return buildSchedule({
    totalMinor: total,
    currency: 'EUR',
    frequency: 'monthly',
    firstPaymentDate,
    instalments,
  }).instalments.map((i, index) => ({ number: index + 1, ...i, paidMinor: 0 }));
}

describe('plan progress', () => {
  it('is active until an instalment is past due + grace, then in arrears, then broken', () => {
    const instalments = plan('2024-01-31', 3);
    expect(instalments.map((i) => i.dueDate)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31']);
    expect(evaluatePlan(instalments, '2024-02-03', rules)).toMatchObject({
      status: 'active',
      missed: 0,
    });
    expect(evaluatePlan(instalments, '2024-02-04', rules)).toMatchObject({
      status: 'in_arrears',
      missed: 1,
    });
    // 29 Feb + 3 days of grace: missed from 4 March.
    expect(evaluatePlan(instalments, '2024-03-03', rules).status).toBe('in_arrears');
    expect(evaluatePlan(instalments, '2024-03-04', rules)).toMatchObject({
      status: 'broken',
      missed: 2,
    });
  });

  it('pays the earliest unpaid instalment first and fills the next ones with an advance', () => {
    const instalments = plan('2024-01-31', 3);
    const first = applyPayment(instalments, 150_00);
    expect(first).toEqual({
      changes: [
        { number: 1, paidMinor: 100_00 },
        { number: 2, paidMinor: 50_00 },
      ],
      appliedMinor: 150_00,
    });
    const after = withChanges(instalments, first.changes);
    expect(evaluatePlan(after, '2024-03-04', rules)).toMatchObject({
      status: 'in_arrears',
      missed: 1,
      remainingMinor: 150_00,
    });
    const rest = applyPayment(after, 200_00);
    expect(rest.appliedMinor).toBe(150_00);
    expect(evaluatePlan(withChanges(after, rest.changes), '2024-03-04', rules)).toMatchObject({
      status: 'completed',
      missed: 0,
      remainingMinor: 0,
    });
  });

  it('a late payment brings a plan in arrears back to active', () => {
    const instalments = plan('2024-01-31', 3);
    expect(evaluatePlan(instalments, '2024-02-10', rules).status).toBe('in_arrears');
    const paid = withChanges(instalments, applyPayment(instalments, 100_00).changes);
    expect(evaluatePlan(paid, '2024-02-10', rules).status).toBe('active');
  });

  it('a reversal takes back from the latest paid instalments first', () => {
    const paid = withChanges(plan('2024-01-31', 3), [
      { number: 1, paidMinor: 100_00 },
      { number: 2, paidMinor: 100_00 },
      { number: 3, paidMinor: 100_00 },
    ]);
    expect(evaluatePlan(paid, '2024-05-01', rules).status).toBe('completed');
    const reversal = takeBack(paid, 130_00);
    expect(reversal).toEqual({
      changes: [
        { number: 3, paidMinor: 0 },
        { number: 2, paidMinor: 70_00 },
      ],
      takenMinor: 130_00,
    });
    const reopened = withChanges(paid, reversal.changes);
    expect(evaluatePlan(reopened, '2024-03-03', rules).status).toBe('active');
    expect(evaluatePlan(reopened, '2024-03-20', rules)).toMatchObject({
      status: 'in_arrears',
      missed: 1,
    });
    expect(evaluatePlan(reopened, '2024-04-04', rules)).toMatchObject({
      status: 'broken',
      missed: 2,
    });
    expect(takeBack(reopened, 1_000_00).takenMinor).toBe(170_00);
  });

  it('keeps month-end due dates in the debtor calendar (31st → 30 April)', () => {
    const instalments = plan('2024-03-31', 2, 200_00);
    expect(instalments[1].dueDate).toBe('2024-04-30');
    expect(evaluatePlan(instalments, '2024-04-03', rules).missed).toBe(0);
    expect(evaluatePlan(instalments, '2024-04-04', rules).missed).toBe(1);
    expect(evaluatePlan(instalments, '2024-05-04', rules).missed).toBe(2);
  });
});
