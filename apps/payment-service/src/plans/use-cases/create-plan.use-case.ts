import { randomUUID } from 'node:crypto';
import { buildSchedule, type Instalment, PaymentPlanError } from '@clement/payment-plans';
import type { Outbox } from '@clement/messaging';
import type { Principal } from '@clement/staff-api';
import type { DataSource } from 'typeorm';
import type { OffersRepository } from '../../offers/offers.repository';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import { actorOf } from '../../shared/actor';
import type { CaseContexts } from '../../shared/case-context';
import { type PlanChoice, validatePlanChoice } from '../domain/plan-choice';
import { planCreatedEvent } from '../plan-events';
import type { PlanRecord, PlansRepository } from '../plans.repository';

export interface CreatePlanRequest extends PlanChoice {
  offerId: string;
}

/** A plan chosen from a stored offer: checked against it, scheduled, one live plan per case. */
export class CreatePlan {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: CaseContexts,
    private readonly offers: OffersRepository,
    private readonly plans: PlansRepository,
    private readonly outbox: Outbox,
  ) {}

  execute(
    tenantId: string,
    caseId: string,
    principal: Principal,
    request: CreatePlanRequest,
  ): Promise<{ plan: PlanRecord; instalments: Instalment[] }> {
    return this.dataSource.transaction(async (db) => {
      const context = await this.contexts.open(db, tenantId, caseId, { lock: true });
      const offer = await this.offers.find(db, tenantId, request.offerId);
      if (!offer || offer.caseId !== caseId) {
        throw new PaymentDomainError(
          PaymentErrorCode.OfferNotFound,
          `no offer ${request.offerId} for case ${caseId}`,
        );
      }
      const live = await this.plans.lockLive(db, tenantId, caseId);
      if (live) {
        throw new PaymentDomainError(
          PaymentErrorCode.PlanAlreadyLive,
          `case ${caseId} already has plan ${live.planId}`,
        );
      }
      const balanceMinor = await this.contexts.balance(db, tenantId, caseId);
      const choice = validatePlanChoice(offer, request, {
        now: context.now,
        today: context.today,
        balanceMinor,
      });
      let instalments: Instalment[];
      try {
        instalments = buildSchedule(choice.schedule).instalments;
      } catch (error) {
        if (error instanceof PaymentPlanError) {
          throw new PaymentDomainError(PaymentErrorCode.PlanOutsideOffer, error.message);
        }
        throw error;
      }
      const plan: PlanRecord = {
        tenantId,
        planId: randomUUID(),
        caseId,
        debtorId: context.case.debtorId,
        offerId: offer.offerId,
        frequency: choice.schedule.frequency,
        totalMinor: choice.schedule.totalMinor,
        currency: choice.schedule.currency,
        settlement: choice.settlement,
        status: 'active',
        missedCount: 0,
        mandateId: null,
        createdBy: actorOf(principal, context.case.debtorId),
        createdAt: context.now,
        updatedAt: context.now,
        version: 1,
      };
      await this.plans.insert(db, plan);
      await this.plans.addInstalments(db, tenantId, plan.planId, instalments);
      await this.outbox.appendAll(db, [planCreatedEvent(plan, instalments)]);
      return { plan, instalments };
    });
  }
}
