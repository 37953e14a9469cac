import {
  type ContactHistory,
  type OptEvent,
  type Reason,
  evaluateContact,
} from '@clement/contact-policy';
import {
  contactStateFor,
  policyContactPointOf,
} from '../../contact-projection/domain/contact-state';
import type {
  CaseStateRecord,
  ContactPointRecord,
  DebtorProjection,
} from '../../contact-projection/domain/debtor-projection';
import type { DispatchTenant } from '../../tenants/dispatch-tenants';
import type { MessageRecord } from './message';

export interface PolicyReasonOut {
  code: string;
  detail: string;
}

export type SendDecision =
  | { kind: 'send'; contactPoint: ContactPointRecord; reasons: PolicyReasonOut[] }
  | { kind: 'defer'; until: Date; reasons: PolicyReasonOut[] }
  | { kind: 'block'; reasons: PolicyReasonOut[] }
  | { kind: 'cancel'; reason: string };

/** Everything known at send time about the message's debtor, case and tenant. */
export interface SendContext {
  now: Date;
  tenant: DispatchTenant | undefined;
  /** Undefined while the debtor's case events have not reached dispatch yet. */
  projection: DebtorProjection | undefined;
  caseState: CaseStateRecord | undefined;
  history: ContactHistory;
  /** Opt-outs and opt-ins dispatch recorded itself (STOP, START, provider refusals). */
  optEvents: readonly OptEvent[];
  lastInboundWhatsAppAt?: Date;
  /** WhatsApp: the message's template is an approved Content template (else free-form text). */
  whatsappTemplateApproved?: boolean;
}

/** How long a command waits for its debtor's case events before it is blocked. */
export const PROJECTION_WAIT_MS = 24 * 3_600_000;
/** How often it looks again meanwhile. */
export const PROJECTION_RETRY_MS = 30_000;

const CLOSED_CASE_STATUSES = new Set(['CASE_STATUS_RESOLVED', 'CASE_STATUS_CLOSED']);

const KIND_FOR_CHANNEL: Record<MessageRecord['channel'], ContactPointRecord['kind']> = {
  sms: 'mobile',
  whatsapp: 'mobile',
  email: 'email',
};

/**
 * Whether a due message goes now, waits, is blocked or is dropped — decided on the current state,
 * never on the state when it was asked for: a payment, hold or opt-out that arrived meanwhile
 * wins. Pure.
 */
export function decideSend(message: MessageRecord, context: SendContext): SendDecision {
  const { now, tenant, projection } = context;
  if (!tenant) {
    return {
      kind: 'block',
      reasons: [reason('tenant.unknown', 'No dispatch settings for tenant')],
    };
  }
  if (message.expiresAt && message.expiresAt.getTime() <= now.getTime()) {
    return { kind: 'cancel', reason: 'expired' };
  }
  if (projection?.erasedAt) return { kind: 'cancel', reason: 'debtor_erased' };
  if (!projection || projection.contactPoints.length === 0) {
    if (now.getTime() - message.requestedAt.getTime() >= PROJECTION_WAIT_MS) {
      return {
        kind: 'block',
        reasons: [reason('debtor.unknown', 'No contact points known for the debtor')],
      };
    }
    return {
      kind: 'defer',
      until: new Date(now.getTime() + PROJECTION_RETRY_MS),
      reasons: [reason('debtor.pending', 'Waiting for the debtor’s case events')],
    };
  }
  const validity = validityProblem(message, context.caseState);
  if (validity) return { kind: 'cancel', reason: validity };

  const contactPoint = contactPointFor(message, projection);
  if (!contactPoint) {
    return {
      kind: 'block',
      reasons: [
        reason(
          'contact_point.missing',
          message.requestedContactPointId
            ? `Contact point ${message.requestedContactPointId} is not known`
            : `No ${KIND_FOR_CHANNEL[message.channel]} contact point for ${message.channel}`,
        ),
      ],
    };
  }
  if (message.origin === 'auto_reply') {
    // An answer to the debtor's own message (a STOP confirmation, HELP): they just wrote to us.
    return { kind: 'send', contactPoint, reasons: [reason('reply', 'Answers the debtor')] };
  }

  const state = contactStateFor(projection, now, {
    jurisdiction: tenant.jurisdiction,
    caseId: message.caseId,
    optEvents: context.optEvents,
    ...(context.lastInboundWhatsAppAt
      ? { lastInboundWhatsAppAt: context.lastInboundWhatsAppAt }
      : {}),
  });
  const decision = evaluateContact(
    {
      tenantId: tenant.tenantId,
      debtorId: message.debtorId,
      channel: message.channel,
      contactPoint: policyContactPointOf(contactPoint),
      purpose: message.purpose,
      tone: message.tone,
      // Free-form text reaches WhatsApp only within 24 h of the debtor's last message.
      whatsappMessage: context.whatsappTemplateApproved ? 'template' : 'free_form',
    },
    state,
    context.history,
    now,
    tenant.policy,
  );
  const reasons = decision.reasons.map(out);
  switch (decision.outcome) {
    case 'send':
      return { kind: 'send', contactPoint, reasons };
    case 'block':
      return {
        kind: 'block',
        reasons: decision.reasons.filter((r) => r.effect === 'block').map(out),
      };
    case 'defer':
      if (message.expiresAt && decision.until.getTime() >= message.expiresAt.getTime()) {
        return { kind: 'cancel', reason: 'expired' };
      }
      return { kind: 'defer', until: decision.until, reasons };
  }
}

function validityProblem(
  message: MessageRecord,
  caseState: CaseStateRecord | undefined,
): string | undefined {
  const status = caseState?.status;
  const { caseStatuses, noPaymentSince } = message.validity;
  if (message.origin === 'command' && status) {
    if (
      caseStatuses.length > 0 ? !caseStatuses.includes(status) : CLOSED_CASE_STATUSES.has(status)
    ) {
      return 'case_status';
    }
  }
  if (
    noPaymentSince &&
    caseState?.lastPaymentAt &&
    caseState.lastPaymentAt.getTime() > noPaymentSince.getTime()
  ) {
    return 'payment_received';
  }
  return undefined;
}

/** The requested contact point, else the preferred one of the right kind, else the first. */
export function contactPointFor(
  message: Pick<MessageRecord, 'channel' | 'requestedContactPointId'>,
  projection: DebtorProjection,
): ContactPointRecord | undefined {
  const kind = KIND_FOR_CHANNEL[message.channel];
  if (message.requestedContactPointId) {
    return projection.contactPoints.find(
      (point) => point.contactPointId === message.requestedContactPointId && point.kind === kind,
    );
  }
  const suitable = projection.contactPoints.filter((point) => point.kind === kind);
  return suitable.find((point) => point.preferred) ?? suitable[0];
}

function reason(code: string, detail: string): PolicyReasonOut {
  return { code, detail };
}

function out(policyReason: Reason): PolicyReasonOut {
  return { code: policyReason.code, detail: policyReason.detail };
}
