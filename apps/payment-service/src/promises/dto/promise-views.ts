import type { PromiseRecord } from '../promises.repository';

export function promiseView(promise: PromiseRecord) {
  return {
    promiseId: promise.promiseId,
    caseId: promise.caseId,
    status: promise.status,
    amountMinor: promise.amountMinor,
    paidMinor: promise.paidMinor,
    currency: promise.currency,
    dueDate: promise.dueDate,
    graceDays: promise.graceDays,
    deadlineAt: promise.deadlineAt.toISOString(),
    madeBy: promise.madeBy,
    madeAt: promise.madeAt.toISOString(),
    settledAt: promise.settledAt?.toISOString() ?? null,
  };
}
