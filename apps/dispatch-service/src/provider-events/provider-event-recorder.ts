import { dispatchV1 } from '@clement/contracts';
import type { Outbox, PendingEvent } from '@clement/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { addressIndex, autoReplyFor, classifyReply, type ReplyIntent } from '../inbound/domain';
import { CONTACT_CHANNEL_OF, dispatchEvent, subjectOf, ts } from '../sending/dispatch-events';
import { advances, type MessageRecord } from '../sending/domain/message';
import type { MessageOutcomes } from '../sending/message-outcomes';
import type { ConsentChange, MessagesRepository } from '../sending/messages.repository';
import { TenantScope } from '../tenancy/tenant-scope';
import { type DispatchTenant, tenantsSendingFrom } from '../tenants/dispatch-tenants';
import type { SendGridEvent } from '../webhooks/domain/sendgrid-events';
import type { TwilioInboundEvent, TwilioStatusEvent } from '../webhooks/domain/twilio-events';
import type { ProviderEventSink } from '../webhooks/provider-event-sink';

/** Twilio errors that retrying cannot fix (unknown or unreachable number, opted out, blocked). */
const PERMANENT_TWILIO_ERRORS = new Set([21211, 21610, 21612, 21614, 30003, 30005, 30006, 63016]);
const TWILIO_OPTED_OUT = 21610;

const INTENTS: Record<ReplyIntent, dispatchV1.ReplyIntent> = {
  pay: dispatchV1.ReplyIntent.PAY,
  balance: dispatchV1.ReplyIntent.BALANCE,
  plan: dispatchV1.ReplyIntent.PLAN,
  speak_to_person: dispatchV1.ReplyIntent.SPEAK_TO_PERSON,
  dispute: dispatchV1.ReplyIntent.DISPUTE,
  help: dispatchV1.ReplyIntent.HELP,
  other: dispatchV1.ReplyIntent.OTHER,
};

export interface ProviderEventRecorderDependencies {
  dataSource: DataSource;
  messages: MessagesRepository;
  outcomes: MessageOutcomes;
  outbox: Outbox;
  tenants: ReadonlyMap<string, DispatchTenant>;
  addressIndexKey: Uint8Array;
  clock: () => Date;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/**
 * What verified provider webhooks mean: delivery reports move messages forward (never back),
 * replies become opt-outs, opt-ins, help requests or conversation events with an intent, and
 * a few of them are answered. Every report is applied once (provider event ids are remembered).
 */
export class ProviderEventRecorder implements ProviderEventSink {
  private readonly log: NonNullable<ProviderEventRecorderDependencies['log']>;

  constructor(private readonly deps: ProviderEventRecorderDependencies) {
    this.log = deps.log ?? (() => undefined);
  }

  async twilioStatus(event: TwilioStatusEvent): Promise<void> {
    // No dedupe table here: a status only ever moves a message forward (sent → delivered →
    // read, or to failed once), so a repeated callback finds nothing to change.
    await this.deps.dataSource.transaction(async (manager) => {
      const message = event.dispatchRef
        ? await this.deps.messages.find(
            manager,
            TenantScope.of(event.dispatchRef.tenantId),
            event.dispatchRef.dispatchId,
            { forUpdate: true },
          )
        : await this.deps.messages.findByProviderId(manager, 'twilio', event.messageSid);
      if (
        !message ||
        (message.providerMessageId && message.providerMessageId !== event.messageSid)
      ) {
        this.log('warn', 'twilio status for a message dispatch does not know; ignored');
        return;
      }
      const now = this.deps.clock();
      switch (event.messageStatus) {
        case 'sent':
        case 'delivered':
        case 'read':
          return this.progress(manager, message, event.messageSid, event.messageStatus, now);
        case 'failed':
        case 'undelivered': {
          const code = String(event.errorCode ?? event.messageStatus);
          const permanent =
            event.messageStatus === 'failed' ||
            (event.errorCode !== undefined && PERMANENT_TWILIO_ERRORS.has(event.errorCode));
          return this.failed(manager, message, event.messageSid, code, permanent, now, {
            optedOut: event.errorCode === TWILIO_OPTED_OUT,
          });
        }
        default:
          return; // queued, sending, accepted…: nothing a debtor's story needs
      }
    });
  }

  async sendgridEvents(events: readonly SendGridEvent[]): Promise<void> {
    await this.deps.dataSource.transaction(async (manager) => {
      for (const event of events) {
        if (
          !(await this.deps.messages.markProviderEventSeen(manager, 'sendgrid', event.sgEventId))
        ) {
          continue;
        }
        const message = await this.sendgridMessage(manager, event);
        if (!message) {
          this.log('warn', `sendgrid ${event.event} for a message dispatch does not know; ignored`);
          continue;
        }
        await this.sendgridEvent(manager, message, event);
      }
    });
  }

