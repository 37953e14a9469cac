import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import { money } from '../shared/money';
import { actorMessage } from '../shared/actor';
import type { PromiseRecord } from './promises.repository';

function metadataOf(promise: PromiseRecord, time: Date) {
  return {
    tenantId: promise.tenantId,
    partitionKey: `${promise.tenantId}:${promise.debtorId}`,
    subject: `promise/${promise.promiseId}`,
    time,
  };
}

export function promiseMadeEvent(promise: PromiseRecord): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PromiseMadeSchema,
    create(paymentV1.PromiseMadeSchema, {
      promiseId: promise.promiseId,
      caseId: promise.caseId,
      debtorId: promise.debtorId,
      amount: money(promise.amountMinor, promise.currency),
      dueDate: promise.dueDate,
      graceDays: promise.graceDays,
      madeBy: actorMessage(promise.madeBy),
    }),
    metadataOf(promise, promise.madeAt),
  );
}

export function promiseKeptEvent(promise: PromiseRecord, keptAt: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PromiseKeptSchema,
    create(paymentV1.PromiseKeptSchema, {
      promiseId: promise.promiseId,
      caseId: promise.caseId,
      debtorId: promise.debtorId,
      keptAt: timestampFromDate(keptAt),
    }),
    metadataOf(promise, keptAt),
  );
}

export function promiseBrokenEvent(promise: PromiseRecord, brokenAt: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PromiseBrokenSchema,
    create(paymentV1.PromiseBrokenSchema, {
      promiseId: promise.promiseId,
      caseId: promise.caseId,
      debtorId: promise.debtorId,
      paid: money(promise.paidMinor, promise.currency),
      brokenAt: timestampFromDate(brokenAt),
    }),
    metadataOf(promise, brokenAt),
  );
}
