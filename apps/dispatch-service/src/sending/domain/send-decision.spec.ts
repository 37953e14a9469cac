import {
  type ContactHistory,
  type OptEvent,
  type PolicyOverride,
  policyFor,
} from '@clement/contact-policy';
import type {
  CaseStateRecord,
  ContactPointRecord,
  DebtorProjection,
  HoldRecord,
} from '../../contact-projection/domain/debtor-projection';
import type { DispatchTenant } from '../../tenants/dispatch-tenants';
import type { MessageRecord } from './message';
import {
  contactPointFor,
  decideSend,
  PROJECTION_RETRY_MS,
  PROJECTION_WAIT_MS,
  type SendContext,
  type SendDecision,
} from './send-decision';

// A Wednesday in British Summer Time, so London local time is UTC+1 (never the server's zone).
const NOW = new Date('2026-06-17T11:00:00Z'); // 12:00 in London
const LATE = new Date('2026-06-17T22:00:00Z'); // 23:00 in London, outside 08:00–21:00
const NEXT_MORNING = new Date('2026-06-18T07:00:00Z'); // Thursday 08:00 in London
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number, from: Date = NOW) => new Date(from.getTime() - ms);
const later = (ms: number, from: Date = NOW) => new Date(from.getTime() + ms);

function tenant(override?: PolicyOverride): DispatchTenant {
  const policy = policyFor('UK_FCA', override);
  if (!policy) throw new Error('UK_FCA preset missing');
  return {
    tenantId: 'acme-bank',
    brand: 'Acme Bank',
    jurisdiction: 'UK_FCA',
    policy,
    senders: { sms: { from: '+447700900123' }, email: { from: 'hello@acme.example' } },
    templates: [],
  };
}

function point(overrides: Partial<ContactPointRecord> = {}): ContactPointRecord {
  return {
    contactPointId: 'cp-mobile',
    kind: 'mobile',
    value: new Uint8Array([1, 2, 3]),
    consents: [],
    timeZone: 'Europe/London',
    preferred: true,
    ...overrides,
  };
}

const MOBILE = point();
const WHATSAPP_CONSENTED = point({
  consents: [{ channel: 'whatsapp', status: 'granted', recordedAt: ago(30 * DAY) }],
});
const SECOND_MOBILE = point({ contactPointId: 'cp-mobile-2', preferred: false });
const EMAIL = point({ contactPointId: 'cp-email', kind: 'email', preferred: false });
const WORK_EMAIL = point({ contactPointId: 'cp-email-2', kind: 'email', preferred: true });

function projection(overrides: Partial<DebtorProjection> = {}): DebtorProjection {
  return {
    debtorId: 'debtor-1',
    contactPoints: [SECOND_MOBILE, MOBILE, EMAIL],
    holds: [],
    vulnerability: { categories: [] },
    ...overrides,
  };
}

function hold(overrides: Partial<HoldRecord> = {}): HoldRecord {
  return { holdId: 'h-1', caseId: 'case-1', kind: 'dispute', startsAt: ago(DAY), ...overrides };
}

function message(overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    tenantId: 'acme-bank',
    dispatchId: 'dispatch-1',
    caseId: 'case-1',
    debtorId: 'debtor-1',
    channel: 'sms',
    purpose: 'reminder',
    tone: 'standard',
    templateKey: 'reminder.first',
    origin: 'command',
    validity: { caseStatuses: [] },
    requestedAt: ago(HOUR),
    status: 'pending',
    attempts: 0,
    ...overrides,
  };
}

const caseState = (overrides: Partial<CaseStateRecord> = {}): CaseStateRecord => ({
  caseId: 'case-1',
  debtorId: 'debtor-1',
  status: 'CASE_STATUS_ACTIVE',
  ...overrides,
});

const EMPTY_HISTORY: ContactHistory = { attempts: [], conversations: [] };

function context(overrides: Partial<SendContext> = {}): SendContext {
  return {
    now: NOW,
    tenant: tenant(),
    projection: projection(),
    caseState: caseState(),
    history: EMPTY_HISTORY,
    optEvents: [],
    ...overrides,
  };
}

/** The decision reduced to what callers act on, so each case states its whole expectation. */
type Outcome =
  | { kind: 'send'; contactPointId: string; codes: string[] }
  | { kind: 'defer'; until: Date; codes: string[] }
  | { kind: 'block'; codes: string[] }
  | { kind: 'cancel'; reason: string };

