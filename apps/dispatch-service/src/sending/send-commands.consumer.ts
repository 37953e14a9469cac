import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Purpose, Tone } from '@clement/contact-policy';
import { ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import {
  type EventContext,
  handlersFor,
  type Outbox,
  PermanentEventError,
  type TopicHandlers,
} from '@clement/messaging';
import { TENANT_ID_PATTERN, TenantScope } from '../tenancy/tenant-scope';
import type { SenderChannel } from '../tenants/dispatch-tenants';
import { CONTACT_CHANNEL_OF, dispatchEvent, subjectOf } from './dispatch-events';
import type { MessageRequest } from './domain/message';
import type { MessagesRepository } from './messages.repository';

const CHANNELS = new Map<ContactChannel, SenderChannel>(
  Object.entries(CONTACT_CHANNEL_OF).map(([channel, proto]) => [proto, channel as SenderChannel]),
);

const PURPOSES = new Map<dispatchV1.MessagePurpose, Purpose>([
  [dispatchV1.MessagePurpose.REMINDER, 'reminder'],
  [dispatchV1.MessagePurpose.PAYMENT_REQUEST, 'payment_request'],
  [dispatchV1.MessagePurpose.PLAN_REMINDER, 'plan_reminder'],
  [dispatchV1.MessagePurpose.CONFIRMATION, 'confirmation'],
  [dispatchV1.MessagePurpose.SUPPORT, 'support'],
  [dispatchV1.MessagePurpose.COURTESY, 'courtesy'],
  [dispatchV1.MessagePurpose.LEGAL_NOTICE, 'legal_notice'],
]);

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const TEMPLATE_KEY = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*$/;

/** A command that cannot be carried out as written; dead-lettered with the reason. */
class InvalidCommandError extends PermanentEventError {
  constructor(message: string) {
    super(message, 'invalid_command');
  }
}

/**
 * The Kafka edge of sending: records each SendMessage once (its dispatch id is the idempotency
 * key) as a pending message the dispatcher picks up, and cancels pending ones on CancelMessage.
 * Nothing is decided here: the policy runs at send time, on the state of that moment.
 */
export class SendCommandsConsumer {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly outbox: Outbox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  handlers(): TopicHandlers<typeof topicCatalogue.dispatchCommands> {
    return handlersFor(topicCatalogue.dispatchCommands)
      .on(dispatchV1.SendMessageSchema, (command, context) => this.send(command, context))
      .on(dispatchV1.CancelMessageSchema, (command, context) => this.cancel(command, context));
  }

  private async send(command: dispatchV1.SendMessage, context: EventContext): Promise<void> {
    const scope = scopeOf(context, command.debtorId);
    const request = requestOf(command, context, this.clock());
    const dueAt = request.notBefore ?? request.requestedAt;
    const inserted = await this.messages.insert(context.manager, scope, request, dueAt);
    if (!inserted) return; // a repeat of a dispatch id: at most one message per id
    await this.outbox.appendAll(context.manager, [
      dispatchEvent(
        dispatchV1.MessageRequestedSchema,
        {
          dispatchId: request.dispatchId,
          caseId: request.caseId,
          debtorId: request.debtorId,
          channel: command.channel,
          purpose: command.purpose,
          decisionId: request.decisionId ?? '',
        },
        {
          scope,
          debtorId: request.debtorId,
          ...(request.correlationId ? { correlationId: request.correlationId } : {}),
          causationId: context.envelope.id,
        },
      ),
    ]);
  }

  private async cancel(command: dispatchV1.CancelMessage, context: EventContext): Promise<void> {
    if (!ID.test(command.dispatchId)) throw new InvalidCommandError('dispatch_id: is required');
    const scope = tenantScopeOf(context);
    const message = await this.messages.find(context.manager, scope, command.dispatchId, {
      forUpdate: true,
    });
    // Unknown (the SendMessage may still be on its way: it will not be sent, being unknown
    // then; a later SendMessage with the id is a new request) or too late to cancel.
    if (!message || message.status !== 'pending') return;
    if (context.envelope.partitionKey !== scope.key(message.debtorId)) {
      throw new InvalidCommandError(`ce_partitionkey: must be "${scope.key(message.debtorId)}"`);
    }
    message.status = 'cancelled';
    delete message.dueAt;
    message.outcomeCode = command.reason || 'cancelled';
    await this.messages.saveState(context.manager, message);
    await this.outbox.appendAll(context.manager, [
      dispatchEvent(
        dispatchV1.MessageCancelledSchema,
        { dispatchId: message.dispatchId, debtorId: message.debtorId, reason: message.outcomeCode },
        { ...subjectOf(message, scope), causationId: context.envelope.id },
      ),
    ]);
  }
}

function tenantScopeOf(context: EventContext): TenantScope {
  const { tenantId } = context.envelope;
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new PermanentEventError(
      `ce_tenantid: "${tenantId}" is not a tenant id`,
      'invalid_tenant',
    );
  }
  return TenantScope.of(tenantId);
}