  async twilioInbound(event: TwilioInboundEvent): Promise<void> {
    await this.deps.dataSource.transaction(async (manager) => {
      const match = await this.replyMatch(manager, event);
      if (!match) {
        this.log('info', `${event.channel} reply from an address dispatch never messaged; ignored`);
        return;
      }
      const { scope, entry } = match;
      const now = this.deps.clock();
      const classification = classifyReply(event.body);
      const first = await this.deps.messages.insertInbound(manager, scope, {
        providerMessageId: event.messageSid,
        debtorId: entry.debtorId,
        contactPointId: entry.contactPointId,
        channel: event.channel,
        classification:
          classification.kind === 'reply' ? classification.intent : classification.kind,
        receivedAt: now,
      });
      if (!first) return; // a redelivered webhook
      const subject = { scope, debtorId: entry.debtorId };
      const events: PendingEvent[] = [];
      if (classification.kind === 'opt_out' || classification.kind === 'opt_in') {
        const change: ConsentChange = {
          debtorId: entry.debtorId,
          channel: event.channel,
          ...(classification.kind === 'opt_out' && classification.scope === 'all'
            ? {}
            : { contactPointId: entry.contactPointId }),
          kind: classification.kind,
          method: 'keyword',
          at: now,
        };
        await this.deps.messages.recordConsentChange(manager, scope, change);
        events.push(consentEvent(change, dispatchV1.ConsentChangeMethod.KEYWORD, subject, now));
      } else {
        events.push(
          dispatchEvent(
            dispatchV1.ReplyReceivedSchema,
            {
              debtorId: entry.debtorId,
              caseId: entry.caseId,
              channel: CONTACT_CHANNEL_OF[event.channel],
              contactPointId: entry.contactPointId,
              intent: INTENTS[classification.kind === 'help' ? 'help' : classification.intent],
              inReplyToDispatchId: entry.dispatchId,
              receivedAt: ts(now),
            },
            subject,
            now,
          ),
        );
      }
      const reply = autoReplyFor(classification);
      if (reply) {
        // The answer is a message like any other (recorded, sent by the dispatcher, reported).
        await this.deps.messages.insert(
          manager,
          scope,
          {
            dispatchId: `reply-${event.messageSid}`,
            caseId: entry.caseId,
            debtorId: entry.debtorId,
            channel: event.channel,
            requestedContactPointId: entry.contactPointId,
            purpose: reply.purpose,
            tone: 'standard',
            templateKey: reply.templateKey,
            origin: 'auto_reply',
            validity: { caseStatuses: [] },
            requestedAt: now,
          },
          now,
        );
      }
      await this.deps.outbox.appendAll(manager, events);
    });
  }

  // ---- delivery reports -------------------------------------------------------------------

  private async progress(
    manager: EntityManager,
    message: MessageRecord,
    providerMessageId: string,
    next: 'sent' | 'delivered' | 'read',
    now: Date,
    at: Date = now,
  ): Promise<void> {
    if (message.sentAt !== undefined && !advances(message.status, next)) return; // nothing new
    const events: PendingEvent[] = [];
    if (message.sentAt === undefined) {
      // The report came before the send's answer was recorded, or settles an unknown outcome.
      events.push(...(await this.deps.outcomes.markSent(manager, message, providerMessageId, now)));
    }
    if (advances(message.status, next)) {
      message.status = next;
      const ids = { dispatchId: message.dispatchId, debtorId: message.debtorId };
      const subject = subjectOf(message, TenantScope.of(message.tenantId));
      if (next === 'delivered') {
        events.push(
          dispatchEvent(
            dispatchV1.MessageDeliveredSchema,
            { ...ids, deliveredAt: ts(at) },
            subject,
            now,
          ),
        );
      } else if (next === 'read') {
        events.push(
          dispatchEvent(dispatchV1.MessageReadSchema, { ...ids, readAt: ts(at) }, subject, now),
        );
      }
    }
    await this.deps.messages.saveState(manager, message);
    await this.deps.outbox.appendAll(manager, events);
  }

  private async failed(
    manager: EntityManager,
    message: MessageRecord,
    providerMessageId: string,
    code: string,
    permanent: boolean,
    now: Date,
    options: { optedOut: boolean },
  ): Promise<void> {
    if (
      message.status === 'failed' ||
      message.status === 'blocked' ||
      message.status === 'cancelled'
    ) {
      return;
    }
    message.providerMessageId ??= providerMessageId;
    const events = this.deps.outcomes.fail(message, code, permanent, now);
    if (options.optedOut && message.contactPointId) {
      const scope = TenantScope.of(message.tenantId);
      const change: ConsentChange = {
        debtorId: message.debtorId,
        channel: message.channel,
        contactPointId: message.contactPointId,
        kind: 'opt_out',
        method: 'provider',
        at: now,
      };
      await this.deps.messages.recordConsentChange(manager, scope, change);
      events.push(
        consentEvent(
          change,
          dispatchV1.ConsentChangeMethod.PROVIDER,
          { scope, debtorId: message.debtorId },
          now,
        ),
      );
    }
    await this.deps.messages.saveState(manager, message);
    await this.deps.outbox.appendAll(manager, events);
  }