function outcomeOf(decision: SendDecision): Outcome {
  const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);
  switch (decision.kind) {
    case 'send':
      return {
        kind: 'send',
        contactPointId: decision.contactPoint.contactPointId,
        codes: codes(decision.reasons),
      };
    case 'defer':
      return { kind: 'defer', until: decision.until, codes: codes(decision.reasons) };
    case 'block':
      return { kind: 'block', codes: codes(decision.reasons) };
    case 'cancel':
      return { kind: 'cancel', reason: decision.reason };
  }
}

const sends = (contactPointId = 'cp-mobile', codes = ['allowed']): Outcome => ({
  kind: 'send',
  contactPointId,
  codes,
});
const blocks = (...codes: string[]): Outcome => ({ kind: 'block', codes });
const cancels = (reason: string): Outcome => ({ kind: 'cancel', reason });
const defers = (until: Date, ...codes: string[]): Outcome => ({ kind: 'defer', until, codes });

const optOut = (at: Date, channel: OptEvent['channel'] = 'sms'): OptEvent => ({
  kind: 'opt_out',
  channel,
  contactPointId: 'cp-mobile',
  at,
});
const optIn = (at: Date): OptEvent => ({
  kind: 'opt_in',
  channel: 'sms',
  contactPointId: 'cp-mobile',
  at,
});

interface Case {
  name: string;
  message?: Partial<MessageRecord>;
  context?: Partial<SendContext>;
  expected: Outcome;
}

