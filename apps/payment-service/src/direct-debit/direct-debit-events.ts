import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import type { MandateRecord } from './mandates.repository';

function mandateMetadata(mandate: MandateRecord, time: Date) {
  return {
    tenantId: mandate.tenantId,
    partitionKey: `${mandate.tenantId}:${mandate.debtorId}`,
    subject: `mandate/${mandate.mandateId}`,
    time,
  };
}

export function mandateCreatedEvent(mandate: MandateRecord, at: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.MandateCreatedSchema,
    create(paymentV1.MandateCreatedSchema, {
      mandateId: mandate.mandateId,
      caseId: mandate.caseId,
      debtorId: mandate.debtorId,
      collectionDay: mandate.collectionDay,
      createdAt: timestampFromDate(at),
    }),
    mandateMetadata(mandate, at),
  );
}

export function mandateCancelledEvent(
  mandate: MandateRecord,
  reason: string,
  at: Date,
): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.MandateCancelledSchema,
    create(paymentV1.MandateCancelledSchema, {
      mandateId: mandate.mandateId,
      caseId: mandate.caseId,
      debtorId: mandate.debtorId,
      reason,
      cancelledAt: timestampFromDate(at),
    }),
    mandateMetadata(mandate, at),
  );
}

export function collectionDateChangedEvent(
  mandate: MandateRecord,
  day: number,
  at: Date,
): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.CollectionDateChangedSchema,
    create(paymentV1.CollectionDateChangedSchema, {
      mandateId: mandate.mandateId,
      caseId: mandate.caseId,
      debtorId: mandate.debtorId,
      previousCollectionDay: mandate.collectionDay,
      collectionDay: day,
      changedAt: timestampFromDate(at),
    }),
    mandateMetadata(mandate, at),
  );
}
