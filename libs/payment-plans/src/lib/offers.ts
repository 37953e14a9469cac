import { PaymentPlanError } from './errors';
import { addDays, parseLocalDate, type LocalDate } from './local-date';
import { ceilDiv, mulDivFloor, requireCurrency, requireMinor } from './money';
import { FREQUENCIES, MAX_INSTALMENTS, splitEvenly, type Frequency } from './schedule';

/** A tenant's payment policy: the limits every plan and settlement offer stays within. */
export interface PaymentPolicy {
  currency: string;
  /** No instalment is smaller, unless the whole balance is (then it is paid at once). */
  minInstalmentMinor: number;
  /** Longest plan, 1–120 months; see `maxInstalments` for the count per frequency. */
  maxTermMonths: number;
  /** Frequencies the tenant offers, at least one. */
  frequencies: Frequency[];
  /** The first payment falls due between the debtor's today and today + this many days (0–90). */
  firstPaymentWindowDays: number;
  /** Settlement discount in basis points (1/100 of a percent, 0–9999) by strategy segment id. */
  settlementDiscounts: Record<string, number>;
  /** A settlement is never less than this share of the balance, in basis points (0–10000). */
  settlementFloorBasisPoints: number;
  /** Passed through: whether the portal may offer to talk about refinancing. */
  refinancingOffered: boolean;
}

export interface DebtorSituation {
  balanceMinor: number;
  currency: string;
  /** The debtor's local date, from the caller's clock and the debtor's time zone. */
  today: LocalDate;
  /** The strategy segment the case is in; no discount entry for it means no settlement offer. */
  segment?: string;
  /** Stated monthly income and expenditure: both or neither. */
  monthlyIncomeMinor?: number;
  monthlyExpenditureMinor?: number;
}

export interface PlanTerm {
  instalments: number;
  /** The first instalment (it carries the remainder, if any). */
  largestInstalmentMinor: number;
  smallestInstalmentMinor: number;
}

/** Every instalment count from `shortest` to `longest` is allowed for this frequency. */
export interface PlanOption {
  frequency: Frequency;
  shortest: PlanTerm;
  longest: PlanTerm;
  /** First payment dates the debtor may choose, both inclusive. */
  firstPaymentDates: { earliest: LocalDate; latest: LocalDate };
  /** The largest instalment the stated budget allows at this frequency, when one was stated. */
  affordableInstalmentMinor?: number;
}

export type UnavailableReason = 'no_disposable_income' | 'not_affordable_within_policy';

export interface UnavailablePlan {
  frequency: Frequency;
  reason: UnavailableReason;
}

export interface SettlementOffer {
  segment: string;
  balanceMinor: number;
  /** The discount applied, after the floor; at most the segment's discount. */
  discountBasisPoints: number;
  amountMinor: number;
  discountMinor: number;
  /** The policy floor in minor units; `amountMinor` is never below it. */
  floorMinor: number;
  payByDate: LocalDate;
}

export interface Offers {
  currency: string;
  balanceMinor: number;
  plans: PlanOption[];
  unavailable: UnavailablePlan[];
  settlement?: SettlementOffer;
  refinancingOffered: boolean;
}

const BASIS_POINTS = 10_000;
const MAX_TERM_MONTHS = 120;
const MAX_WINDOW_DAYS = 90;
/** Periods per year, so that weekly and fortnightly terms and budgets follow from monthly ones. */
const PER_YEAR: Record<Frequency, number> = { weekly: 52, fortnightly: 26, monthly: 12 };

/** Most instalments a plan may have: 12 months → 12 monthly, 26 fortnightly or 52 weekly. */
export function maxInstalments(maxTermMonths: number, frequency: Frequency): number {
  return Math.floor((maxTermMonths * PER_YEAR[frequency]) / 12);
}

/** The budget per instalment: monthly disposable income × 12 / periods per year, rounded down. */
export function affordableInstalment(monthlyDisposableMinor: number, frequency: Frequency): number {
  return mulDivFloor(monthlyDisposableMinor, 12, PER_YEAR[frequency]);
}

export function validatePolicy(policy: PaymentPolicy): void {
  const invalid = (field: string, detail: string) =>
    new PaymentPlanError('policy.invalid', `policy.${field}`, detail);
  const within = (value: number, min: number, max: number) =>
    Number.isInteger(value) && value >= min && value <= max;

  requireCurrency(policy.currency, 'policy.currency');
  requireMinor(policy.minInstalmentMinor, 'policy.minInstalmentMinor');
  if (!within(policy.maxTermMonths, 1, MAX_TERM_MONTHS)) {
    throw invalid('maxTermMonths', `must be an integer 1–${MAX_TERM_MONTHS}`);
  }
  if (!Array.isArray(policy.frequencies) || policy.frequencies.length === 0) {
    throw invalid('frequencies', 'must name at least one frequency');
  }
  for (const frequency of policy.frequencies) {
    if (!(FREQUENCIES as readonly string[]).includes(frequency)) {
      throw invalid('frequencies', `unknown frequency "${String(frequency)}"`);
    }
  }
  if (new Set(policy.frequencies).size !== policy.frequencies.length) {
    throw invalid('frequencies', 'must not repeat a frequency');
  }
  if (!within(policy.firstPaymentWindowDays, 0, MAX_WINDOW_DAYS)) {
    throw invalid('firstPaymentWindowDays', `must be an integer 0–${MAX_WINDOW_DAYS}`);
  }
  for (const [segment, discount] of Object.entries(policy.settlementDiscounts ?? {})) {
    if (!within(discount, 0, BASIS_POINTS - 1)) {
      throw invalid(`settlementDiscounts.${segment}`, 'must be basis points 0–9999');
    }
  }
  if (!within(policy.settlementFloorBasisPoints, 0, BASIS_POINTS)) {
    throw invalid('settlementFloorBasisPoints', 'must be basis points 0–10000');
  }
  if (typeof policy.refinancingOffered !== 'boolean') {
    throw invalid('refinancingOffered', 'must be true or false');
  }
}

