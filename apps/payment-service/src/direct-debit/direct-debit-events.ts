import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import { money } from '../offers/offer-events';
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

export interface CollectionPayment {
  tenantId: string;
  paymentId: string;
  caseId: string;
  debtorId: string;
  planId: string;
  amountMinor: number;
  currency: string;
}

function paymentMetadata(payment: CollectionPayment, time: Date) {
  return {
    tenantId: payment.tenantId,
    partitionKey: `${payment.tenantId}:${payment.debtorId}`,
    subject: `payment/${payment.paymentId}`,
    time,
  };
}

export function collectionInitiatedEvent(payment: CollectionPayment, at: Date): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PaymentInitiatedSchema,
    create(paymentV1.PaymentInitiatedSchema, {
      paymentId: payment.paymentId,
      caseId: payment.caseId,
      debtorId: payment.debtorId,
      amount: money(payment.amountMinor, payment.currency),
      method: paymentV1.PaymentMethod.DIRECT_DEBIT,
      purpose: paymentV1.PaymentPurpose.INSTALMENT,
      planId: payment.planId,
      initiatedAt: timestampFromDate(at),
    }),
    paymentMetadata(payment, at),
  );
}

export function collectionRejectedEvent(
  payment: CollectionPayment,
  reason: string,
  at: Date,
): PendingEvent {
  return pendingEvent(
    topicCatalogue.paymentEvents,
    paymentV1.PaymentFailedSchema,
    create(paymentV1.PaymentFailedSchema, {
      paymentId: payment.paymentId,
      caseId: payment.caseId,
      debtorId: payment.debtorId,
      amount: money(payment.amountMinor, payment.currency),
      reason,
      failedAt: timestampFromDate(at),
      planId: payment.planId,
      method: paymentV1.PaymentMethod.DIRECT_DEBIT,
    }),
    paymentMetadata(payment, at),
  );
}
