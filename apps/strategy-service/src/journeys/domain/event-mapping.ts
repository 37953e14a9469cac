import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import {
  caseV1,
  ConsentStatus,
  ContactChannel,
  dispatchV1,
  HoldKind,
  type Money,
  paymentV1,
  type portalV1,
  type strategyV1,
  VulnerabilityCategory,
} from '@clement/contracts';
import type {
  EngineChannel,
  EngineEvent,
  HoldKind as PolicyHoldKind,
  Instant,
  MessageOutcome,
  ReplyIntent,
  VulnerabilityCategory as PolicyVulnerabilityCategory,
} from '@clement/strategy-engine';

/**
 * Pure maps from the case, dispatch, payment and portal contracts onto the engine's events.
 * An event that breaks its contract throws InvalidJourneyEventError (the consumer dead-letters
 * it); one the engine has no use for maps to undefined.
 */

export class InvalidJourneyEventError extends Error {
  override readonly name = 'InvalidJourneyEventError';
}

/** An engine event and the journeys it is about: one case, or every case of the debtor. */
export interface JourneyEvent {
  debtorId: string;
  /** Absent: the event is about the debtor, so it applies to each of their cases. */
  caseId?: string;
  event: EngineEvent;
}

/** What every mapping needs besides the message. */
export interface MappingContext {
  tenantId: string;
  /** The CloudEvents id, named by the decisions the event causes. */
  eventId: string;
  /** When the message carries no time of its own. */
  now: Instant;
}

type Mapper<M> = (message: M, context: MappingContext) => JourneyEvent | undefined;

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

function required(field: string, value: string): string {
  if (!ID.test(value)) throw new InvalidJourneyEventError(`${field}: is required`);
  return value;
}

function instantOf(timestamp: Timestamp | undefined, context: MappingContext): Instant {
  return timestamp ? timestampMs(timestamp) : context.now;
}

function minorUnits(field: string, money: Money | undefined): number {
  if (!money) throw new InvalidJourneyEventError(`${field}: is required`);
  const value = Number(money.amountMinor);
  if (!Number.isSafeInteger(value)) throw new InvalidJourneyEventError(`${field}: out of range`);
  return value;
}

function base(context: MappingContext, at: Instant): { eventId: string; at: Instant } {
  return { eventId: context.eventId, at };
}

const HOLD_KINDS: Partial<Record<HoldKind, PolicyHoldKind>> = {
  [HoldKind.DISPUTE]: 'dispute',
  [HoldKind.CEASE_AND_DESIST]: 'cease_and_desist',
  [HoldKind.INSOLVENCY]: 'insolvency',
  [HoldKind.DECEASED]: 'deceased',
  [HoldKind.BREATHING_SPACE]: 'breathing_space',
  [HoldKind.OTHER]: 'other',
};

const VULNERABILITY_CATEGORIES: Partial<
  Record<VulnerabilityCategory, PolicyVulnerabilityCategory>
> = {
  [VulnerabilityCategory.HEALTH]: 'health',
  [VulnerabilityCategory.LIFE_EVENT]: 'life_event',
  [VulnerabilityCategory.LOW_RESILIENCE]: 'low_resilience',
  [VulnerabilityCategory.LOW_CAPABILITY]: 'low_capability',
};

const ENGINE_CHANNELS: Partial<Record<ContactChannel, EngineChannel>> = {
  [ContactChannel.SMS]: 'sms',
  [ContactChannel.WHATSAPP]: 'whatsapp',
  [ContactChannel.EMAIL]: 'email',
};

/** The channels a contact point of this kind reaches. */
const KIND_CHANNELS: Partial<Record<caseV1.ContactPointKind, EngineChannel[]>> = {
  [caseV1.ContactPointKind.MOBILE]: ['sms', 'whatsapp'],
  [caseV1.ContactPointKind.EMAIL]: ['email'],
};

const BALANCE_REASONS: Record<
  caseV1.BalanceChangeReason,
  'payment' | 'creditor_update' | 'account_added' | 'recalled' | 'other'
> = {
  [caseV1.BalanceChangeReason.UNSPECIFIED]: 'other',
  [caseV1.BalanceChangeReason.ACCOUNT_ADDED]: 'account_added',
  [caseV1.BalanceChangeReason.CREDITOR_UPDATE]: 'creditor_update',
  [caseV1.BalanceChangeReason.PAYMENT]: 'payment',
  [caseV1.BalanceChangeReason.RECALLED]: 'recalled',
  // A refund or chargeback raises the balance again; the engine treats it as any other change.
  [caseV1.BalanceChangeReason.PAYMENT_REVERSED]: 'other',
};