/**
 * The plans and settlement a debtor may choose under a tenant's policy. Frequencies are listed in
 * the policy's order; a frequency the debtor cannot afford within the policy is listed as
 * unavailable with its reason rather than silently dropped.
 */
export function computeOffers(policy: PaymentPolicy, debtor: DebtorSituation): Offers {
  validatePolicy(policy);
  const balanceMinor = requireMinor(debtor.balanceMinor, 'debtor.balanceMinor');
  requireCurrency(debtor.currency, 'debtor.currency');
  if (debtor.currency !== policy.currency) {
    throw new PaymentPlanError(
      'currency.mismatch',
      'debtor.currency',
      `the policy is in ${policy.currency}, the balance in ${debtor.currency}`,
    );
  }
  parseLocalDate(debtor.today, 'debtor.today');
  const disposable = monthlyDisposable(debtor);
  const firstPaymentDates = {
    earliest: debtor.today,
    latest: addDays(debtor.today, policy.firstPaymentWindowDays),
  };

  const plans: PlanOption[] = [];
  const unavailable: UnavailablePlan[] = [];
  for (const frequency of policy.frequencies) {
    const offer = planOption(policy, balanceMinor, frequency, disposable);
    if ('reason' in offer) unavailable.push(offer);
    else plans.push({ ...offer, firstPaymentDates });
  }
  const settlement = settlementOffer(policy, debtor, balanceMinor, firstPaymentDates.latest);
  return {
    currency: policy.currency,
    balanceMinor,
    plans,
    unavailable,
    ...(settlement ? { settlement } : {}),
    refinancingOffered: policy.refinancingOffered,
  };
}

function monthlyDisposable(debtor: DebtorSituation): number | undefined {
  const { monthlyIncomeMinor: income, monthlyExpenditureMinor: expenditure } = debtor;
  if (income === undefined && expenditure === undefined) return undefined;
  if (income === undefined || expenditure === undefined) {
    throw new PaymentPlanError(
      'affordability.invalid',
      'debtor.monthlyIncomeMinor',
      'state both income and expenditure, or neither',
    );
  }
  requireMinor(income, 'debtor.monthlyIncomeMinor', 0);
  requireMinor(expenditure, 'debtor.monthlyExpenditureMinor', 0);
  return income - expenditure;
}

function planOption(
  policy: PaymentPolicy,
  balanceMinor: number,
  frequency: Frequency,
  monthlyDisposableMinor: number | undefined,
): Omit<PlanOption, 'firstPaymentDates'> | UnavailablePlan {
  const mostInstalments = Math.min(
    maxInstalments(policy.maxTermMonths, frequency),
    MAX_INSTALMENTS,
    balanceMinor,
  );
  // Every instalment ≥ minimum ⟺ floor(balance / n) ≥ minimum ⟺ n ≤ floor(balance / minimum).
  const longest = Math.max(
    1,
    Math.min(mostInstalments, Math.floor(balanceMinor / policy.minInstalmentMinor)),
  );
  if (monthlyDisposableMinor === undefined) {
    return { frequency, shortest: term(balanceMinor, 1), longest: term(balanceMinor, longest) };
  }
  const budget = affordableInstalment(Math.max(0, monthlyDisposableMinor), frequency);
  if (budget < 1) return { frequency, reason: 'no_disposable_income' };
  // Every instalment ≤ budget ⟺ ceil(balance / n) ≤ budget ⟺ n ≥ ceil(balance / budget).
  const shortest = ceilDiv(balanceMinor, budget);
  if (shortest > longest) return { frequency, reason: 'not_affordable_within_policy' };
  return {
    frequency,
    shortest: term(balanceMinor, shortest),
    longest: term(balanceMinor, longest),
    affordableInstalmentMinor: budget,
  };
}

function term(balanceMinor: number, instalments: number): PlanTerm {
  const amounts = splitEvenly(balanceMinor, instalments);
  return {
    instalments,
    largestInstalmentMinor: amounts[0],
    smallestInstalmentMinor: amounts[amounts.length - 1],
  };
}

function settlementOffer(
  policy: PaymentPolicy,
  debtor: DebtorSituation,
  balanceMinor: number,
  payByDate: LocalDate,
): SettlementOffer | undefined {
  const segment = debtor.segment;
  if (segment === undefined || !Object.hasOwn(policy.settlementDiscounts, segment))
    return undefined;
  const floorShare = policy.settlementFloorBasisPoints;
  const discountBasisPoints = Math.min(
    policy.settlementDiscounts[segment],
    BASIS_POINTS - floorShare,
  );
  // Rounded down: the debtor's favour. One minor unit at least, or it is a write-off, not a settlement.
  const amountMinor = Math.max(
    1,
    mulDivFloor(balanceMinor, BASIS_POINTS - discountBasisPoints, BASIS_POINTS),
  );
  return {
    segment,
    balanceMinor,
    discountBasisPoints,
    amountMinor,
    discountMinor: balanceMinor - amountMinor,
    floorMinor: mulDivFloor(balanceMinor, floorShare, BASIS_POINTS),
    payByDate,
  };
}
