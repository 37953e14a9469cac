import type { Channel, ContactAttempt, OptEvent } from '@clement/contact-policy';
import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { SenderChannel } from '../tenants/dispatch-tenants';
import type { MessageRecord, MessageRequest, MessageStatus } from './domain/message';

interface MessageRow {
  tenant_id: string;
  dispatch_id: string;
  case_id: string;
  debtor_id: string;
  channel: SenderChannel;
  requested_contact_point_id: string | null;
  purpose: MessageRecord['purpose'];
  tone: MessageRecord['tone'];
  template_key: string;
  origin: MessageRecord['origin'];
  not_before: Date | null;
  expires_at: Date | null;
  validity: { caseStatuses?: string[]; noPaymentSince?: string };
  decision_id: string | null;
  correlation_id: string | null;
  status: MessageStatus;
  due_at: Date | null;
  deferred_until: Date | null;
  attempts: number;
  contact_point_id: string | null;
  provider: MessageRecord['provider'] | null;
  sender: string | null;
  provider_message_id: string | null;
  body_sha256: string | null;
  content_sid: string | null;
  attempt_started_at: Date | null;
  lease_until: Date | null;
  sent_at: Date | null;
  outcome_code: string | null;
  requested_at: Date;
}

/** The columns a state change writes; the request's columns never change after insert. */
const STATE_COLUMNS = [
  ['status', 'status', 'text'],
  ['due_at', 'dueAt', 'timestamptz'],
  ['deferred_until', 'deferredUntil', 'timestamptz'],
  ['attempts', 'attempts', 'int4'],
  ['contact_point_id', 'contactPointId', 'text'],
  ['provider', 'provider', 'text'],
  ['sender', 'sender', 'text'],
  ['provider_message_id', 'providerMessageId', 'text'],
  ['body_sha256', 'bodySha256', 'text'],
  ['content_sid', 'contentSid', 'text'],
  ['attempt_started_at', 'attemptStartedAt', 'timestamptz'],
  ['lease_until', 'leaseUntil', 'timestamptz'],
  ['sent_at', 'sentAt', 'timestamptz'],
  ['outcome_code', 'outcomeCode', 'text'],
] as const satisfies readonly (readonly [string, keyof MessageRecord, string])[];

function toSqlValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

export interface AddressIndexEntry {
  debtorId: string;
  contactPointId: string;
  caseId: string;
  dispatchId: string;
  sentAt: Date;
}

export interface ConsentChange {
  debtorId: string;
  channel: SenderChannel;
  /** Absent: every contact point on the channel (STOPALL). */
  contactPointId?: string;
  kind: 'opt_out' | 'opt_in';
  method: 'keyword' | 'unsubscribe' | 'provider';
  at: Date;
}

/** How far back contact history is read for the policy's rolling caps. */
export const HISTORY_DAYS = 31;

/**
 * Messages, consent changes, the reply address index and the provider-event dedupe table.
 * Tenant-scoped except the few system queries named so (the dispatcher's claims and the webhook
 * look-ups by provider id, which then act in the row's own tenant).
 */
export class MessagesRepository {
  private readonly s: string;

  constructor(schema: string) {
    this.s = assertSqlIdentifier(schema);
  }

  /** False when the dispatch id was seen before (the command is a repeat). */
  async insert(
    db: SqlRunner,
    scope: TenantScope,
    request: MessageRequest,
    dueAt: Date,
  ): Promise<boolean> {
    const rows = rowsOf<{ dispatch_id: string }>(
      await db.query(
        `INSERT INTO "${this.s}"."messages" ("tenant_id", "dispatch_id", "case_id", "debtor_id",
           "channel", "requested_contact_point_id", "purpose", "tone", "template_key", "origin",
           "not_before", "expires_at", "validity", "decision_id", "correlation_id", "status",
           "due_at", "requested_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15,
           'pending', $16, $17)
         ON CONFLICT ("tenant_id", "dispatch_id") DO NOTHING
         RETURNING "dispatch_id"`,
        [
          scope.tenantId,
          request.dispatchId,
          request.caseId,
          request.debtorId,
          request.channel,
          request.requestedContactPointId ?? null,
          request.purpose,
          request.tone,
          request.templateKey,
          request.origin,
          request.notBefore ?? null,
          request.expiresAt ?? null,
          JSON.stringify({
            caseStatuses: request.validity.caseStatuses,
            ...(request.validity.noPaymentSince
              ? { noPaymentSince: request.validity.noPaymentSince.toISOString() }
              : {}),
          }),
          request.decisionId ?? null,
          request.correlationId ?? null,
          dueAt,
          request.requestedAt,
        ],
      ),
    );
    return rows.length === 1;
  }