  private async sendgridMessage(
    manager: EntityManager,
    event: SendGridEvent,
  ): Promise<MessageRecord | undefined> {
    if (event.tenantId && event.dispatchId && this.deps.tenants.has(event.tenantId)) {
      return this.deps.messages.find(manager, TenantScope.of(event.tenantId), event.dispatchId, {
        forUpdate: true,
      });
    }
    // `<X-Message-Id>.<filter…>`: the part before the first dot is what the send returned.
    const messageId = event.sgMessageId?.split('.')[0];
    return messageId
      ? this.deps.messages.findByProviderId(manager, 'sendgrid', messageId)
      : undefined;
  }

  private async sendgridEvent(
    manager: EntityManager,
    message: MessageRecord,
    event: SendGridEvent,
  ): Promise<void> {
    const now = this.deps.clock();
    const providerMessageId = message.providerMessageId ?? event.sgMessageId?.split('.')[0] ?? '';
    const scope = TenantScope.of(message.tenantId);
    const subject = subjectOf(message, scope);
    switch (event.event) {
      case 'processed':
        return this.progress(manager, message, providerMessageId, 'sent', now, event.timestamp);
      case 'delivered':
        return this.progress(
          manager,
          message,
          providerMessageId,
          'delivered',
          now,
          event.timestamp,
        );
      case 'open':
        return this.progress(manager, message, providerMessageId, 'read', now, event.timestamp);
      case 'click':
        await this.deps.outbox.appendAll(manager, [
          dispatchEvent(
            dispatchV1.LinkClickedSchema,
            {
              dispatchId: message.dispatchId,
              debtorId: message.debtorId,
              clickedAt: ts(event.timestamp),
            },
            subject,
            now,
          ),
        ]);
        return;
      case 'bounce':
      case 'dropped':
        return this.failed(manager, message, providerMessageId, event.event, true, now, {
          optedOut: false,
        });
      case 'deferred':
        return;
      case 'spamreport':
      case 'unsubscribe':
      case 'group_unsubscribe':
      case 'group_resubscribe': {
        if (!message.contactPointId) return;
        const change: ConsentChange = {
          debtorId: message.debtorId,
          channel: 'email',
          contactPointId: message.contactPointId,
          kind: event.event === 'group_resubscribe' ? 'opt_in' : 'opt_out',
          method: 'unsubscribe',
          at: event.timestamp,
        };
        await this.deps.messages.recordConsentChange(manager, scope, change);
        await this.deps.outbox.appendAll(manager, [
          consentEvent(change, dispatchV1.ConsentChangeMethod.UNSUBSCRIBE, subject, now),
        ]);
        return;
      }
    }
  }

  // ---- replies ----------------------------------------------------------------------------

  /** The debtor last messaged at the reply's address, among the tenants sending from `to`. */
  private async replyMatch(manager: EntityManager, event: TwilioInboundEvent) {
    let best:
      | {
          scope: TenantScope;
          entry: NonNullable<Awaited<ReturnType<MessagesRepository['findAddress']>>>;
        }
      | undefined;
    for (const tenant of tenantsSendingFrom(this.deps.tenants, event.channel, event.to)) {
      const scope = TenantScope.of(tenant.tenantId);
      let hash: string;
      try {
        hash = addressIndex(this.deps.addressIndexKey, tenant.tenantId, event.channel, event.from);
      } catch {
        return undefined; // not a phone number we could have messaged
      }
      const entry = await this.deps.messages.findAddress(manager, scope, hash);
      if (entry && (!best || entry.sentAt > best.entry.sentAt)) best = { scope, entry };
    }
    return best;
  }
}

function consentEvent(
  change: ConsentChange,
  method: dispatchV1.ConsentChangeMethod,
  subject: { scope: TenantScope; debtorId: string },
  now: Date,
): PendingEvent {
  const common = {
    debtorId: change.debtorId,
    channel: CONTACT_CHANNEL_OF[change.channel],
    // Empty for STOPALL: every contact point on the channel.
    contactPointId: change.contactPointId ?? '',
    method,
  };
  return change.kind === 'opt_out'
    ? dispatchEvent(
        dispatchV1.ContactOptedOutSchema,
        { ...common, optedOutAt: ts(change.at) },
        subject,
        now,
      )
    : dispatchEvent(
        dispatchV1.ContactOptedInSchema,
        { ...common, optedInAt: ts(change.at) },
        subject,
        now,
      );
}
