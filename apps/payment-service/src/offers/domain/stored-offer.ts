import type { LocalDate, Offers } from '@clement/payment-plans';

/**
 * What an offer row keeps: the computed offers and the policy limits they came from, so a plan
 * chosen later is checked against exactly what the debtor was shown.
 */
export interface StoredOffer {
  offerId: string;
  tenantId: string;
  caseId: string;
  debtorId: string;
  offers: Offers;
  /** The debtor's local date and zone when it was computed. */
  today: LocalDate;
  timeZone: string;
  segment: string | null;
  affordabilityAssessed: boolean;
  /** The policy's limits at the time (a later change of policy does not change the offer). */
  minInstalmentMinor: number;
  maxTermMonths: number;
  createdAt: Date;
  expiresAt: Date;
}

const HOUR_MS = 3_600_000;

export function offerExpiry(createdAt: Date, validityHours: number): Date {
  return new Date(createdAt.getTime() + validityHours * HOUR_MS);
}

export function isExpired(offer: Pick<StoredOffer, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= offer.expiresAt.getTime();
}
