import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { SenderChannel } from '../tenants/dispatch-tenants';
import type { MessageRecord } from './domain/message';
import type { PolicyReasonOut } from './domain/send-decision';

const topic = topicCatalogue.dispatchEvents;
type DispatchEventSchema = (typeof topic.messages)[number];

export const CONTACT_CHANNEL_OF: Record<SenderChannel, ContactChannel> = {
  sms: ContactChannel.SMS,
  whatsapp: ContactChannel.WHATSAPP,
  email: ContactChannel.EMAIL,
};

export const PROVIDER_OF = {
  twilio: dispatchV1.Provider.TWILIO,
  sendgrid: dispatchV1.Provider.SENDGRID,
} as const;

/** Ids of the debtor's events; keyed `<tenant>:<debtor>` so one debtor's story stays in order. */
export interface EventSubject {
  scope: TenantScope;
  debtorId: string;
  /** The message's correlation id, so a strategy decision and its outcomes can be joined. */
  correlationId?: string;
  causationId?: string;
}

/**
 * Builds dispatch events for the outbox. Events carry ids and codes only: no address, no text.
 */
export function dispatchEvent<S extends DispatchEventSchema>(
  schema: S,
  init: MessageInitShape<S>,
  subject: EventSubject,
  time?: Date,
): PendingEvent {
  return pendingEvent(topic, schema, create(schema, init) as never, {
    tenantId: subject.scope.tenantId,
    partitionKey: subject.scope.key(subject.debtorId),
    subject: `debtor/${subject.debtorId}`,
    ...(time ? { time } : {}),
    ...(subject.correlationId ? { correlationId: subject.correlationId } : {}),
    ...(subject.causationId ? { causationId: subject.causationId } : {}),
  }) as PendingEvent;
}

export const ts = timestampFromDate;

export function reasonsOut(reasons: readonly PolicyReasonOut[]) {
  return reasons.map((r) => create(dispatchV1.PolicyReasonSchema, r));
}

/** The subject of everything about one message. */
export function subjectOf(message: MessageRecord, scope: TenantScope): EventSubject {
  return {
    scope,
    debtorId: message.debtorId,
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
  };
}
