import type { Purpose, Tone } from '@clement/contact-policy';
import type { SenderChannel } from '../../tenants/dispatch-tenants';

/**
 * A message's life in dispatch:
 *
 *   pending ──▶ sending ──▶ sent ──▶ delivered ──▶ read
 *      ▲  │        │  └──▶ reconciling ──▶ sent | pending (not found: safe to retry) | unknown
 *      └──┘        └──▶ failed
 *   pending ──▶ blocked | cancelled
 *
 * `pending` covers new, deferred and waiting-to-retry messages (`due_at` says when to look
 * again). `sending` is recorded and committed before the provider is called; `unknown` is the
 * surfaced state: the provider may have it, asking could not tell, so it is never resent.
 */
export const MESSAGE_STATUSES = [
  'pending',
  'sending',
  'reconciling',
  'sent',
  'delivered',
  'read',
  'failed',
  'blocked',
  'cancelled',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses after which nothing more is attempted (webhooks may still add delivered/read). */
export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set([
  'sent',
  'delivered',
  'read',
  'failed',
  'blocked',
  'cancelled',
  'unknown',
]);

/** `command`: asked for by another service. `auto_reply`: dispatch answering a debtor's reply. */
export type MessageOrigin = 'command' | 'auto_reply';

export interface MessageValidity {
  /** clement.case.v1.CaseStatus names; empty = any open status. */
  caseStatuses: string[];
  /** Drop the message when a payment arrived after this instant. */
  noPaymentSince?: Date;
}

export interface MessageRequest {
  dispatchId: string;
  caseId: string;
  debtorId: string;
  channel: SenderChannel;
  requestedContactPointId?: string;
  purpose: Purpose;
  tone: Tone;
  templateKey: string;
  origin: MessageOrigin;
  notBefore?: Date;
  expiresAt?: Date;
  validity: MessageValidity;
  decisionId?: string;
  correlationId?: string;
  requestedAt: Date;
}

export interface MessageRecord extends MessageRequest {
  tenantId: string;
  status: MessageStatus;
  dueAt?: Date;
  /** The `until` of the last MessageDeferred emitted, so a re-evaluation does not repeat it. */
  deferredUntil?: Date;
  /** Provider calls recorded so far. */
  attempts: number;
  contactPointId?: string;
  provider?: 'twilio' | 'sendgrid';
  /** The sending identity (a number or address; not personal data). */
  sender?: string;
  providerMessageId?: string;
  bodySha256?: string;
  /** Sent as this approved WhatsApp Content template rather than as text. */
  contentSid?: string;
  attemptStartedAt?: Date;
  leaseUntil?: Date;
  sentAt?: Date;
  outcomeCode?: string;
}

/** How far along a delivery report is; a report never moves a message backwards. */
const PROGRESS: Partial<Record<MessageStatus, number>> = {
  sending: 1,
  reconciling: 1,
  unknown: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

/** Whether a provider report of `next` moves a message in `current` forward. */
export function advances(current: MessageStatus, next: 'sent' | 'delivered' | 'read'): boolean {
  const from = PROGRESS[current];
  return from !== undefined && (PROGRESS[next] ?? 0) > from;
}

/** The contact point and provider of a message that has an attempt; a bug if it has none. */
export function attemptTarget(message: MessageRecord): {
  contactPointId: string;
  provider: 'twilio' | 'sendgrid';
} {
  if (!message.contactPointId || !message.provider) {
    throw new Error(`message ${message.dispatchId} has no recorded attempt`);
  }
  return { contactPointId: message.contactPointId, provider: message.provider };
}
