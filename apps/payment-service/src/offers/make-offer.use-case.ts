import { randomUUID } from 'node:crypto';
import { computeOffers, PaymentPlanError } from '@clement/payment-plans';
import type { Outbox } from '@clement/messaging';
import type { DataSource } from 'typeorm';
import type { CaseContexts } from '../shared/case-context';
import { PaymentDomainError, PaymentErrorCode } from '../shared/payment-errors';
import { offerExpiry, type StoredOffer } from './domain/stored-offer';
import { planOfferedEvent } from './offer-events';
import type { OffersRepository } from './offers.repository';

export interface OfferRequest {
  monthlyIncomeMinor?: number;
  monthlyExpenditureMinor?: number;
  segment?: string;
}

/** Computes the plans and settlement on offer for a case's balance now, stores and announces them. */
export class MakeOffer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: CaseContexts,
    private readonly offers: OffersRepository,
    private readonly outbox: Outbox,
  ) {}

  execute(tenantId: string, caseId: string, request: OfferRequest): Promise<StoredOffer> {
    return this.dataSource.transaction(async (db) => {
      const context = await this.contexts.open(db, tenantId, caseId);
      const balanceMinor = await this.contexts.balance(db, tenantId, caseId);
      if (balanceMinor <= 0) {
        throw new PaymentDomainError(
          PaymentErrorCode.CaseClosed,
          `nothing is owed on case ${caseId}`,
        );
      }
      const { policy } = context.tenant;
      let offers;
      try {
        offers = computeOffers(policy, {
          balanceMinor,
          currency: context.case.currency,
          today: context.today,
          ...(request.segment !== undefined ? { segment: request.segment } : {}),
          ...(request.monthlyIncomeMinor !== undefined
            ? { monthlyIncomeMinor: request.monthlyIncomeMinor }
            : {}),
          ...(request.monthlyExpenditureMinor !== undefined
            ? { monthlyExpenditureMinor: request.monthlyExpenditureMinor }
            : {}),
        });
      } catch (error) {
        if (error instanceof PaymentPlanError) {
          throw new PaymentDomainError(PaymentErrorCode.AmountInvalid, error.message);
        }
        throw error;
      }
      const offer: StoredOffer = {
        offerId: randomUUID(),
        tenantId,
        caseId,
        debtorId: context.case.debtorId,
        offers,
        today: context.today,
        timeZone: context.timeZone,
        segment: request.segment ?? null,
        affordabilityAssessed: request.monthlyIncomeMinor !== undefined,
        minInstalmentMinor: policy.minInstalmentMinor,
        maxTermMonths: policy.maxTermMonths,
        createdAt: context.now,
        expiresAt: offerExpiry(context.now, context.tenant.offerValidityHours),
      };
      await this.offers.insert(db, offer);
      await this.outbox.appendAll(db, [planOfferedEvent(offer)]);
      return offer;
    });
  }

  async find(tenantId: string, offerId: string): Promise<StoredOffer> {
    const offer = await this.offers.find(this.dataSource, tenantId, offerId);
    if (!offer) throw new PaymentDomainError(PaymentErrorCode.OfferNotFound, `no offer ${offerId}`);
    return offer;
  }
}
