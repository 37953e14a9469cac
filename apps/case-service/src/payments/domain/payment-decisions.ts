import type { Money } from '@clement/contracts';
import { crmV1, paymentV1 } from '@clement/contracts';
import type { CaseLifecycleState, Resolution } from '../../cases/domain/case-lifecycle';

/**
 * What payment-service's events do to a case, decided without I/O: the contract checks, how
 * allocations move account balances, and which lifecycle step or resolution follows. The caller
 * loads the case, applies the decision and announces it.
 */

/** The payment events case-service acts on. */
export type PaymentEventMessage =
  | paymentV1.PaymentSucceeded
  | paymentV1.PaymentRefunded
  | paymentV1.PaymentChargedBack
  | paymentV1.PlanCreated
  | paymentV1.PlanBreached
  | paymentV1.PlanCompleted
  | paymentV1.PlanCancelled
  | paymentV1.PromiseMade
  | paymentV1.PromiseKept
  | paymentV1.PromiseBroken;

/** Why an event breaks payment-service's promises to case-service. */
export enum PaymentBreachCode {
  UnknownCase = 'unknown_case',
  CaseOfAnotherDebtor = 'case_of_another_debtor',
  CurrencyMismatch = 'currency_mismatch',
  AccountNotOnCase = 'account_not_on_case',
  UnknownPayment = 'unknown_payment',
  ReversalExceedsPayment = 'reversal_exceeds_payment',
  UnknownPlan = 'unknown_plan',
  UnknownPromise = 'unknown_promise',
  ConflictingReuse = 'conflicting_reuse',
}

/**
 * A well-formed event that cannot be true of the case it names: payment-service only acts on
 * cases, accounts and balances case-service published, so applying it would corrupt the books.
 * The Kafka edge dead-letters it with the message as the reason.
 */
export class PaymentContractBreach extends Error {
  constructor(
    readonly code: PaymentBreachCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

// ---- contract checks ------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_ID_LENGTH = 200;
const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);
const FREQUENCIES: Readonly<Record<string, crmV1.InstalmentFrequency>> = {
  weekly: crmV1.InstalmentFrequency.WEEKLY,
  fortnightly: crmV1.InstalmentFrequency.FORTNIGHTLY,
  monthly: crmV1.InstalmentFrequency.MONTHLY,
};

class Problems {
  readonly list: string[] = [];
  private currency: string | undefined;

  add(field: string, problem: string): void {
    this.list.push(`${field}: ${problem}`);
  }

  uuid(field: string, value: string): void {
    if (!UUID.test(value)) this.add(field, value ? 'must be a UUID' : 'is required');
  }

  id(field: string, value: string): void {
    if (!value) this.add(field, 'is required');
    else if (value.length > MAX_ID_LENGTH)
      this.add(field, `must be at most ${MAX_ID_LENGTH} characters`);
  }

  date(field: string, value: string): void {
    if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      this.add(field, 'must be a date "YYYY-MM-DD"');
    }
  }

  /** A money field; every amount of one event is in one currency. */
  money(field: string, money: Money | undefined, sign: 'positive' | 'non-negative'): bigint {
    if (!money) {
      this.add(field, 'is required');
      return 0n;
    }
    if (!CURRENCY.test(money.currency)) {
      this.add(`${field}.currency`, 'must be an ISO 4217 code such as "EUR"');
    } else if (this.currency === undefined) {
      this.currency = money.currency;
    } else if (money.currency !== this.currency) {
      this.add(`${field}.currency`, `must be ${this.currency}, like the event's other amounts`);
    }
    const amount = money.amountMinor;
    if (sign === 'positive' ? amount <= 0n : amount < 0n) {
      this.add(`${field}.amount_minor`, `must be ${sign}`);
    } else if (amount > MAX_MINOR) {
      this.add(`${field}.amount_minor`, 'is too large');
    }
    return amount;
  }

  allocations(field: string, allocations: readonly paymentV1.Allocation[]): bigint {
    let sum = 0n;
    allocations.forEach((allocation, index) => {
      this.uuid(`${field}[${index}].account_id`, allocation.accountId);
      sum += this.money(`${field}[${index}].amount`, allocation.amount, 'positive');
    });
    return sum;
  }

  ids(message: { caseId: string; debtorId: string }): void {
    this.uuid('case_id', message.caseId);
    this.uuid('debtor_id', message.debtorId);
  }
}

