import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import { money } from '../shared/money';
import type { StoredOffer } from './domain/stored-offer';

export function planOfferedEvent(offer: StoredOffer): PendingEvent {
  const { offers } = offer;
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PlanOfferedSchema,
    create(paymentV1.PlanOfferedSchema, {
      offerId: offer.offerId,
      caseId: offer.caseId,
      debtorId: offer.debtorId,
      balance: money(offers.balanceMinor, offers.currency),
      plans: offers.plans.map((plan) =>
        create(paymentV1.PlanOptionSchema, {
          frequency: plan.frequency,
          minInstalments: plan.shortest.instalments,
          maxInstalments: plan.longest.instalments,
          firstPaymentEarliest: plan.firstPaymentDates.earliest,
          firstPaymentLatest: plan.firstPaymentDates.latest,
        }),
      ),
      ...(offers.settlement
        ? {
            settlement: money(offers.settlement.amountMinor, offers.currency),
            settlementPayBy: offers.settlement.payByDate,
          }
        : {}),
      refinancingOffered: offers.refinancingOffered,
      affordabilityAssessed: offer.affordabilityAssessed,
      offeredAt: timestampFromDate(offer.createdAt),
    }),
    {
      tenantId: offer.tenantId,
      partitionKey: `${offer.tenantId}:${offer.debtorId}`,
      subject: `offer/${offer.offerId}`,
      time: offer.createdAt,
    },
  );
}
