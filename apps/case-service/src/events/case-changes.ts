import { createHash, randomUUID } from 'node:crypto';
import { type DescMessage, type MessageShape, toJson } from '@bufbuild/protobuf';
import { type Actor, topicCatalogue } from '@clement/contracts';
import { pendingEvent, type PendingEvent, type SchemaOf } from '@clement/messaging';
import type { TenantScope } from '../tenancy/tenant-scope';

type CaseTopic = typeof topicCatalogue.caseEvents;
type CrmOutboundTopic = typeof topicCatalogue.crmOutbound;

/** The event that caused a change, so the events it produces carry its ids. */
export interface Cause {
  readonly id: string;
  readonly correlationId?: string;
}

export interface HistoryEntry {
  readonly debtorId: string;
  readonly caseId: string | null;
  readonly eventId: string;
  readonly eventType: string;
  readonly actor: Actor | undefined;
  readonly details: Record<string, unknown>;
}

// Event types whose payload holds encrypted personal data: the history keeps a summary only.
const SUMMARISED = new Set(['clement.case.v1.ContactPointsChanged']);

/**
 * Everything one unit of work emits: case events for Clement's services, outbound events for the
 * creditor's CRM, and the matching case-history rows. Written together by CaseChangeWriter in the
 * unit of work's transaction, with one statement per table.
 */
export class CaseChanges {
  readonly events: PendingEvent[] = [];
  readonly history: HistoryEntry[] = [];
  private sequence = 0;

  constructor(
    readonly scope: TenantScope,
    private readonly cause?: Cause,
  ) {}

  caseEvent<S extends SchemaOf<CaseTopic>>(
    schema: S,
    message: MessageShape<S>,
    about: { debtorId: string; caseId?: string | null; actor?: Actor },
  ): void {
    const id = this.eventId();
    const subject = about.caseId ? `case/${about.caseId}` : `debtor/${about.debtorId}`;
    this.events.push(
      pendingEvent(topicCatalogue.caseEvents, schema, message, {
        tenantId: this.scope.tenantId,
        partitionKey: this.scope.key(about.debtorId),
        subject,
        id,
        causationId: this.cause?.id,
        correlationId: this.cause?.correlationId ?? this.cause?.id,
      }),
    );
    this.history.push({
      debtorId: about.debtorId,
      caseId: about.caseId ?? null,
      eventId: id,
      eventType: schema.typeName,
      actor: about.actor,
      details: historyDetails(schema, message),
    });
  }

  crmOutbound<S extends SchemaOf<CrmOutboundTopic>>(
    schema: S,
    message: MessageShape<S>,
    creditorDebtorId: string,
  ): void {
    this.events.push(
      pendingEvent(topicCatalogue.crmOutbound, schema, message, {
        tenantId: this.scope.tenantId,
        partitionKey: this.scope.key(creditorDebtorId),
        subject: `debtor/${creditorDebtorId}`,
        id: this.eventId(),
        causationId: this.cause?.id,
        correlationId: this.cause?.correlationId ?? this.cause?.id,
      }),
    );
  }

  get isEmpty(): boolean {
    return this.events.length === 0;
  }

  /** Types of the events recorded so far, in order (tests and logs; no payloads). */
  get eventTypes(): string[] {
    return this.events.map((event) => event.schema.typeName);
  }

  // Derived from the cause so a retried unit of work produces the same ids (the outbox row is
  // written once anyway; stable ids make replays recognisable downstream).
  private eventId(): string {
    this.sequence += 1;
    return this.cause ? derivedId(this.cause.id, this.sequence) : randomUUID();
  }
}

function historyDetails(schema: DescMessage, message: unknown): Record<string, unknown> {
  if (SUMMARISED.has(schema.typeName)) {
    const points = (message as { contactPoints?: unknown[] }).contactPoints ?? [];
    return { contactPoints: points.length };
  }
  return toJson(schema, message as never) as Record<string, unknown>;
}

function derivedId(causeId: string, sequence: number): string {
  const hash = createHash('sha256').update(`${causeId}#${sequence}`).digest('hex');
  // Formatted as a version-8 (custom) UUID.
  const variant = ((parseInt(hash.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-8${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}