const REPLY_INTENTS: Record<dispatchV1.ReplyIntent, ReplyIntent> = {
  [dispatchV1.ReplyIntent.UNSPECIFIED]: 'other',
  [dispatchV1.ReplyIntent.PAY]: 'pay',
  [dispatchV1.ReplyIntent.BALANCE]: 'balance',
  [dispatchV1.ReplyIntent.PLAN]: 'plan',
  [dispatchV1.ReplyIntent.SPEAK_TO_PERSON]: 'agent',
  [dispatchV1.ReplyIntent.DISPUTE]: 'dispute',
  [dispatchV1.ReplyIntent.HELP]: 'other',
  [dispatchV1.ReplyIntent.OTHER]: 'other',
};

// ---- case.internal.events.v1 ----

export const casePlaced: Mapper<caseV1.CasePlaced> = (m, context) => {
  const caseId = required('case_id', m.caseId);
  if (!m.totalBalance?.currency) throw new InvalidJourneyEventError('total_balance: is required');
  return {
    debtorId: m.debtorId,
    caseId,
    event: {
      type: 'case_placed',
      ...base(context, instantOf(m.placedAt, context)),
      tenantId: context.tenantId,
      caseId,
      debtorId: m.debtorId,
      balanceMinor: minorUnits('total_balance', m.totalBalance),
      currency: m.totalBalance.currency,
      daysPastDue: Math.max(0, ...m.accounts.map((account) => account.daysPastDue)),
      productTypes: [...new Set(m.accounts.map((a) => a.productType).filter(Boolean))],
    },
  };
};

export const balanceChanged: Mapper<caseV1.BalanceChanged> = (m, context) => ({
  debtorId: m.debtorId,
  caseId: required('case_id', m.caseId),
  event: {
    type: 'balance_changed',
    ...base(context, context.now),
    balanceMinor: minorUnits('total_balance', m.totalBalance),
    reason: BALANCE_REASONS[m.reason] ?? 'other',
  },
});

export const holdPlaced: Mapper<caseV1.HoldPlaced> = (m, context) => ({
  debtorId: m.debtorId,
  caseId: required('case_id', m.caseId),
  event: {
    type: 'hold_placed',
    ...base(context, instantOf(m.startsAt, context)),
    holdId: required('hold_id', m.holdId),
    // Fail closed: a hold of a kind this service does not know still stops the path.
    kind: HOLD_KINDS[m.kind] ?? 'other',
    ...(m.endsAt ? { endsAt: timestampMs(m.endsAt) } : {}),
  },
});

export const holdLifted: Mapper<caseV1.HoldLifted> = (m, context) => ({
  debtorId: m.debtorId,
  caseId: required('case_id', m.caseId),
  event: {
    type: 'hold_lifted',
    ...base(context, instantOf(m.liftedAt, context)),
    holdId: required('hold_id', m.holdId),
  },
});

export const vulnerabilityFlagged: Mapper<caseV1.VulnerabilityFlagged> = (m, context) => ({
  debtorId: m.debtorId,
  event: {
    type: 'vulnerability_flagged',
    ...base(context, context.now),
    categories: [
      ...new Set(
        m.categories.map((category) => {
          const mapped = VULNERABILITY_CATEGORIES[category];
          if (!mapped) {
            throw new InvalidJourneyEventError(`categories: unknown category ${category}`);
          }
          return mapped;
        }),
      ),
    ],
  },
});

export const contactPointsChanged: Mapper<caseV1.ContactPointsChanged> = (m, context) => {
  const channels = new Set<EngineChannel>();
  const timeZones = new Set<string>();
  for (const point of m.contactPoints) {
    const reachable = KIND_CHANNELS[point.kind] ?? [];
    for (const channel of reachable) {
      const withdrawn = point.consents.some(
        (consent) =>
          ENGINE_CHANNELS[consent.channel] === channel &&
          consent.status === ConsentStatus.WITHDRAWN,
      );
      if (!withdrawn) channels.add(channel);
    }
    if (reachable.length > 0 && point.timeZone) timeZones.add(point.timeZone);
  }
  return {
    debtorId: m.debtorId,
    event: {
      type: 'contact_points_changed',
      ...base(context, context.now),
      // A stable order, so the same contact points always give the same facts.
      channels: (['whatsapp', 'sms', 'email'] as const).filter((c) => channels.has(c)),
      timeZones: [...timeZones],
      ...(m.preferredLanguage ? { language: m.preferredLanguage } : {}),
    },
  };
};

