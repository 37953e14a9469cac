import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { crmV1, paymentV1 } from '@clement/contracts';
import type { CaseLifecycleState, ResumableStatus } from '../../cases/domain/case-lifecycle';
import { CaseLifecycle } from '../../cases/domain/case-lifecycle';
import {
  allocationLines,
  crmFrequency,
  crmPaymentMethod,
  netAllocations,
  outcomeOfPlanEnd,
  PaymentBreachCode,
  PaymentContractBreach,
  paymentEventProblems,
  paymentMoves,
  resolutionAfterPayment,
  reversalMoves,
  stepForPlanAgreed,
} from './payment-decisions';

const CASE = '0b7f6a3e-6f1d-4a57-9d7e-1c2b3a4d5e6f';
const DEBTOR = '5d2c1b0a-9e8f-4d7c-8b6a-5f4e3d2c1b0a';
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

const eur = (amountMinor: bigint, currency = 'EUR') => ({ amountMinor, currency });

type SucceededInit = Exclude<
  MessageInitShape<typeof paymentV1.PaymentSucceededSchema>,
  paymentV1.PaymentSucceeded
>;

function succeeded(overrides: SucceededInit = {}) {
  return create(paymentV1.PaymentSucceededSchema, {
    paymentId: 'pay-1',
    caseId: CASE,
    debtorId: DEBTOR,
    amount: eur(10_000n),
    allocations: [
      { accountId: A, amount: eur(6_000n) },
      { accountId: B, amount: eur(4_000n) },
    ],
    method: paymentV1.PaymentMethod.CARD,
    ...overrides,
  });
}

function state(status: CaseLifecycleState['status'], before: ResumableStatus = 'active') {
  return CaseLifecycle.restore({
    status,
    statusBeforeHold: status === 'on_hold' ? before : null,
    resolution: status === 'resolved' ? 'paid_in_full' : null,
  }).state;
}

function breachOf(action: () => unknown): PaymentContractBreach {
  try {
    action();
  } catch (error) {
    if (error instanceof PaymentContractBreach) return error;
    throw error;
  }
  throw new Error('expected a breach');
}

describe('paymentEventProblems', () => {
  it('accepts a payment whose allocations and overpayment add up to its amount', () => {
    expect(paymentEventProblems(succeeded())).toEqual([]);
    expect(
      paymentEventProblems(
        succeeded({
          amount: eur(12_000n),
          unallocated: eur(2_000n),
        }),
      ),
    ).toEqual([]);
  });

  it('names every broken field', () => {
    const problems = paymentEventProblems(
      succeeded({
        paymentId: '',
        caseId: 'not-a-uuid',
        debtorId: '',
        amount: eur(-5n, 'eur'),
        allocations: [{ accountId: A, amount: eur(0n) }, { accountId: 'x' }],
      }),
    );
    expect(problems).toEqual([
      'case_id: must be a UUID',
      'debtor_id: is required',
      'payment_id: is required',
      'amount.currency: must be an ISO 4217 code such as "EUR"',
      'amount.amount_minor: must be positive',
      'allocations[0].amount.amount_minor: must be positive',
      'allocations[1].account_id: must be a UUID',
      'allocations[1].amount: is required',
    ]);
  });

  it('refuses allocations that do not add up, and amounts in two currencies', () => {
    expect(paymentEventProblems(succeeded({ amount: eur(9_999n) }))).toEqual([
      'allocations: must add up to amount minus unallocated',
    ]);
    expect(
      paymentEventProblems(
        succeeded({ allocations: [{ accountId: A, amount: eur(10_000n, 'GBP') }] }),
      ),
    ).toEqual(["allocations[0].amount.currency: must be EUR, like the event's other amounts"]);
  });

  it('refuses a reversal that takes back more than its amount', () => {
    const refund = create(paymentV1.PaymentRefundedSchema, {
      paymentId: 'pay-1',
      refundId: 'ref-1',
      caseId: CASE,
      debtorId: DEBTOR,
      amount: eur(1_000n),
      reversedAllocations: [{ accountId: A, amount: eur(1_001n) }],
    });
    expect(paymentEventProblems(refund)).toEqual([
      'reversed_allocations: must not add up to more than amount',
    ]);
    const chargeback = create(paymentV1.PaymentChargedBackSchema, {
      paymentId: 'pay-1',
      caseId: CASE,
      debtorId: DEBTOR,
      amount: eur(1_000n),
    });
    expect(paymentEventProblems(chargeback)).toEqual(['chargeback_id: is required']);
  });

  it('checks a plan’s schedule and frequency', () => {
    const plan = create(paymentV1.PlanCreatedSchema, {
      planId: 'plan-1',
      caseId: CASE,
      debtorId: DEBTOR,
      total: eur(3_000n),
      instalments: [
        { dueDate: '2026-12-01', amount: eur(1_000n) },
        { dueDate: '2026-13-01', amount: eur(2_000n) },
      ],
      frequency: 'yearly',
    });
    expect(paymentEventProblems(plan)).toEqual([
      'instalments[1].due_date: must be a date "YYYY-MM-DD"',
      'frequency: must be "weekly", "fortnightly" or "monthly"',
    ]);
    expect(
      paymentEventProblems(
        create(paymentV1.PlanCreatedSchema, { ...plan, instalments: [], frequency: 'toString' }),
      ),
    ).toEqual([
      'instalments: must not be empty',
      'frequency: must be "weekly", "fortnightly" or "monthly"',
    ]);
  });

  it('needs the ids of plan and promise events', () => {
    expect(
      paymentEventProblems(
        create(paymentV1.PlanBreachedSchema, { caseId: CASE, debtorId: DEBTOR }),
      ),
    ).toEqual(['plan_id: is required']);
    expect(
      paymentEventProblems(
        create(paymentV1.PromiseMadeSchema, {
          promiseId: 'pr-1',
          caseId: CASE,
          debtorId: DEBTOR,
          amount: eur(500n),
          dueDate: '2026-12-24',
        }),
      ),
    ).toEqual([]);
    expect(
      paymentEventProblems(
        create(paymentV1.PromiseBrokenSchema, {
          promiseId: 'pr-1',
          caseId: CASE,
          debtorId: DEBTOR,
          paid: eur(-1n),
        }),
      ),
    ).toEqual(['paid.amount_minor: must be non-negative']);
  });
});