function scopeOf(context: EventContext, debtorId: string): TenantScope {
  const scope = tenantScopeOf(context);
  if (!ID.test(debtorId)) throw new InvalidCommandError('debtor_id: is required');
  if (context.envelope.partitionKey !== scope.key(debtorId)) {
    // The key orders one debtor's commands and outcomes; a wrong one could reorder them.
    throw new PermanentEventError(
      `ce_partitionkey: must be "<tenant>:<debtor_id>" ("${scope.key(debtorId)}")`,
      'bad_partition_key',
    );
  }
  return scope;
}

/** Checks what the contract promises; every problem is named in the dead-letter reason. */
export function requestOf(
  command: dispatchV1.SendMessage,
  context: Pick<EventContext, 'envelope'>,
  now: Date,
): MessageRequest {
  const problems: string[] = [];
  if (!ID.test(command.dispatchId))
    problems.push('dispatch_id: is required (1–64 of [A-Za-z0-9._:-])');
  if (!ID.test(command.caseId)) problems.push('case_id: is required');
  const channel = CHANNELS.get(command.channel);
  if (!channel) problems.push('channel: must be SMS, WhatsApp or email');
  const purpose = PURPOSES.get(command.purpose);
  if (!purpose) problems.push('purpose: is required');
  if (!TEMPLATE_KEY.test(command.templateKey)) problems.push('template_key: is required');
  if (command.contactPointId && !ID.test(command.contactPointId)) {
    problems.push('contact_point_id: malformed');
  }
  const notBefore = command.notBefore ? timestampDate(command.notBefore) : undefined;
  const expiresAt = command.expiresAt ? timestampDate(command.expiresAt) : undefined;
  if (notBefore && expiresAt && expiresAt.getTime() <= notBefore.getTime()) {
    problems.push('expires_at: must be after not_before');
  }
  if (problems.length > 0 || !channel || !purpose) {
    throw new InvalidCommandError(problems.join('; '));
  }
  const tone: Tone = command.tone === dispatchV1.MessageTone.SUPPORTIVE ? 'supportive' : 'standard';
  const noPaymentSince = command.validity?.noPaymentSince;
  return {
    dispatchId: command.dispatchId,
    caseId: command.caseId,
    debtorId: command.debtorId,
    channel,
    ...(command.contactPointId ? { requestedContactPointId: command.contactPointId } : {}),
    purpose,
    tone,
    templateKey: command.templateKey,
    origin: 'command',
    ...(notBefore ? { notBefore } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    validity: {
      caseStatuses: [...(command.validity?.caseStatuses ?? [])],
      ...(noPaymentSince ? { noPaymentSince: timestampDate(noPaymentSince) } : {}),
    },
    ...(command.decisionId ? { decisionId: command.decisionId } : {}),
    correlationId: context.envelope.correlationId ?? context.envelope.id,
    requestedAt: now,
  };
}
