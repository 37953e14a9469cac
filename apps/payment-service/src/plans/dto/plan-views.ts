import type { PlanDetail } from '../use-cases/change-plan.use-case';

export function planView({ plan, instalments }: PlanDetail) {
  const paidMinor = instalments.reduce((sum, i) => sum + Math.min(i.paidMinor, i.amountMinor), 0);
  const totalMinor = instalments.reduce((sum, i) => sum + i.amountMinor, 0);
  return {
    planId: plan.planId,
    caseId: plan.caseId,
    offerId: plan.offerId,
    status: plan.status,
    frequency: plan.frequency,
    settlement: plan.settlement,
    currency: plan.currency,
    totalMinor,
    paidMinor,
    remainingMinor: totalMinor - paidMinor,
    missedInstalments: plan.missedCount,
    mandateId: plan.mandateId,
    createdBy: plan.createdBy,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
    instalments: instalments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      amountMinor: i.amountMinor,
      paidMinor: i.paidMinor,
    })),
  };
}