describe('paymentMoves', () => {
  const accounts = [
    { accountId: A, balanceMinor: 10_000n },
    { accountId: B, balanceMinor: 5_000n },
    { accountId: C, balanceMinor: 0n },
  ];

  it('takes each allocation off its account, with the case total after each', () => {
    expect(paymentMoves(accounts, allocationLines(succeeded().allocations))).toEqual([
      { accountId: A, beforeMinor: 10_000n, afterMinor: 4_000n, totalAfterMinor: 9_000n },
      { accountId: B, beforeMinor: 5_000n, afterMinor: 1_000n, totalAfterMinor: 5_000n },
    ]);
  });

  it('adds up several allocations to one account into one move', () => {
    const lines = [
      { accountId: B, amountMinor: 1_000n },
      { accountId: B, amountMinor: 4_000n },
    ];
    expect(paymentMoves(accounts, lines)).toEqual([
      { accountId: B, beforeMinor: 5_000n, afterMinor: 0n, totalAfterMinor: 10_000n },
    ]);
  });

  it('matches account ids whatever their case', () => {
    const lines = allocationLines([
      create(paymentV1.AllocationSchema, { accountId: A.toUpperCase(), amount: eur(1n) }),
    ]);
    expect(paymentMoves(accounts, lines)[0]?.accountId).toBe(A);
  });

  it('stops a balance at zero when the creditor lowered it after the allocation was made', () => {
    expect(paymentMoves(accounts, [{ accountId: B, amountMinor: 5_001n }])).toEqual([
      { accountId: B, beforeMinor: 5_000n, afterMinor: 0n, totalAfterMinor: 10_000n },
    ]);
  });

  it('refuses an account of another case', () => {
    const other = 'dddddddd-0000-4000-8000-000000000004';
    expect(
      breachOf(() => paymentMoves(accounts, [{ accountId: other, amountMinor: 1n }])),
    ).toMatchObject({
      code: PaymentBreachCode.AccountNotOnCase,
    });
  });
});

describe('reversalMoves', () => {
  const accounts = [
    { accountId: A, balanceMinor: 0n },
    { accountId: B, balanceMinor: 1_000n },
  ];
  const paid = [
    { accountId: A, amountMinor: 6_000n },
    { accountId: B, amountMinor: 4_000n },
  ];

  it('adds reversed allocations back to the accounts', () => {
    const moves = reversalMoves(
      accounts,
      [{ accountId: A, amountMinor: 2_500n }],
      netAllocations(paid),
    );
    expect(moves).toEqual([
      { accountId: A, beforeMinor: 0n, afterMinor: 2_500n, totalAfterMinor: 3_500n },
    ]);
  });

  it('refuses to take back more than the payment left on an account after earlier reversals', () => {
    const afterFirstRefund = netAllocations([...paid, { accountId: A, amountMinor: -5_000n }]);
    expect(afterFirstRefund.get(A)).toBe(1_000n);
    expect(
      breachOf(() =>
        reversalMoves(accounts, [{ accountId: A, amountMinor: 1_001n }], afterFirstRefund),
      ),
    ).toMatchObject({ code: PaymentBreachCode.ReversalExceedsPayment });
  });
});