export const caseResolved: Mapper<caseV1.CaseResolved> = (m, context) => ({
  debtorId: m.debtorId,
  caseId: required('case_id', m.caseId),
  event: { type: 'case_resolved', ...base(context, instantOf(m.resolvedAt, context)) },
});

export const debtorErased: Mapper<caseV1.DebtorErased> = (m, context) => ({
  debtorId: m.debtorId,
  event: { type: 'debtor_erased', ...base(context, instantOf(m.erasedAt, context)) },
});

export const creditorPaymentReported: Mapper<caseV1.CreditorPaymentReported> = (m, context) => {
  const caseId = required('case_id', m.caseId);
  // A reversal takes money back: it is no reason to stop or pause contact.
  if (m.reversed) return undefined;
  const paidAt = instantOf(m.paidAt, context);
  return {
    debtorId: m.debtorId,
    caseId,
    event: {
      type: 'payment',
      ...base(context, paidAt),
      paymentId: m.creditorPaymentReference || `${m.accountId}:${paidAt}`,
      amountMinor: minorUnits('amount', m.amount),
      source: 'creditor',
    },
  };
};

// ---- dispatch.internal.events.v1 (about one message; the engine knows which case sent it) ----

function outcome(
  outcomeName: MessageOutcome,
  extra: { reasons?: string[]; permanent?: boolean } = {},
): Mapper<{ dispatchId: string; debtorId: string }> {
  return (m, context) => ({
    debtorId: m.debtorId,
    event: {
      type: 'message_outcome',
      ...base(context, context.now),
      dispatchId: required('dispatch_id', m.dispatchId),
      outcome: outcomeName,
      ...extra,
    },
  });
}

export const messageSent: Mapper<dispatchV1.MessageSent> = outcome('sent');
export const messageDelivered: Mapper<dispatchV1.MessageDelivered> = outcome('delivered');
export const messageRead: Mapper<dispatchV1.MessageRead> = outcome('read');
export const linkClicked: Mapper<dispatchV1.LinkClicked> = outcome('clicked');
export const messageCancelled: Mapper<dispatchV1.MessageCancelled> = outcome('cancelled');
export const messageOutcomeUnknown: Mapper<dispatchV1.MessageOutcomeUnknown> = outcome('unknown');
export const messageBlocked: Mapper<dispatchV1.MessageBlocked> = (m, context) =>
  outcome('blocked', { reasons: m.reasons.map((r) => r.code) })(m, context);
export const messageDeferred: Mapper<dispatchV1.MessageDeferred> = (m, context) =>
  outcome('deferred', { reasons: m.reasons.map((r) => r.code) })(m, context);
export const messageFailed: Mapper<dispatchV1.MessageFailed> = (m, context) =>
  outcome('failed', {
    reasons: m.errorCode ? [m.errorCode] : [],
    permanent: m.permanent,
  })(m, context);

export const replyReceived: Mapper<dispatchV1.ReplyReceived> = (m, context) => {
  const channel = ENGINE_CHANNELS[m.channel];
  if (!channel) throw new InvalidJourneyEventError('channel: must be SMS, WhatsApp or email');
  return {
    debtorId: m.debtorId,
    ...(m.caseId ? { caseId: m.caseId } : {}),
    event: {
      type: 'reply_received',
      ...base(context, instantOf(m.receivedAt, context)),
      channel,
      intent: REPLY_INTENTS[m.intent] ?? 'other',
      ...(m.inReplyToDispatchId ? { dispatchId: m.inReplyToDispatchId } : {}),
    },
  };
};

function consentChange(
  type: 'opted_out' | 'opted_in',
): Mapper<{ debtorId: string; channel: ContactChannel }> {
  return (m, context) => {
    const channel = ENGINE_CHANNELS[m.channel];
    // Voice and letters are not channels the engine sends on.
    if (!channel) return undefined;
    return { debtorId: m.debtorId, event: { type, ...base(context, context.now), channel } };
  };
}

export const contactOptedOut: Mapper<dispatchV1.ContactOptedOut> = consentChange('opted_out');
export const contactOptedIn: Mapper<dispatchV1.ContactOptedIn> = consentChange('opted_in');

// ---- payment.internal.events.v1 ----