/** What is wrong with an event against its contract (empty when nothing is). */
export function paymentEventProblems(message: PaymentEventMessage): string[] {
  const p = new Problems();
  p.ids(message);
  switch (message.$typeName) {
    case 'clement.payment.v1.PaymentSucceeded': {
      p.id('payment_id', message.paymentId);
      const amount = p.money('amount', message.amount, 'positive');
      const allocated = p.allocations('allocations', message.allocations);
      const unallocated = message.unallocated
        ? p.money('unallocated', message.unallocated, 'non-negative')
        : 0n;
      if (p.list.length === 0 && allocated + unallocated !== amount) {
        p.add('allocations', 'must add up to amount minus unallocated');
      }
      break;
    }
    case 'clement.payment.v1.PaymentRefunded':
    case 'clement.payment.v1.PaymentChargedBack': {
      p.id('payment_id', message.paymentId);
      if (message.$typeName === 'clement.payment.v1.PaymentRefunded') {
        p.id('refund_id', message.refundId);
      } else {
        p.id('chargeback_id', message.chargebackId);
      }
      const amount = p.money('amount', message.amount, 'positive');
      const reversed = p.allocations('reversed_allocations', message.reversedAllocations);
      if (p.list.length === 0 && reversed > amount) {
        p.add('reversed_allocations', 'must not add up to more than amount');
      }
      break;
    }
    case 'clement.payment.v1.PlanCreated': {
      p.id('plan_id', message.planId);
      p.money('total', message.total, 'positive');
      if (message.instalments.length === 0) p.add('instalments', 'must not be empty');
      message.instalments.forEach((instalment, index) => {
        p.date(`instalments[${index}].due_date`, instalment.dueDate);
        p.money(`instalments[${index}].amount`, instalment.amount, 'positive');
      });
      if (message.frequency && !Object.hasOwn(FREQUENCIES, message.frequency)) {
        p.add('frequency', 'must be "weekly", "fortnightly" or "monthly"');
      }
      break;
    }
    case 'clement.payment.v1.PlanBreached':
    case 'clement.payment.v1.PlanCompleted':
    case 'clement.payment.v1.PlanCancelled':
      p.id('plan_id', message.planId);
      break;
    case 'clement.payment.v1.PromiseMade':
      p.id('promise_id', message.promiseId);
      p.money('amount', message.amount, 'positive');
      p.date('due_date', message.dueDate);
      break;
    case 'clement.payment.v1.PromiseKept':
      p.id('promise_id', message.promiseId);
      break;
    case 'clement.payment.v1.PromiseBroken':
      p.id('promise_id', message.promiseId);
      if (message.paid) p.money('paid', message.paid, 'non-negative');
      break;
  }
  return p.list;
}

// ---- balances -------------------------------------------------------------------------------

export interface AccountBalance {
  readonly accountId: string;
  readonly balanceMinor: bigint;
}

/** Part of a payment (or of its reversal) on one account; negative when taken back. */
export interface AllocationLine {
  readonly accountId: string;
  readonly amountMinor: bigint;
}

/** One account's balance before and after, and the case total after it (in order). */
export interface BalanceMove {
  readonly accountId: string;
  readonly beforeMinor: bigint;
  readonly afterMinor: bigint;
  readonly totalAfterMinor: bigint;
}

export function allocationLines(allocations: readonly paymentV1.Allocation[]): AllocationLine[] {
  return allocations.map((allocation) => ({
    accountId: allocation.accountId.toLowerCase(),
    amountMinor: allocation.amount?.amountMinor ?? 0n,
  }));
}

/**
 * A payment's allocations taken off the accounts' balances: one move per account (several lines
 * for one account add up). A balance never goes below zero: the creditor may have lowered it
 * (AccountUpdated) after payment-service allocated from the figure it had, and a payment that
 * was taken must not be dead-lettered for that; the creditor still hears the full allocation.
 * An account of another case is a breach.
 */
export function paymentMoves(
  accounts: readonly AccountBalance[],
  allocations: readonly AllocationLine[],
): BalanceMove[] {
  return moves(accounts, allocations, (account, amount) =>
    amount > account.balanceMinor ? 0n : account.balanceMinor - amount,
  );
}

/**
 * A refund's or chargeback's reversed allocations added back to the accounts. `stillAllocated` is
 * what the payment put on each account less what earlier reversals took back: a reversal cannot
 * take back more than that.
 */
export function reversalMoves(
  accounts: readonly AccountBalance[],
  reversed: readonly AllocationLine[],
  stillAllocated: ReadonlyMap<string, bigint>,
): BalanceMove[] {
  return moves(accounts, reversed, (account, amount) => {
    const left = stillAllocated.get(account.accountId) ?? 0n;
    if (amount > left) {
      throw new PaymentContractBreach(
        PaymentBreachCode.ReversalExceedsPayment,
        `reversed_allocations: ${amount} for account ${account.accountId} is more than the payment left on it (${left})`,
      );
    }
    return account.balanceMinor + amount;
  });
}

/** Per account, what a payment's ledger lines (its allocations and reversals) add up to. */
export function netAllocations(lines: readonly AllocationLine[]): Map<string, bigint> {
  const net = new Map<string, bigint>();
  for (const line of lines) {
    net.set(line.accountId, (net.get(line.accountId) ?? 0n) + line.amountMinor);
  }
  return net;
}

