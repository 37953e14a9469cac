import {
  FREQUENCIES,
  type Frequency,
  type LocalDate,
  type ScheduleRequest,
  daysBetween,
} from '@clement/payment-plans';
import { isExpired, type StoredOffer } from '../../offers/domain/stored-offer';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';

/** What a debtor (or an agent for them) chose from an offer. */
export interface PlanChoice {
  frequency?: string;
  instalments?: number;
  instalmentMinor?: number;
  firstPaymentDate: LocalDate;
  settlement?: boolean;
}

export interface ValidatedChoice {
  schedule: ScheduleRequest;
  settlement: boolean;
}

function outside(reason: string): PaymentDomainError {
  return new PaymentDomainError(PaymentErrorCode.PlanOutsideOffer, reason);
}

function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value);
}

function within(date: LocalDate, earliest: LocalDate, latest: LocalDate): boolean {
  return daysBetween(earliest, date) >= 0 && daysBetween(date, latest) >= 0;
}

/**
 * Checks a choice against the stored offer, the case's balance now and the debtor's today; the
 * schedule request to build when it fits. An expired offer, or one whose balance has changed
 * since, must be computed again (offer.expired); anything outside it is plan.outside_offer.
 */
export function validatePlanChoice(
  offer: StoredOffer,
  choice: PlanChoice,
  context: { now: Date; today: LocalDate; balanceMinor: number },
): ValidatedChoice {
  if (isExpired(offer, context.now)) {
    throw new PaymentDomainError(
      PaymentErrorCode.OfferExpired,
      `offer ${offer.offerId} has expired`,
    );
  }
  if (context.balanceMinor !== offer.offers.balanceMinor) {
    throw new PaymentDomainError(
      PaymentErrorCode.OfferExpired,
      `the balance changed since offer ${offer.offerId}: ask for a new offer`,
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.firstPaymentDate)) {
    throw outside('firstPaymentDate must be YYYY-MM-DD');
  }
  if (daysBetween(context.today, choice.firstPaymentDate) < 0) {
    throw outside(`the first payment date ${choice.firstPaymentDate} is in the past`);
  }
  return choice.settlement ? settlementChoice(offer, choice) : planChoice(offer, choice);
}

function settlementChoice(offer: StoredOffer, choice: PlanChoice): ValidatedChoice {
  const settlement = offer.offers.settlement;
  if (!settlement) throw outside('no settlement was offered');
  if (choice.instalments !== undefined && choice.instalments !== 1) {
    throw outside('a settlement is paid in one instalment');
  }
  if (choice.instalmentMinor !== undefined && choice.instalmentMinor !== settlement.amountMinor) {
    throw outside(`the settlement amount is ${settlement.amountMinor}`);
  }
  const frequency = choice.frequency ?? 'monthly';
  if (!isFrequency(frequency)) throw outside(`unknown frequency "${frequency}"`);
  if (!within(choice.firstPaymentDate, offer.today, settlement.payByDate)) {
    throw outside(`the settlement is due by ${settlement.payByDate}`);
  }
  return {
    settlement: true,
    schedule: {
      totalMinor: settlement.amountMinor,
      currency: offer.offers.currency,
      frequency,
      firstPaymentDate: choice.firstPaymentDate,
      instalments: 1,
    },
  };
}

function planChoice(offer: StoredOffer, choice: PlanChoice): ValidatedChoice {
  const frequency = choice.frequency;
  if (frequency === undefined) throw outside('frequency is required');
  const option = offer.offers.plans.find((plan) => plan.frequency === frequency);
  if (!option) {
    const unavailable = offer.offers.unavailable.find((plan) => plan.frequency === frequency);
    throw outside(
      unavailable
        ? `${frequency} plans are unavailable: ${unavailable.reason}`
        : `${frequency} plans were not offered`,
    );
  }
  if ((choice.instalments === undefined) === (choice.instalmentMinor === undefined)) {
    throw outside('give exactly one of instalments and instalmentMinor');
  }
  const balance = offer.offers.balanceMinor;
  let count: number;
  if (choice.instalments !== undefined) {
    count = choice.instalments;
    if (!Number.isSafeInteger(count) || count < 1) throw outside('instalments must be ≥ 1');
  } else {
    const amount = choice.instalmentMinor as number;
    if (!Number.isSafeInteger(amount) || amount < 1) throw outside('instalmentMinor must be ≥ 1');
    count = Math.ceil(balance / amount);
    if (count > 1 && amount < offer.minInstalmentMinor) {
      throw outside(`instalments are at least ${offer.minInstalmentMinor}`);
    }
    if (
      option.affordableInstalmentMinor !== undefined &&
      amount > option.affordableInstalmentMinor
    ) {
      throw outside(`more than the affordable ${option.affordableInstalmentMinor} per instalment`);
    }
  }
  if (count < option.shortest.instalments || count > option.longest.instalments) {
    throw outside(
      `${frequency} plans have ${option.shortest.instalments}–${option.longest.instalments} instalments, not ${count}`,
    );
  }
  const { earliest, latest } = option.firstPaymentDates;
  if (!within(choice.firstPaymentDate, earliest, latest)) {
    throw outside(`the first payment falls due between ${earliest} and ${latest}`);
  }
  return {
    settlement: false,
    schedule: {
      totalMinor: balance,
      currency: offer.offers.currency,
      frequency: option.frequency,
      firstPaymentDate: choice.firstPaymentDate,
      ...(choice.instalments !== undefined
        ? { instalments: choice.instalments }
        : { instalmentMinor: choice.instalmentMinor }),
    },
  };
}