export const paymentSucceeded: Mapper<paymentV1.PaymentSucceeded> = (m, context) => ({
  debtorId: m.debtorId,
  caseId: required('case_id', m.caseId),
  event: {
    type: 'payment',
    ...base(context, instantOf(m.paidAt, context)),
    paymentId: required('payment_id', m.paymentId),
    amountMinor: minorUnits('amount', m.amount),
    source: 'clement',
  },
});

export const promiseMade: Mapper<paymentV1.PromiseMade> = (m, context) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(m.dueDate)) {
    throw new InvalidJourneyEventError('due_date: must be YYYY-MM-DD');
  }
  return {
    debtorId: m.debtorId,
    caseId: required('case_id', m.caseId),
    event: {
      type: 'promise_made',
      ...base(context, context.now),
      promiseId: required('promise_id', m.promiseId),
      amountMinor: minorUnits('amount', m.amount),
      dueDate: m.dueDate,
      graceDays: m.graceDays,
    },
  };
};

function promiseSettled(
  type: 'promise_kept' | 'promise_broken',
): Mapper<{ promiseId: string; caseId: string; debtorId: string }> {
  return (m, context) => ({
    debtorId: m.debtorId,
    caseId: required('case_id', m.caseId),
    event: { type, ...base(context, context.now), promiseId: required('promise_id', m.promiseId) },
  });
}

export const promiseKept: Mapper<paymentV1.PromiseKept> = promiseSettled('promise_kept');
export const promiseBroken: Mapper<paymentV1.PromiseBroken> = promiseSettled('promise_broken');

function planInstalments(type: 'plan_created' | 'plan_changed'): Mapper<{
  planId: string;
  caseId: string;
  debtorId: string;
  instalments: paymentV1.Instalment[];
}> {
  return (m, context) => ({
    debtorId: m.debtorId,
    caseId: required('case_id', m.caseId),
    event: {
      type,
      ...base(context, context.now),
      planId: required('plan_id', m.planId),
      instalments: m.instalments.map((instalment, index) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(instalment.dueDate)) {
          throw new InvalidJourneyEventError(`instalments[${index}].due_date: must be YYYY-MM-DD`);
        }
        return {
          dueDate: instalment.dueDate,
          amountMinor: minorUnits(`instalments[${index}].amount`, instalment.amount),
        };
      }),
    },
  });
}

export const planCreated: Mapper<paymentV1.PlanCreated> = planInstalments('plan_created');
export const planChanged: Mapper<paymentV1.PlanChanged> = planInstalments('plan_changed');

function planSettled(
  type: 'plan_breached' | 'plan_completed' | 'plan_cancelled',
): Mapper<{ planId: string; caseId: string; debtorId: string }> {
  return (m, context) => ({
    debtorId: m.debtorId,
    caseId: required('case_id', m.caseId),
    event: { type, ...base(context, context.now), planId: required('plan_id', m.planId) },
  });
}

export const planBreached: Mapper<paymentV1.PlanBreached> = planSettled('plan_breached');
export const planCompleted: Mapper<paymentV1.PlanCompleted> = planSettled('plan_completed');
export const planCancelled: Mapper<paymentV1.PlanCancelled> = planSettled('plan_cancelled');

// ---- portal.internal.events.v1 ----

export const portalVisited: Mapper<portalV1.PortalVisited> = (m, context) => ({
  debtorId: m.debtorId,
  ...(m.caseId ? { caseId: m.caseId } : {}),
  event: {
    type: 'portal_visited',
    ...base(context, instantOf(m.visitedAt, context)),
    ...(m.dispatchId ? { dispatchId: m.dispatchId } : {}),
  },
});

/** An agent finished a task the engine created (paths may wait for it: `on: task_completed`). */
export const agentTaskCompleted: Mapper<strategyV1.AgentTaskCompleted> = (m, context) => ({
  debtorId: m.debtorId,
  ...(m.caseId ? { caseId: m.caseId } : {}),
  event: {
    type: 'task_completed',
    ...base(context, instantOf(m.completedAt, context)),
    taskId: m.taskId,
    outcome: m.outcome,
  },
});

/** Debtor-level events a case placed later must still learn about (the latest of each kind). */
export const REMEMBERED_DEBTOR_EVENTS = [
  'contact_points_changed',
  'vulnerability_flagged',
] as const;
export type RememberedDebtorEventType = (typeof REMEMBERED_DEBTOR_EVENTS)[number];

export function isRememberedDebtorEvent(
  event: EngineEvent,
): event is Extract<EngineEvent, { type: RememberedDebtorEventType }> {
  return (REMEMBERED_DEBTOR_EVENTS as readonly string[]).includes(event.type);
}
