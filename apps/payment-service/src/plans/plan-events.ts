import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import type { Instalment } from '@clement/payment-plans';
import { money } from '../shared/money';
import { actorMessage } from '../shared/actor';
import type { PlanRecord } from './plans.repository';

type PlanRef = Pick<PlanRecord, 'tenantId' | 'planId' | 'caseId' | 'debtorId'>;

function metadataOf(plan: PlanRef, time: Date) {
  return {
    tenantId: plan.tenantId,
    partitionKey: `${plan.tenantId}:${plan.debtorId}`,
    subject: `plan/${plan.planId}`,
    time,
  };
}

function instalmentsOf(instalments: readonly Instalment[], currency: string) {
  return instalments.map((i) =>
    create(paymentV1.InstalmentSchema, {
      dueDate: i.dueDate,
      amount: money(i.amountMinor, currency),
    }),
  );
}

export function planCreatedEvent(
  plan: PlanRecord,
  instalments: readonly Instalment[],
): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PlanCreatedSchema,
    create(paymentV1.PlanCreatedSchema, {
      planId: plan.planId,
      caseId: plan.caseId,
      debtorId: plan.debtorId,
      instalments: instalmentsOf(instalments, plan.currency),
      total: money(plan.totalMinor, plan.currency),
      createdBy: actorMessage(plan.createdBy),
      frequency: plan.frequency,
      offerId: plan.offerId ?? '',
      settlement: plan.settlement,
    }),
    metadataOf(plan, plan.createdAt),
  );
}

/** The remaining (unpaid) instalments after a change, and what they add up to. */
export function planChangedEvent(
  plan: PlanRecord,
  remaining: readonly Instalment[],
  at: Date,
): PendingEvent {
  const total = remaining.reduce((sum, i) => sum + i.amountMinor, 0);
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PlanChangedSchema,
    create(paymentV1.PlanChangedSchema, {
      planId: plan.planId,
      caseId: plan.caseId,
      debtorId: plan.debtorId,
      instalments: instalmentsOf(remaining, plan.currency),
      frequency: plan.frequency,
      remaining: money(total, plan.currency),
    }),
    metadataOf(plan, at),
  );
}

export function planBreachedEvent(plan: PlanRef, missed: number, at: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PlanBreachedSchema,
    create(paymentV1.PlanBreachedSchema, {
      planId: plan.planId,
      caseId: plan.caseId,
      debtorId: plan.debtorId,
      missedInstalments: missed,
      breachedAt: timestampFromDate(at),
    }),
    metadataOf(plan, at),
  );
}

export function planCompletedEvent(plan: PlanRef, at: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PlanCompletedSchema,
    create(paymentV1.PlanCompletedSchema, {
      planId: plan.planId,
      caseId: plan.caseId,
      debtorId: plan.debtorId,
      completedAt: timestampFromDate(at),
    }),
    metadataOf(plan, at),
  );
}

export function planCancelledEvent(plan: PlanRef, at: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PlanCancelledSchema,
    create(paymentV1.PlanCancelledSchema, {
      planId: plan.planId,
      caseId: plan.caseId,
      debtorId: plan.debtorId,
      cancelledAt: timestampFromDate(at),
    }),
    metadataOf(plan, at),
  );
}