function moves(
  accounts: readonly AccountBalance[],
  lines: readonly AllocationLine[],
  next: (account: AccountBalance, amount: bigint) => bigint,
): BalanceMove[] {
  const byId = new Map(accounts.map((account) => [account.accountId, account]));
  const perAccount = netAllocations(lines);
  let total = accounts.reduce((sum, account) => sum + account.balanceMinor, 0n);
  const result: BalanceMove[] = [];
  for (const [accountId, amount] of perAccount) {
    const account = byId.get(accountId);
    if (!account) {
      throw new PaymentContractBreach(
        PaymentBreachCode.AccountNotOnCase,
        `account_id: ${accountId} is not an account of the case`,
      );
    }
    const after = next(account, amount);
    total += after - account.balanceMinor;
    result.push({
      accountId,
      beforeMinor: account.balanceMinor,
      afterMinor: after,
      totalAfterMinor: total,
    });
  }
  return result;
}

// ---- status ---------------------------------------------------------------------------------

/**
 * How a payment that clears the case resolves it, or null when it stays open. A case paying off
 * an arrangement completed its plan; otherwise it was paid in full. A hold does not keep a paid
 * case open: the debt is gone (as when the creditor reports a zero balance).
 */
export function resolutionAfterPayment(
  state: CaseLifecycleState,
  totalAfterMinor: bigint,
): Resolution | null {
  if (state.status === 'resolved' || totalAfterMinor > 0n) return null;
  const inArrangement =
    state.status === 'arrangement' ||
    (state.status === 'on_hold' && state.statusBeforeHold === 'arrangement');
  return inArrangement ? 'plan_completed' : 'paid_in_full';
}

/** A CaseLifecycle operation that involves no argument (for the workflow to apply). */
export type ArrangementStep =
  'startArrangement' | 'startArrangementUnderHold' | 'endArrangement' | 'endArrangementUnderHold';

/**
 * A plan was agreed: the case goes into arrangement. A hold keeps precedence (the case resumes
 * in arrangement when it is lifted); a case already in arrangement or resolved stays.
 */
export function stepForPlanAgreed(state: CaseLifecycleState): ArrangementStep | null {
  switch (state.status) {
    case 'placed':
    case 'active':
      return 'startArrangement';
    case 'on_hold':
      return state.statusBeforeHold === 'arrangement' ? null : 'startArrangementUnderHold';
    case 'arrangement':
    case 'resolved':
      return null;
  }
}

/** How a plan ended, from its events. */
export type PlanEnd = 'breached' | 'cancelled' | 'completed';

export type PlanEndOutcome =
  { readonly resolve: Resolution } | { readonly step: ArrangementStep | null };

/**
 * A plan ended. A completed settlement closes the case as settled (less than the balance was
 * accepted); a completed plan that left nothing owed closes it as plan completed (normally its
 * last payment already did). Otherwise the arrangement is over: back to active, unless another
 * plan of the case is still in force. A hold keeps precedence; a resolved case stays.
 */
export function outcomeOfPlanEnd(
  end: PlanEnd,
  plan: { readonly settlement: boolean },
  state: CaseLifecycleState,
  totalBalanceMinor: bigint,
  otherActivePlans: number,
): PlanEndOutcome {
  if (state.status === 'resolved') return { step: null };
  if (end === 'completed' && plan.settlement) return { resolve: 'settled' };
  if (end === 'completed' && totalBalanceMinor === 0n) return { resolve: 'plan_completed' };
  if (otherActivePlans > 0) return { step: null };
  if (state.status === 'arrangement') return { step: 'endArrangement' };
  if (state.status === 'on_hold' && state.statusBeforeHold === 'arrangement') {
    return { step: 'endArrangementUnderHold' };
  }
  return { step: null };
}

// ---- the CRM's vocabulary -------------------------------------------------------------------

const CRM_METHODS: Readonly<Record<paymentV1.PaymentMethod, crmV1.PaymentMethod>> = {
  [paymentV1.PaymentMethod.UNSPECIFIED]: crmV1.PaymentMethod.UNSPECIFIED,
  [paymentV1.PaymentMethod.CARD]: crmV1.PaymentMethod.CARD,
  [paymentV1.PaymentMethod.DIRECT_DEBIT]: crmV1.PaymentMethod.DIRECT_DEBIT,
};

export function crmPaymentMethod(method: paymentV1.PaymentMethod): crmV1.PaymentMethod {
  return CRM_METHODS[method] ?? crmV1.PaymentMethod.OTHER;
}

export function crmFrequency(frequency: string): crmV1.InstalmentFrequency {
  return Object.hasOwn(FREQUENCIES, frequency)
    ? FREQUENCIES[frequency]
    : crmV1.InstalmentFrequency.UNSPECIFIED;
}
