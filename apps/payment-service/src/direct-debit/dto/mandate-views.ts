import type { MandateRecord } from '../mandates.repository';

export function mandateView(mandate: MandateRecord) {
  return {
    mandateId: mandate.mandateId,
    caseId: mandate.caseId,
    planId: mandate.planId,
    status: mandate.status,
    collectionDay: mandate.collectionDay,
    setupUrl: mandate.status === 'pending' ? mandate.setupUrl : null,
    createdAt: mandate.createdAt.toISOString(),
    updatedAt: mandate.updatedAt.toISOString(),
  };
}