const cases: Case[] = [
  // Preconditions, in the order they are checked.
  {
    name: 'unknown tenant → block tenant.unknown (before anything else, even expiry)',
    message: { expiresAt: ago(HOUR) },
    context: { tenant: undefined },
    expected: blocks('tenant.unknown'),
  },
  {
    name: 'expired at exactly now → cancel expired',
    message: { expiresAt: NOW },
    expected: cancels('expired'),
  },
  {
    name: 'expiring one millisecond after now → still evaluated',
    message: { expiresAt: later(1) },
    expected: sends(),
  },
  {
    name: 'erased debtor → cancel debtor_erased (even with no contact points left)',
    context: { projection: projection({ erasedAt: ago(HOUR), contactPoints: [] }) },
    expected: cancels('debtor_erased'),
  },
  {
    name: 'projection missing → defer debtor.pending by the retry interval',
    context: { projection: undefined },
    expected: defers(later(PROJECTION_RETRY_MS), 'debtor.pending'),
  },
  {
    name: 'projection without contact points → defer debtor.pending',
    context: { projection: projection({ contactPoints: [] }) },
    expected: defers(later(PROJECTION_RETRY_MS), 'debtor.pending'),
  },
  {
    name: 'projection missing just under 24 h after the request → still pending',
    message: { requestedAt: ago(PROJECTION_WAIT_MS - 1) },
    context: { projection: undefined },
    expected: defers(later(PROJECTION_RETRY_MS), 'debtor.pending'),
  },
  {
    name: 'projection missing 24 h after the request → block debtor.unknown',
    message: { requestedAt: ago(PROJECTION_WAIT_MS) },
    context: { projection: undefined },
    expected: blocks('debtor.unknown'),
  },

  // Validity conditions, re-checked at send time.
  {
    name: 'case status not in the listed statuses → cancel case_status',
    message: { validity: { caseStatuses: ['CASE_STATUS_ACTIVE'] } },
    context: { caseState: caseState({ status: 'CASE_STATUS_PAUSED' }) },
    expected: cancels('case_status'),
  },
  {
    name: 'case status in the listed statuses → sent',
    message: { validity: { caseStatuses: ['CASE_STATUS_PLACED', 'CASE_STATUS_ACTIVE'] } },
    expected: sends(),
  },
  {
    name: 'RESOLVED with an empty list (any open status) → cancel case_status',
    context: { caseState: caseState({ status: 'CASE_STATUS_RESOLVED' }) },
    expected: cancels('case_status'),
  },
  {
    name: 'CLOSED with an empty list → cancel case_status',
    context: { caseState: caseState({ status: 'CASE_STATUS_CLOSED' }) },
    expected: cancels('case_status'),
  },
  {
    name: 'RESOLVED listed explicitly → not cancelled',
    message: { validity: { caseStatuses: ['CASE_STATUS_RESOLVED'] } },
    context: { caseState: caseState({ status: 'CASE_STATUS_RESOLVED' }) },
    expected: sends(),
  },
  {
    name: 'case status still unknown → not cancelled',
    message: { validity: { caseStatuses: ['CASE_STATUS_ACTIVE'] } },
    context: { caseState: caseState({ status: undefined }) },
    expected: sends(),
  },
  {
    name: 'payment after noPaymentSince → cancel payment_received',
    message: { validity: { caseStatuses: [], noPaymentSince: ago(2 * DAY) } },
    context: { caseState: caseState({ lastPaymentAt: ago(DAY) }) },
    expected: cancels('payment_received'),
  },
  {
    name: 'payment before noPaymentSince → not cancelled',
    message: { validity: { caseStatuses: [], noPaymentSince: ago(DAY) } },
    context: { caseState: caseState({ lastPaymentAt: ago(2 * DAY) }) },
    expected: sends(),
  },
  {
    name: 'payment exactly at noPaymentSince → not cancelled',
    message: { validity: { caseStatuses: [], noPaymentSince: ago(DAY) } },
    context: { caseState: caseState({ lastPaymentAt: ago(DAY) }) },
    expected: sends(),
  },
  {
    name: 'payment but no noPaymentSince condition (a confirmation) → not cancelled',
    message: { purpose: 'confirmation' },
    context: { caseState: caseState({ lastPaymentAt: ago(HOUR) }) },
    expected: sends(),
  },

  // Which contact point.
  {
    name: 'requested contact point is used over the preferred one',
    message: { requestedContactPointId: 'cp-mobile-2' },
    expected: sends('cp-mobile-2'),
  },
  {
    name: 'requested contact point of the wrong kind → block contact_point.missing',
    message: { requestedContactPointId: 'cp-email' },
    expected: blocks('contact_point.missing'),
  },
  {
    name: 'requested contact point unknown → block contact_point.missing',
    message: { requestedContactPointId: 'cp-gone' },
    expected: blocks('contact_point.missing'),
  },
  {
    name: 'no contact point of the channel’s kind → block contact_point.missing',
    message: { channel: 'email' },
    context: { projection: projection({ contactPoints: [MOBILE] }) },
    expected: blocks('contact_point.missing'),
  },
  {
    name: 'without a request the preferred mobile is chosen for sms',
    expected: sends('cp-mobile'),
  },
  {
    name: 'email channel picks the email contact point',
    message: { channel: 'email' },
    expected: sends('cp-email'),
  },

  // Replies to the debtor skip the policy.
  {
    name: 'auto_reply sends although the debtor opted out, at 23:00',
    message: { origin: 'auto_reply', purpose: 'confirmation', requestedAt: ago(HOUR, LATE) },
    context: { now: LATE, optEvents: [optOut(ago(HOUR, LATE))] },
    expected: sends('cp-mobile', ['reply']),
  },
  {
    name: 'auto_reply ignores the case status condition',
    message: { origin: 'auto_reply', validity: { caseStatuses: ['CASE_STATUS_ACTIVE'] } },
    context: { caseState: caseState({ status: 'CASE_STATUS_CLOSED' }) },
    expected: sends('cp-mobile', ['reply']),
  },

  // Contact hours.
  {
    name: 'command at 23:00 London → defer until the next 08:00 London',
    message: { requestedAt: ago(HOUR, LATE) },
    context: { now: LATE },
    expected: defers(NEXT_MORNING, 'quiet_hours'),
  },
  {
    name: 'command at 23:00 with no time zone known → the London fallback still applies',
    message: { requestedAt: ago(HOUR, LATE) },
    context: {
      now: LATE,
      projection: projection({ contactPoints: [point({ timeZone: undefined })] }),
    },
    expected: defers(NEXT_MORNING, 'quiet_hours'),
  },
  {
    name: 'deferral reaching expiresAt → cancel expired',
    message: { requestedAt: ago(HOUR, LATE), expiresAt: NEXT_MORNING },
    context: { now: LATE },
    expected: cancels('expired'),
  },
  {
    name: 'deferral ending before expiresAt → deferred',
    message: { requestedAt: ago(HOUR, LATE), expiresAt: later(1, NEXT_MORNING) },
    context: { now: LATE },
    expected: defers(NEXT_MORNING, 'quiet_hours'),
  },

  // Holds.
  {
    name: 'dispute on the same case → block hold.dispute',
    context: { projection: projection({ holds: [hold()] }) },
    expected: blocks('hold.dispute'),
  },
  {
    name: 'dispute on the same case at 23:00 → block with only the block reasons',
    message: { requestedAt: ago(HOUR, LATE) },
    context: { now: LATE, projection: projection({ holds: [hold()] }) },
    expected: blocks('hold.dispute'),
  },
  {
    name: 'dispute on the same case still lets a confirmation go',
    message: { purpose: 'confirmation' },
    context: { projection: projection({ holds: [hold()] }) },
    expected: sends(),
  },
  {
    name: 'dispute on another case does not block',
    context: { projection: projection({ holds: [hold({ caseId: 'case-2' })] }) },
    expected: sends(),
  },
  {
    name: 'breathing space on another case blocks (person-wide)',
    context: {
      projection: projection({ holds: [hold({ caseId: 'case-2', kind: 'breathing_space' })] }),
    },
    expected: blocks('hold.breathing_space'),
  },
  {
    name: 'a lifted dispute no longer blocks',
    context: { projection: projection({ holds: [hold({ liftedAt: ago(HOUR) })] }) },
    expected: sends(),
  },

  // Opt-outs recorded by dispatch against the consents of the case events.
  {
    name: 'opt-out after a granted consent → block opted_out.sms',
    context: {
      projection: projection({
        contactPoints: [
          point({ consents: [{ channel: 'sms', status: 'granted', recordedAt: ago(10 * DAY) }] }),
        ],
      }),
      optEvents: [optOut(ago(DAY))],
    },
    expected: blocks('opted_out.sms'),
  },
  {
    name: 'opt-in after an opt-out → sent',
    context: { optEvents: [optOut(ago(2 * DAY)), optIn(ago(DAY))] },
    expected: sends(),
  },
  {
    name: 'opt-out of sms does not stop email',
    message: { channel: 'email' },
    context: { optEvents: [optOut(ago(DAY))] },
    expected: sends('cp-email'),
  },
  {
    name: 'WhatsApp without recorded consent (required under UK_FCA) → block consent.missing',
    message: { channel: 'whatsapp' },
    context: { whatsappTemplateApproved: true },
    expected: blocks('consent.missing'),
  },
  {
    name: 'WhatsApp free-form (no approved template) outside the 24 h window → block',
    message: { channel: 'whatsapp' },
    context: { projection: projection({ contactPoints: [WHATSAPP_CONSENTED] }) },
    expected: blocks('whatsapp.window_closed'),
  },
  {
    name: 'WhatsApp free-form within 24 h of the debtor’s last message → sent',
    message: { channel: 'whatsapp' },
    context: {
      projection: projection({ contactPoints: [WHATSAPP_CONSENTED] }),
      lastInboundWhatsAppAt: ago(2 * HOUR),
    },
    expected: sends(),
  },
  {
    name: 'WhatsApp with an approved template outside the window → sent',
    message: { channel: 'whatsapp' },
    context: {
      projection: projection({ contactPoints: [WHATSAPP_CONSENTED] }),
      whatsappTemplateApproved: true,
    },
    expected: sends(),
  },

  // Vulnerability.
  {
    name: 'vulnerable debtor, standard tone → block vulnerability.tone_required (UK_FCA)',
    context: { projection: projection({ vulnerability: { categories: ['low_resilience'] } }) },
    expected: blocks('vulnerability.tone_required'),
  },
  {
    name: 'vulnerable debtor, supportive tone → sent',
    message: { tone: 'supportive' },
    context: { projection: projection({ vulnerability: { categories: ['low_resilience'] } }) },
    expected: sends(),
  },
  {
    name: 'vulnerable debtor, standard tone, tenant not requiring the supportive tone → sent',
    context: {
      tenant: tenant({ vulnerability: { requireSupportiveTone: false } }),
      projection: projection({ vulnerability: { categories: ['low_resilience'] } }),
    },
    expected: sends(),
  },

  // Frequency caps.
  {
    name: 'three sms in 7 days → defer sms.7d until the oldest leaves the window',
    context: {
      history: {
        attempts: [
          { channel: 'sms', at: ago(5 * DAY), outcome: 'delivered' },
          { channel: 'sms', at: ago(2 * DAY), outcome: 'delivered' },
          { channel: 'sms', at: ago(HOUR), outcome: 'sent' },
        ],
        conversations: [],
      },
    },
    expected: defers(later(2 * DAY), 'frequency_cap.sms.7d'),
  },
  {
    name: 'two sms in 7 days (and one older) → under the cap, sent',
    context: {
      history: {
        attempts: [
          { channel: 'sms', at: ago(8 * DAY), outcome: 'delivered' },
          { channel: 'sms', at: ago(2 * DAY), outcome: 'delivered' },
          { channel: 'email', at: ago(HOUR), outcome: 'sent' },
        ],
        conversations: [],
      },
    },
    expected: sends(),
  },
];

