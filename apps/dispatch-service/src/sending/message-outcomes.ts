import { dispatchV1 } from '@clement/contracts';
import type { PendingEvent } from '@clement/messaging';
import type { EntityManager } from 'typeorm';
import type { SqlRunner } from '../persistence/sql-runner';
import { addressIndex } from '../inbound/domain';
import { TenantScope } from '../tenancy/tenant-scope';
import { CONTACT_CHANNEL_OF, dispatchEvent, PROVIDER_OF, subjectOf, ts } from './dispatch-events';
import { attemptTarget, type MessageRecord } from './domain/message';
import type { MessagesRepository } from './messages.repository';

/**
 * The final outcomes both the dispatcher (a provider's answer) and the webhooks (a provider's
 * report) record, so a message is marked sent or failed the same way whoever learns it first.
 */
export class MessageOutcomes {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly addressIndexKey: Uint8Array,
  ) {}

  /**
   * Remembers who was messaged at an address (HMAC of it, never the address) so a reply from it
   * finds the debtor; the newest message to an address wins.
   */
  async indexAddress(db: SqlRunner, message: MessageRecord, address: string): Promise<void> {
    await this.messages.indexAddress(
      db,
      TenantScope.of(message.tenantId),
      addressIndex(this.addressIndexKey, message.tenantId, message.channel, address),
      {
        debtorId: message.debtorId,
        contactPointId: attemptTarget(message).contactPointId,
        caseId: message.caseId,
        dispatchId: message.dispatchId,
        sentAt: message.attemptStartedAt ?? new Date(),
      },
    );
  }

  /** Sent: emits MessageSent once, and indexes the address so replies find the debtor. */
  async markSent(
    manager: EntityManager,
    current: MessageRecord,
    providerMessageId: string,
    now: Date,
  ): Promise<PendingEvent[]> {
    const scope = TenantScope.of(current.tenantId);
    const firstReport = current.sentAt === undefined;
    // SendGrid may accept without an X-Message-Id: keep none rather than an empty id.
    if (providerMessageId !== '') current.providerMessageId ??= providerMessageId;
    if (
      current.status === 'sending' ||
      current.status === 'reconciling' ||
      current.status === 'unknown'
    ) {
      current.status = 'sent';
    }
    delete current.leaseUntil;
    delete current.dueAt;
    current.sentAt ??= now;
    if (!firstReport) return [];
    return [
      dispatchEvent(
        dispatchV1.MessageSentSchema,
        {
          dispatchId: current.dispatchId,
          debtorId: current.debtorId,
          provider: PROVIDER_OF[attemptTarget(current).provider],
          providerMessageId: current.providerMessageId ?? '',
          contactPointId: attemptTarget(current).contactPointId,
          channel: CONTACT_CHANNEL_OF[current.channel],
          sentAt: ts(current.sentAt),
        },
        subjectOf(current, scope),
        now,
      ),
    ];
  }

  fail(current: MessageRecord, code: string, permanent: boolean, now: Date) {
    current.status = 'failed';
    current.outcomeCode = code;
    delete current.dueAt;
    delete current.leaseUntil;
    return [
      dispatchEvent(
        dispatchV1.MessageFailedSchema,
        {
          dispatchId: current.dispatchId,
          debtorId: current.debtorId,
          errorCode: code,
          permanent,
          failedAt: ts(now),
        },
        subjectOf(current, TenantScope.of(current.tenantId)),
        now,
      ),
    ];
  }
}