  async find(
    db: SqlRunner,
    scope: TenantScope,
    dispatchId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<MessageRecord | undefined> {
    const [row] = rowsOf<MessageRow>(
      await db.query(
        `SELECT * FROM "${this.s}"."messages" WHERE "tenant_id" = $1 AND "dispatch_id" = $2
         ${options.forUpdate ? 'FOR UPDATE' : ''}`,
        [scope.tenantId, dispatchId],
      ),
    );
    return row && recordOf(row);
  }

  /** System query: the message a provider id belongs to, locked; the caller acts in its tenant. */
  async findByProviderId(
    db: SqlRunner,
    provider: 'twilio' | 'sendgrid',
    providerMessageId: string,
  ): Promise<MessageRecord | undefined> {
    const [row] = rowsOf<MessageRow>(
      await db.query(
        `SELECT * FROM "${this.s}"."messages" WHERE "provider" = $1 AND "provider_message_id" = $2
         FOR UPDATE`,
        [provider, providerMessageId],
      ),
    );
    return row && recordOf(row);
  }

  /**
   * System query: pending messages that are due, oldest first, locked and skipped by other
   * instances (SKIP LOCKED), so several replicas share the work without sending twice.
   */
  async claimDue(db: SqlRunner, now: Date, limit: number): Promise<MessageRecord[]> {
    return rowsOf<MessageRow>(
      await db.query(
        `SELECT * FROM "${this.s}"."messages"
          WHERE "status" = 'pending' AND "due_at" <= $1
          ORDER BY "due_at" LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      ),
    ).map(recordOf);
  }

  /**
   * System query: attempts whose outcome is not known — an ambiguous answer waiting its turn, or a
   * `sending` whose lease ran out because the instance making the call stopped.
   */
  async claimUnsettled(db: SqlRunner, now: Date, limit: number): Promise<MessageRecord[]> {
    return rowsOf<MessageRow>(
      await db.query(
        `SELECT * FROM "${this.s}"."messages"
          WHERE ("status" = 'reconciling' AND "due_at" <= $1)
             OR ("status" = 'sending' AND "lease_until" <= $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      ),
    ).map(recordOf);
  }

  /** Writes the message's state columns. */
  saveState(db: SqlRunner, message: MessageRecord): Promise<void> {
    return this.saveStates(db, [message]);
  }

  /** Writes several messages' state columns in one statement (a decided batch). */
  async saveStates(db: SqlRunner, messages: readonly MessageRecord[]): Promise<void> {
    if (messages.length === 0) return;
    const keys: unknown[][] = [messages.map((m) => m.tenantId), messages.map((m) => m.dispatchId)];
    const columns = STATE_COLUMNS.map(([column, field]) => {
      keys.push(messages.map((m) => toSqlValue(m[field])));
      return column;
    });
    const types = STATE_COLUMNS.map(([, , type]) => type);
    const selects = ['"tenant_id"', '"dispatch_id"', ...columns.map((c) => `"${c}"`)];
    const unnests = ['text', 'text', ...types].map((type, i) => `$${i + 1}::${type}[]`);
    await db.query(
      `UPDATE "${this.s}"."messages" AS m SET
         ${columns.map((c) => `"${c}" = v."${c}"`).join(', ')}, "updated_at" = now()
       FROM unnest(${unnests.join(', ')}) AS v(${selects.join(', ')})
       WHERE m."tenant_id" = v."tenant_id" AND m."dispatch_id" = v."dispatch_id"`,
      keys,
    );
  }

  /** Attempts in the caps' horizon for several debtors of one tenant, by debtor. */
  async attemptsOfMany(
    db: SqlRunner,
    scope: TenantScope,
    debtorIds: readonly string[],
    now: Date,
  ): Promise<Map<string, ContactAttempt[]>> {
    const rows = rowsOf<{ debtor_id: string; channel: Channel; at: Date; status: MessageStatus }>(
      await db.query(
        `SELECT "debtor_id", "channel", "attempt_started_at" AS "at", "status"
           FROM "${this.s}"."messages"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[]) AND "origin" = 'command'
            AND "attempt_started_at" > $3
            AND "status" IN ('sending', 'reconciling', 'sent', 'delivered', 'read', 'unknown')`,
        [
          scope.tenantId,
          [...new Set(debtorIds)],
          new Date(now.getTime() - HISTORY_DAYS * 86_400_000),
        ],
      ),
    );
    const byDebtor = new Map<string, ContactAttempt[]>();
    for (const row of rows) {
      const list = byDebtor.get(row.debtor_id) ?? [];
      list.push({
        channel: row.channel,
        at: row.at,
        outcome: row.status === 'delivered' || row.status === 'read' ? row.status : 'sent',
      });
      byDebtor.set(row.debtor_id, list);
    }
    return byDebtor;
  }

  async optEventsOfMany(
    db: SqlRunner,
    scope: TenantScope,
    debtorIds: readonly string[],
  ): Promise<Map<string, OptEvent[]>> {
    const rows = rowsOf<{
      debtor_id: string;
      channel: Channel;
      contact_point_id: string | null;
      kind: OptEvent['kind'];
      at: Date;
    }>(
      await db.query(
        `SELECT "debtor_id", "channel", "contact_point_id", "kind", "at"
           FROM "${this.s}"."consent_changes"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[]) ORDER BY "at", "id"`,
        [scope.tenantId, [...new Set(debtorIds)]],
      ),
    );
    const byDebtor = new Map<string, OptEvent[]>();
    for (const row of rows) {
      const list = byDebtor.get(row.debtor_id) ?? [];
      list.push({
        kind: row.kind,
        channel: row.channel,
        ...(row.contact_point_id ? { contactPointId: row.contact_point_id } : {}),
        at: row.at,
      });
      byDebtor.set(row.debtor_id, list);
    }
    return byDebtor;
  }

  /** The last inbound message per debtor on a channel (WhatsApp's 24-hour window). */
  async lastInboundAtMany(
    db: SqlRunner,
    scope: TenantScope,
    debtorIds: readonly string[],
    channel: SenderChannel,
  ): Promise<Map<string, Date>> {
    const rows = rowsOf<{ debtor_id: string; at: Date }>(
      await db.query(
        `SELECT "debtor_id", max("received_at") AS "at" FROM "${this.s}"."inbound_messages"
          WHERE "tenant_id" = $1 AND "debtor_id" = ANY($2::text[]) AND "channel" = $3
          GROUP BY "debtor_id"`,
        [scope.tenantId, [...new Set(debtorIds)], channel],
      ),
    );
    return new Map(rows.map((row) => [row.debtor_id, row.at]));
  }

  async recordConsentChange(
    db: SqlRunner,
    scope: TenantScope,
    change: ConsentChange,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."consent_changes"
         ("tenant_id", "debtor_id", "channel", "contact_point_id", "kind", "method", "at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        scope.tenantId,
        change.debtorId,
        change.channel,
        change.contactPointId ?? null,
        change.kind,
        change.method,
        change.at,
      ],
    );
  }

  /** False when this provider message was recorded before (a redelivered webhook). */
  async insertInbound(
    db: SqlRunner,
    scope: TenantScope,
    inbound: {
      providerMessageId: string;
      debtorId: string;
      contactPointId: string;
      channel: SenderChannel;
      classification: string;
      receivedAt: Date;
    },
  ): Promise<boolean> {
    const rows = rowsOf<{ provider_message_id: string }>(
      await db.query(
        `INSERT INTO "${this.s}"."inbound_messages" ("provider_message_id", "tenant_id",
           "debtor_id", "contact_point_id", "channel", "classification", "received_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ("provider_message_id") DO NOTHING RETURNING "provider_message_id"`,
        [
          inbound.providerMessageId,
          scope.tenantId,
          inbound.debtorId,
          inbound.contactPointId,
          inbound.channel,
          inbound.classification,
          inbound.receivedAt,
        ],
      ),
    );
    return rows.length === 1;
  }

  async indexAddress(
    db: SqlRunner,
    scope: TenantScope,
    addressHash: string,
    entry: AddressIndexEntry,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "${this.s}"."address_index" ("tenant_id", "address_hash", "debtor_id",
         "contact_point_id", "case_id", "dispatch_id", "sent_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("tenant_id", "address_hash") DO UPDATE SET
         "debtor_id" = EXCLUDED."debtor_id", "contact_point_id" = EXCLUDED."contact_point_id",
         "case_id" = EXCLUDED."case_id", "dispatch_id" = EXCLUDED."dispatch_id",
         "sent_at" = EXCLUDED."sent_at"
       WHERE "address_index"."sent_at" <= EXCLUDED."sent_at"`,
      [
        scope.tenantId,
        addressHash,
        entry.debtorId,
        entry.contactPointId,
        entry.caseId,
        entry.dispatchId,
        entry.sentAt,
      ],
    );
  }

  async findAddress(
    db: SqlRunner,
    scope: TenantScope,
    addressHash: string,
  ): Promise<AddressIndexEntry | undefined> {
    const [row] = rowsOf<{
      debtor_id: string;
      contact_point_id: string;
      case_id: string;
      dispatch_id: string;
      sent_at: Date;
    }>(
      await db.query(
        `SELECT "debtor_id", "contact_point_id", "case_id", "dispatch_id", "sent_at"
           FROM "${this.s}"."address_index" WHERE "tenant_id" = $1 AND "address_hash" = $2`,
        [scope.tenantId, addressHash],
      ),
    );
    return (
      row && {
        debtorId: row.debtor_id,
        contactPointId: row.contact_point_id,
        caseId: row.case_id,
        dispatchId: row.dispatch_id,
        sentAt: row.sent_at,
      }
    );
  }

  /** Drops an erased debtor's reply index entries: nothing should match their address any more. */
  async forgetDebtorAddresses(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<void> {
    await db.query(
      `DELETE FROM "${this.s}"."address_index" WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [scope.tenantId, debtorId],
    );
  }

  /** True the first time a provider event is seen; a redelivery answers false. */
  async markProviderEventSeen(
    db: SqlRunner,
    provider: 'twilio' | 'sendgrid',
    eventKey: string,
  ): Promise<boolean> {
    const rows = rowsOf<{ event_key: string }>(
      await db.query(
        `INSERT INTO "${this.s}"."provider_events_seen" ("provider", "event_key") VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING "event_key"`,
        [provider, eventKey],
      ),
    );
    return rows.length === 1;
  }
}

function recordOf(row: MessageRow): MessageRecord {
  const optional = <K extends keyof MessageRecord>(key: K, value: MessageRecord[K] | null) =>
    value === null || value === undefined ? {} : { [key]: value };
  return {
    tenantId: row.tenant_id,
    dispatchId: row.dispatch_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    channel: row.channel,
    ...optional('requestedContactPointId', row.requested_contact_point_id),
    purpose: row.purpose,
    tone: row.tone,
    templateKey: row.template_key,
    origin: row.origin,
    ...optional('notBefore', row.not_before),
    ...optional('expiresAt', row.expires_at),
    validity: {
      caseStatuses: row.validity.caseStatuses ?? [],
      ...(row.validity.noPaymentSince
        ? { noPaymentSince: new Date(row.validity.noPaymentSince) }
        : {}),
    },
    ...optional('decisionId', row.decision_id),
    ...optional('correlationId', row.correlation_id),
    requestedAt: row.requested_at,
    status: row.status,
    ...optional('dueAt', row.due_at),
    ...optional('deferredUntil', row.deferred_until),
    attempts: row.attempts,
    ...optional('contactPointId', row.contact_point_id),
    ...optional('provider', row.provider),
    ...optional('sender', row.sender),
    ...optional('providerMessageId', row.provider_message_id),
    ...optional('bodySha256', row.body_sha256),
    ...optional('contentSid', row.content_sid),
    ...optional('attemptStartedAt', row.attempt_started_at),
    ...optional('leaseUntil', row.lease_until),
    ...optional('sentAt', row.sent_at),
    ...optional('outcomeCode', row.outcome_code),
  };
}