describe('decideSend', () => {
  it.each(cases)('$name', ({ message: m, context: c, expected }) => {
    expect(outcomeOf(decideSend(message(m), context(c)))).toEqual(expected);
  });

  it('names the requested contact point when it is not known', () => {
    const decision = decideSend(message({ requestedContactPointId: 'cp-gone' }), context());

    expect(decision).toEqual({
      kind: 'block',
      reasons: [{ code: 'contact_point.missing', detail: 'Contact point cp-gone is not known' }],
    });
  });

  it('names the missing kind and channel when nothing suitable is known', () => {
    const decision = decideSend(
      message({ channel: 'email' }),
      context({ projection: projection({ contactPoints: [MOBILE] }) }),
    );

    expect(decision).toEqual({
      kind: 'block',
      reasons: [{ code: 'contact_point.missing', detail: 'No email contact point for email' }],
    });
  });

  it('returns the contact point record itself on a send, ready to be decrypted', () => {
    const decision = decideSend(message(), context());

    expect(decision.kind === 'send' && decision.contactPoint).toBe(MOBILE);
  });
});

describe('contactPointFor', () => {
  it.each([
    {
      name: 'requested mobile for sms',
      channel: 'sms' as const,
      requested: 'cp-mobile-2',
      points: [MOBILE, SECOND_MOBILE, EMAIL],
      expected: 'cp-mobile-2',
    },
    {
      name: 'requested mobile for WhatsApp',
      channel: 'whatsapp' as const,
      requested: 'cp-mobile-2',
      points: [MOBILE, SECOND_MOBILE],
      expected: 'cp-mobile-2',
    },
    {
      name: 'requested email for sms (wrong kind)',
      channel: 'sms' as const,
      requested: 'cp-email',
      points: [MOBILE, EMAIL],
      expected: undefined,
    },
    {
      name: 'requested id not in the projection (no fallback to the preferred one)',
      channel: 'sms' as const,
      requested: 'cp-gone',
      points: [MOBILE],
      expected: undefined,
    },
    {
      name: 'preferred mobile listed after another',
      channel: 'sms' as const,
      requested: undefined,
      points: [SECOND_MOBILE, MOBILE],
      expected: 'cp-mobile',
    },
    {
      name: 'no preferred mobile → the first mobile',
      channel: 'sms' as const,
      requested: undefined,
      points: [EMAIL, SECOND_MOBILE, point({ contactPointId: 'cp-mobile-3', preferred: false })],
      expected: 'cp-mobile-2',
    },
    {
      name: 'email ignores a preferred mobile',
      channel: 'email' as const,
      requested: undefined,
      points: [MOBILE, EMAIL],
      expected: 'cp-email',
    },
    {
      name: 'preferred email among two',
      channel: 'email' as const,
      requested: undefined,
      points: [EMAIL, WORK_EMAIL],
      expected: 'cp-email-2',
    },
    {
      name: 'WhatsApp with only an email',
      channel: 'whatsapp' as const,
      requested: undefined,
      points: [EMAIL],
      expected: undefined,
    },
  ])('$name → $expected', ({ channel, requested, points, expected }) => {
    const chosen = contactPointFor(
      { channel, ...(requested ? { requestedContactPointId: requested } : {}) },
      projection({ contactPoints: points }),
    );

    expect(chosen?.contactPointId).toBe(expected);
  });
});