describe('resolutionAfterPayment', () => {
  it('keeps a case with something still owed open', () => {
    expect(resolutionAfterPayment(state('active'), 1n)).toBeNull();
  });

  it.each([
    ['placed', 'paid_in_full'],
    ['active', 'paid_in_full'],
    ['arrangement', 'plan_completed'],
  ] as const)('resolves a cleared case that was %s as %s', (status, resolution) => {
    expect(resolutionAfterPayment(state(status), 0n)).toBe(resolution);
  });

  it('resolves a cleared case on hold by what the hold interrupted', () => {
    expect(resolutionAfterPayment(state('on_hold', 'arrangement'), 0n)).toBe('plan_completed');
    expect(resolutionAfterPayment(state('on_hold', 'placed'), 0n)).toBe('paid_in_full');
  });

  it('leaves a resolved case alone', () => {
    expect(resolutionAfterPayment(state('resolved'), 0n)).toBeNull();
  });
});

describe('stepForPlanAgreed', () => {
  it.each([
    ['placed', 'active', 'startArrangement'],
    ['active', 'active', 'startArrangement'],
    ['arrangement', 'active', null],
    ['on_hold', 'active', 'startArrangementUnderHold'],
    ['on_hold', 'placed', 'startArrangementUnderHold'],
    ['on_hold', 'arrangement', null],
    ['resolved', 'active', null],
  ] as const)('from %s (held while %s): %s', (status, before, step) => {
    const from = state(status, before);
    expect(stepForPlanAgreed(from)).toBe(step);
    // Every step it names is one the lifecycle allows from there.
    if (step) expect(() => CaseLifecycle.restore(from)[step]()).not.toThrow();
  });
});

describe('outcomeOfPlanEnd', () => {
  const plan = { settlement: false };
  const settlement = { settlement: true };

  it.each(['breached', 'cancelled'] as const)('a %s plan puts the case back to active', (end) => {
    expect(outcomeOfPlanEnd(end, plan, state('arrangement'), 5_000n, 0)).toEqual({
      step: 'endArrangement',
    });
  });

  it('keeps the arrangement while another plan of the case is in force', () => {
    expect(outcomeOfPlanEnd('cancelled', plan, state('arrangement'), 5_000n, 1)).toEqual({
      step: null,
    });
  });

  it('lets a hold keep precedence: the case resumes active when the hold is lifted', () => {
    expect(outcomeOfPlanEnd('breached', plan, state('on_hold', 'arrangement'), 5_000n, 0)).toEqual({
      step: 'endArrangementUnderHold',
    });
    expect(outcomeOfPlanEnd('breached', plan, state('on_hold', 'active'), 5_000n, 0)).toEqual({
      step: null,
    });
  });

  it('settles the case when a settlement completes, with a balance left or on hold', () => {
    expect(outcomeOfPlanEnd('completed', settlement, state('arrangement'), 7_000n, 0)).toEqual({
      resolve: 'settled',
    });
    expect(
      outcomeOfPlanEnd('completed', settlement, state('on_hold', 'arrangement'), 7_000n, 0),
    ).toEqual({ resolve: 'settled' });
  });

  it('completes a plan that left nothing owed, and ends one that did', () => {
    expect(outcomeOfPlanEnd('completed', plan, state('arrangement'), 0n, 0)).toEqual({
      resolve: 'plan_completed',
    });
    expect(outcomeOfPlanEnd('completed', plan, state('arrangement'), 500n, 0)).toEqual({
      step: 'endArrangement',
    });
  });

  it('leaves a resolved case alone, settlement or not', () => {
    expect(outcomeOfPlanEnd('completed', settlement, state('resolved'), 0n, 0)).toEqual({
      step: null,
    });
  });
});

describe('CRM vocabulary', () => {
  it('maps payment methods and frequencies', () => {
    expect(crmPaymentMethod(paymentV1.PaymentMethod.CARD)).toBe(crmV1.PaymentMethod.CARD);
    expect(crmPaymentMethod(paymentV1.PaymentMethod.DIRECT_DEBIT)).toBe(
      crmV1.PaymentMethod.DIRECT_DEBIT,
    );
    expect(crmPaymentMethod(paymentV1.PaymentMethod.UNSPECIFIED)).toBe(
      crmV1.PaymentMethod.UNSPECIFIED,
    );
    expect(crmFrequency('fortnightly')).toBe(crmV1.InstalmentFrequency.FORTNIGHTLY);
    expect(crmFrequency('')).toBe(crmV1.InstalmentFrequency.UNSPECIFIED);
    expect(crmFrequency('constructor')).toBe(crmV1.InstalmentFrequency.UNSPECIFIED);
  });
});
