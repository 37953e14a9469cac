import type { StoredOffer } from '../domain/stored-offer';

export function offerView(offer: StoredOffer) {
  const { offers } = offer;
  return {
    offerId: offer.offerId,
    caseId: offer.caseId,
    createdAt: offer.createdAt.toISOString(),
    expiresAt: offer.expiresAt.toISOString(),
    currency: offers.currency,
    balanceMinor: offers.balanceMinor,
    plans: offers.plans,
    unavailable: offers.unavailable,
    settlement: offers.settlement ?? null,
    refinancingOffered: offers.refinancingOffered,
  };
}
