import {
  type ContactAttempt,
  type ContactHistory,
  type ContactPoint,
  type ContactPolicy,
  type ContactProposal,
  type DebtorContactState,
  type PolicyOverride,
  EU_ES,
  UK_FCA,
  US_REG_F,
  WEEKDAYS,
  evaluateContact,
  mergePolicy,
} from './index';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Wednesday 10 June 2026, 12:00 in New York (EDT). */
const NOON_NY = '2026-06-10T16:00:00Z';

interface Case {
  name: string;
  now?: string;
  proposal?: Partial<ContactProposal>;
  contactPoint?: Partial<ContactPoint>;
  state?: Partial<DebtorContactState>;
  history?: Partial<ContactHistory>;
  policy?: ContactPolicy;
  override?: PolicyOverride;
  expected: { outcome: 'send' | 'defer' | 'block'; until?: string; codes: string[] };
}

const mobile: ContactPoint = {
  id: 'cp-mobile',
  kind: 'mobile',
  usage: 'personal',
  consents: {
    sms: { status: 'granted' },
    voice: { status: 'granted' },
    whatsapp: { status: 'granted' },
  },
};
const email: ContactPoint = { id: 'cp-email', kind: 'email', usage: 'personal' };
const postal: ContactPoint = { id: 'cp-postal', kind: 'postal', usage: 'personal' };

const at = (iso: string, deltaMs = 0): Date => new Date(new Date(iso).getTime() + deltaMs);

/** `count` attempts on a channel, the oldest at `oldest`, then one every `stepMs`. */
function attempts(
  channel: ContactAttempt['channel'],
  count: number,
  oldest: string,
  stepMs = 12 * HOUR,
): ContactAttempt[] {
  return Array.from({ length: count }, (_, i) => ({
    channel,
    at: at(oldest, i * stepMs),
    outcome: 'no_answer' as const,
  }));
}

const everyDay = { contactWindow: { days: [...WEEKDAYS] } };

const cases: Case[] = [
  // ── baseline ──────────────────────────────────────────────────────────────
  { name: 'SMS at noon local is sent', expected: { outcome: 'send', codes: ['allowed'] } },

  // ── inconvenient times and DST ────────────────────────────────────────────
  {
    name: 'New York spring-forward day: 07:30 EDT defers to 08:00 EDT (12:00Z)',
    now: '2026-03-08T11:30:00Z',
    expected: { outcome: 'defer', until: '2026-03-08T12:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'New York fall-back day: 07:30 EST defers to 08:00 EST (13:00Z)',
    now: '2026-11-01T12:30:00Z',
    expected: { outcome: 'defer', until: '2026-11-01T13:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'London spring-forward day: 07:30 BST defers to 08:00 BST (07:00Z)',
    now: '2026-03-29T06:30:00Z',
    policy: mergePolicy(UK_FCA, everyDay),
    state: { jurisdiction: 'UK_FCA', timeZones: ['Europe/London'] },
    expected: { outcome: 'defer', until: '2026-03-29T07:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'London fall-back day: 07:30 GMT defers to 08:00 GMT (08:00Z)',
    now: '2026-10-25T07:30:00Z',
    policy: mergePolicy(UK_FCA, everyDay),
    state: { jurisdiction: 'UK_FCA', timeZones: ['Europe/London'] },
    expected: { outcome: 'defer', until: '2026-10-25T08:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'New York 22:00 EST the night before spring-forward defers across midnight and DST',
    now: '2026-03-08T03:00:00Z',
    expected: { outcome: 'defer', until: '2026-03-08T12:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'New York 01:30 EDT just before fall-back defers to 08:00 EST',
    now: '2026-11-01T05:30:00Z',
    expected: { outcome: 'defer', until: '2026-11-01T13:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'window end is exclusive: 21:00 local defers to next day 08:00',
    now: '2026-06-11T01:00:00Z',
    expected: { outcome: 'defer', until: '2026-06-11T12:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: '20:59 local is still inside the window',
    now: '2026-06-11T00:59:00Z',
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'window start is inclusive: 08:00 local is sent',
    now: '2026-06-10T12:00:00Z',
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: '07:59:59 local defers by one second',
    now: '2026-06-10T11:59:59Z',
    expected: { outcome: 'defer', until: '2026-06-10T12:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'UK preset skips Sunday: Saturday 21:30 GMT defers to Monday 08:00 BST across DST',
    now: '2026-03-28T21:30:00Z',
    policy: UK_FCA,
    state: { jurisdiction: 'UK_FCA', timeZones: ['Europe/London'] },
    expected: { outcome: 'defer', until: '2026-03-30T07:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'UK preset: Sunday noon defers to Monday 08:00 BST',
    now: '2026-06-14T11:00:00Z',
    policy: UK_FCA,
    state: { jurisdiction: 'UK_FCA', timeZones: ['Europe/London'] },
    expected: { outcome: 'defer', until: '2026-06-15T07:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Spain preset: Friday 21:30 CEST defers to Monday 09:00 CEST',
    now: '2026-06-12T19:30:00Z',
    policy: EU_ES,
    state: { jurisdiction: 'EU_ES', timeZones: ['Europe/Madrid'] },
    expected: { outcome: 'defer', until: '2026-06-15T07:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Spain preset: 08:30 CEST on a weekday defers to 09:00',
    now: '2026-06-10T06:30:00Z',
    policy: EU_ES,
    state: { jurisdiction: 'EU_ES', timeZones: ['Europe/Madrid'] },
    expected: { outcome: 'defer', until: '2026-06-10T07:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Spain preset, unknown zone: fallback Madrid + Canary Islands (09:00 WEST = 08:00Z)',
    now: '2026-06-10T07:30:00Z',
    policy: EU_ES,
    state: { jurisdiction: 'EU_ES', timeZones: [] },
    expected: { outcome: 'defer', until: '2026-06-10T08:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Madrid + New York: 11:00 Madrid / 05:00 NY waits for 08:00 NY',
    now: '2026-01-14T10:00:00Z',
    state: { timeZones: ['Europe/Madrid', 'America/New_York'] },
    expected: { outcome: 'defer', until: '2026-01-14T13:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Madrid + New York: inside the overlap is sent',
    now: '2026-01-14T15:00:00Z',
    state: { timeZones: ['Europe/Madrid', 'America/New_York'] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'Madrid + New York: after 21:00 Madrid waits for the next overlap',
    now: '2026-01-14T20:30:00Z',
    state: { timeZones: ['Europe/Madrid', 'America/New_York'] },
    expected: { outcome: 'defer', until: '2026-01-15T13:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Madrid + New York between the US and EU DST changes: NY opens at 12:00Z',
    now: '2026-03-16T11:00:00Z',
    state: { timeZones: ['Europe/Madrid', 'America/New_York'] },
    expected: { outcome: 'defer', until: '2026-03-16T12:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'Madrid + Auckland under the Spanish window never overlap: blocked',
    now: '2026-01-14T10:00:00Z',
    policy: EU_ES,
    state: { jurisdiction: 'EU_ES', timeZones: ['Europe/Madrid', 'Pacific/Auckland'] },
    expected: { outcome: 'block', codes: ['quiet_hours.no_window'] },
  },
  {
    name: 'US, unknown zone: fallback continental zones wait for 08:00 in Los Angeles',
    now: '2026-06-10T12:30:00Z',
    state: { timeZones: [] },
    expected: { outcome: 'defer', until: '2026-06-10T15:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'letters have no time window: 03:00 local is sent',
    now: '2026-06-10T07:00:00Z',
    proposal: { channel: 'letter' },
    contactPoint: postal,
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'an unknown time zone blocks',
    state: { timeZones: ['Mars/Olympus_Mons'] },
    expected: { outcome: 'block', codes: ['timezone.invalid'] },
  },
  {
    name: 'preset 08:30 is sent, but a tenant window from 09:00 defers it',
    now: '2026-06-10T12:30:00Z',
    override: { contactWindow: { start: '09:00' } },
    expected: { outcome: 'defer', until: '2026-06-10T13:00:00Z', codes: ['quiet_hours'] },
  },
  {
    name: 'preset window without a tenant override: 08:30 is sent',
    now: '2026-06-10T12:30:00Z',
    expected: { outcome: 'send', codes: ['allowed'] },
  },

  // ── frequency caps ────────────────────────────────────────────────────────
  {
    name: 'Reg F: 6 call attempts in 7 days, a 7th is sent',
    proposal: { channel: 'voice' },
    history: { attempts: attempts('voice', 6, '2026-06-04T15:00:00Z', DAY) },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'Reg F: 7 call attempts in 7 days defer until the oldest leaves the window',
    proposal: { channel: 'voice' },
    history: { attempts: attempts('voice', 7, '2026-06-04T15:00:00Z', 20 * HOUR) },
    expected: {
      outcome: 'defer',
      until: '2026-06-11T15:00:00Z',
      codes: ['frequency_cap.voice.7d'],
    },
  },
  {
    name: 'Reg F: an attempt exactly 7 days ago no longer counts',
    proposal: { channel: 'voice' },
    history: { attempts: attempts('voice', 7, '2026-06-03T16:00:00Z', 20 * HOUR) },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'Reg F: an attempt 6d23h59m ago still counts',
    proposal: { channel: 'voice' },
    history: { attempts: attempts('voice', 7, '2026-06-03T16:01:00Z', 20 * HOUR) },
    expected: {
      outcome: 'defer',
      until: '2026-06-10T16:01:00Z',
      codes: ['frequency_cap.voice.7d'],
    },
  },
  {
    name: 'cap frees up at 22:00 local: deferred again to 08:00 next day',
    proposal: { channel: 'voice' },
    history: { attempts: attempts('voice', 7, '2026-06-04T02:00:00Z', 12 * HOUR) },
    expected: {
      outcome: 'defer',
      until: '2026-06-11T12:00:00Z',
      codes: ['frequency_cap.voice.7d', 'quiet_hours'],
    },
  },
  {
    name: 'Reg F: a call conversation 3 days ago defers calls for 7 days after it',
    proposal: { channel: 'voice' },
    history: { conversations: [{ channel: 'voice', at: at('2026-06-07T15:00:00Z') }] },
    expected: {
      outcome: 'defer',
      until: '2026-06-14T15:00:00Z',
      codes: ['frequency_cap.voice.after_conversation'],
    },
  },
  {
    name: 'Reg F: a conversation exactly 7 days ago no longer defers',
    proposal: { channel: 'voice' },
    history: { conversations: [{ channel: 'voice', at: at(NOON_NY, -7 * DAY) }] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'Reg F: the conversation rule does not restrict SMS',
    history: { conversations: [{ channel: 'voice', at: at(NOON_NY, -3 * DAY) }] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'house SMS cap: a 4th SMS in 7 days is deferred',
    history: { attempts: attempts('sms', 3, '2026-06-05T14:00:00Z', DAY) },
    expected: { outcome: 'defer', until: '2026-06-12T14:00:00Z', codes: ['frequency_cap.sms.7d'] },
  },
  {
    name: 'overall cap counts every channel (10 letters cap an email)',
    proposal: { channel: 'email' },
    contactPoint: email,
    history: { attempts: attempts('letter', 10, '2026-06-05T14:00:00Z', 6 * HOUR) },
    expected: { outcome: 'defer', until: '2026-06-12T14:00:00Z', codes: ['frequency_cap.all.7d'] },
  },
  {
    name: 'calls do not count towards the SMS cap',
    history: { attempts: attempts('voice', 5, '2026-06-05T14:00:00Z', DAY) },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'vulnerable: the call cap halves (7 → 3) and 3 attempts defer',
    proposal: { channel: 'voice', tone: 'supportive' },
    state: { vulnerabilities: ['low_resilience'] },
    history: { attempts: attempts('voice', 3, '2026-06-05T15:00:00Z', DAY) },
    expected: {
      outcome: 'defer',
      until: '2026-06-12T15:00:00Z',
      codes: ['frequency_cap.voice.7d'],
    },
  },
  {
    name: 'vulnerable: 2 call attempts are under the halved cap',
    proposal: { channel: 'voice', tone: 'supportive' },
    state: { vulnerabilities: ['low_resilience'] },
    history: { attempts: attempts('voice', 2, '2026-06-05T15:00:00Z', DAY) },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'vulnerable: a tenant extra cap (1 contact a week overall) defers',
    proposal: { channel: 'email', tone: 'supportive' },
    contactPoint: email,
    state: { vulnerabilities: ['low_capability'] },
    override: {
      vulnerability: {
        extraCaps: [{ id: 'vulnerable.all.7d', channels: 'all', max: 1, windowDays: 7 }],
      },
    },
    history: { attempts: attempts('letter', 1, '2026-06-05T15:00:00Z') },
    expected: {
      outcome: 'defer',
      until: '2026-06-12T15:00:00Z',
      codes: ['frequency_cap.vulnerable.all.7d'],
    },
  },
  {
    name: 'tenant override tightens the call cap to 5: 5 attempts defer',
    proposal: { channel: 'voice' },
    override: { frequencyCaps: [{ id: 'voice.7d', channels: ['voice'], max: 5, windowDays: 7 }] },
    history: { attempts: attempts('voice', 5, '2026-06-05T15:00:00Z', DAY) },
    expected: {
      outcome: 'defer',
      until: '2026-06-12T15:00:00Z',
      codes: ['frequency_cap.voice.7d'],
    },
  },
  {
    name: 'a cap of zero blocks instead of deferring',
    override: { frequencyCaps: [{ id: 'sms.7d', channels: ['sms'], max: 0, windowDays: 7 }] },
    expected: { outcome: 'block', codes: ['frequency_cap.sms.7d'] },
  },

  {
    name: 'a deferral beyond maxDeferDays is blocked instead of scheduled',
    proposal: { channel: 'voice' },
    override: { maxDeferDays: 2 },
    history: { conversations: [{ channel: 'voice', at: at('2026-06-07T15:00:00Z') }] },
    expected: {
      outcome: 'block',
      codes: ['defer.too_far', 'frequency_cap.voice.after_conversation'],
    },
  },

  // ── holds ─────────────────────────────────────────────────────────────────
  ...(
    ['dispute', 'cease_and_desist', 'insolvency', 'deceased', 'breathing_space', 'other'] as const
  ).map((kind): Case => ({
    name: `a ${kind} hold blocks a reminder`,
    state: { holds: [{ kind }] },
    expected: { outcome: 'block', codes: [`hold.${kind}`] },
  })),
  {
    name: 'breathing space still lets the confirmation of the hold go',
    proposal: { purpose: 'confirmation' },
    state: { holds: [{ kind: 'breathing_space', endsAt: at(NOON_NY, 59 * DAY) }] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'deceased blocks even a confirmation (staff only)',
    proposal: { purpose: 'confirmation' },
    state: { holds: [{ kind: 'deceased' }] },
    expected: { outcome: 'block', codes: ['hold.deceased'] },
  },
  {
    name: 'insolvency blocks even a confirmation',
    proposal: { purpose: 'confirmation' },
    state: { holds: [{ kind: 'insolvency' }] },
    expected: { outcome: 'block', codes: ['hold.insolvency'] },
  },
  {
    name: 'a breathing space that ended yesterday no longer blocks',
    state: {
      holds: [
        { kind: 'breathing_space', startsAt: at(NOON_NY, -61 * DAY), endsAt: at(NOON_NY, -DAY) },
      ],
    },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'a hold starting tomorrow does not block today',
    state: { holds: [{ kind: 'dispute', startsAt: at(NOON_NY, DAY) }] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'a hold beats quiet hours, and both reasons are given',
    now: '2026-06-10T03:00:00Z',
    state: { holds: [{ kind: 'dispute' }] },
    expected: { outcome: 'block', codes: ['hold.dispute', 'quiet_hours'] },
  },

  // ── vulnerability ─────────────────────────────────────────────────────────
  {
    name: 'vulnerable debtor and the standard tone: blocked',
    state: { vulnerabilities: ['life_event'] },
    expected: { outcome: 'block', codes: ['vulnerability.tone_required'] },
  },
  {
    name: 'vulnerable debtor and the supportive tone: sent',
    proposal: { tone: 'supportive' },
    state: { vulnerabilities: ['life_event'] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'vulnerable debtor: no automated legal notice',
    proposal: { tone: 'supportive', purpose: 'legal_notice', channel: 'letter' },
    contactPoint: postal,
    state: { vulnerabilities: ['low_capability'] },
    expected: { outcome: 'block', codes: ['vulnerability.purpose_blocked'] },
  },
  {
    name: 'health vulnerability: no payment request',
    proposal: { tone: 'supportive', purpose: 'payment_request' },
    state: { vulnerabilities: ['health'] },
    expected: { outcome: 'block', codes: ['vulnerability.purpose_blocked'] },
  },
  {
    name: 'life-event vulnerability: no letters to the home',
    proposal: { tone: 'supportive', channel: 'letter' },
    contactPoint: postal,
    state: { vulnerabilities: ['life_event'] },
    expected: { outcome: 'block', codes: ['vulnerability.channel_blocked'] },
  },
  {
    name: 'tenant override drops the supportive-tone requirement',
    state: { vulnerabilities: ['low_resilience'] },
    override: { vulnerability: { requireSupportiveTone: false } },
    expected: { outcome: 'send', codes: ['allowed'] },
  },

  // ── WhatsApp ──────────────────────────────────────────────────────────────
  {
    name: 'WhatsApp free-form 23h59m after the last inbound message: sent',
    proposal: { channel: 'whatsapp', whatsappMessage: 'free_form' },
    state: { lastInboundWhatsAppAt: at(NOON_NY, -(23 * HOUR + 59 * 60_000)) },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'WhatsApp free-form 24h01m after the last inbound message: blocked',
    proposal: { channel: 'whatsapp', whatsappMessage: 'free_form' },
    state: { lastInboundWhatsAppAt: at(NOON_NY, -(24 * HOUR + 60_000)) },
    expected: { outcome: 'block', codes: ['whatsapp.window_closed'] },
  },
  {
    name: 'WhatsApp free-form exactly 24h after: the window is closed',
    proposal: { channel: 'whatsapp', whatsappMessage: 'free_form' },
    state: { lastInboundWhatsAppAt: at(NOON_NY, -24 * HOUR) },
    expected: { outcome: 'block', codes: ['whatsapp.window_closed'] },
  },
  {
    name: 'WhatsApp free-form to a debtor who never wrote: blocked',
    proposal: { channel: 'whatsapp', whatsappMessage: 'free_form' },
    expected: { outcome: 'block', codes: ['whatsapp.window_closed'] },
  },
  {
    name: 'WhatsApp approved template 24h01m after: sent',
    proposal: { channel: 'whatsapp', whatsappMessage: 'template' },
    state: { lastInboundWhatsAppAt: at(NOON_NY, -(24 * HOUR + 60_000)) },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'WhatsApp with no message kind is treated as free-form',
    proposal: { channel: 'whatsapp' },
    expected: { outcome: 'block', codes: ['whatsapp.window_closed'] },
  },
  {
    name: 'WhatsApp template without recorded consent (US): blocked',
    proposal: { channel: 'whatsapp', whatsappMessage: 'template' },
    contactPoint: { consents: {} },
    expected: { outcome: 'block', codes: ['consent.missing'] },
  },

  // ── consent and opt-out ───────────────────────────────────────────────────
  {
    name: 'opt-out then opt-in (STOP, later START): sent',
    state: {
      optEvents: [
        { kind: 'opt_out', channel: 'sms', contactPointId: 'cp-mobile', at: at(NOON_NY, -2 * DAY) },
        { kind: 'opt_in', channel: 'sms', contactPointId: 'cp-mobile', at: at(NOON_NY, -DAY) },
      ],
    },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'opt-in then opt-out (START, later STOP): blocked',
    state: {
      optEvents: [
        { kind: 'opt_out', channel: 'sms', contactPointId: 'cp-mobile', at: at(NOON_NY, -DAY) },
        { kind: 'opt_in', channel: 'sms', contactPointId: 'cp-mobile', at: at(NOON_NY, -2 * DAY) },
      ],
    },
    expected: { outcome: 'block', codes: ['opted_out.sms'] },
  },
  {
    name: 'an SMS opt-out does not stop email',
    proposal: { channel: 'email' },
    contactPoint: email,
    state: {
      optEvents: [{ kind: 'opt_out', channel: 'sms', at: at(NOON_NY, -DAY) }],
    },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'an opt-out on another number does not stop this one',
    state: {
      optEvents: [
        { kind: 'opt_out', channel: 'sms', contactPointId: 'cp-other', at: at(NOON_NY, -DAY) },
      ],
    },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'a channel-wide opt-out (STOPALL) stops every number',
    state: { optEvents: [{ kind: 'opt_out', channel: 'sms', at: at(NOON_NY, -DAY) }] },
    expected: { outcome: 'block', codes: ['opted_out.sms'] },
  },
  {
    name: 'opt-out and opt-in at the same instant: the opt-out wins',
    state: {
      optEvents: [
        { kind: 'opt_in', channel: 'sms', at: at(NOON_NY, -DAY) },
        { kind: 'opt_out', channel: 'sms', at: at(NOON_NY, -DAY) },
      ],
    },
    expected: { outcome: 'block', codes: ['opted_out.sms'] },
  },
  {
    name: 'consent withdrawn on the contact point: blocked',
    contactPoint: { consents: { sms: { status: 'withdrawn' } } },
    expected: { outcome: 'block', codes: ['consent.withdrawn'] },
  },
  {
    name: 'consent withdrawn, then a later START: sent',
    contactPoint: { consents: { sms: { status: 'withdrawn', recordedAt: at(NOON_NY, -3 * DAY) } } },
    state: { optEvents: [{ kind: 'opt_in', channel: 'sms', at: at(NOON_NY, -DAY) }] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'US: SMS without recorded consent is blocked (TCPA)',
    contactPoint: { consents: {} },
    expected: { outcome: 'block', codes: ['consent.missing'] },
  },
  {
    name: 'UK: SMS without recorded consent is sent (no express consent needed)',
    now: '2026-06-10T11:00:00Z',
    policy: UK_FCA,
    contactPoint: { consents: {} },
    state: { jurisdiction: 'UK_FCA', timeZones: ['Europe/London'] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },

  // ── workplace ─────────────────────────────────────────────────────────────
  {
    name: 'a work email is never used by default',
    proposal: { channel: 'email' },
    contactPoint: { ...email, usage: 'work' },
    expected: { outcome: 'block', codes: ['workplace_email'] },
  },
  {
    name: 'a tenant override may allow work email',
    proposal: { channel: 'email' },
    contactPoint: { ...email, usage: 'work' },
    override: { workplaceAllowed: ['email'] },
    expected: { outcome: 'send', codes: ['allowed'] },
  },
  {
    name: 'a work phone is not called by default',
    proposal: { channel: 'voice' },
    contactPoint: { kind: 'landline', usage: 'work', consents: { voice: { status: 'granted' } } },
    expected: { outcome: 'block', codes: ['workplace_contact.voice'] },
  },
  {
    name: 'an email of unknown usage may be used',
    proposal: { channel: 'email' },
    contactPoint: { ...email, usage: 'unknown' },
    expected: { outcome: 'send', codes: ['allowed'] },
  },

  // ── safety nets and precedence ────────────────────────────────────────────
  {
    name: 'SMS to an email address is blocked',
    contactPoint: { ...email, consents: { sms: { status: 'granted' } } },
    expected: { outcome: 'block', codes: ['contact_point.unsuitable'] },
  },
  {
    name: 'a policy for another jurisdiction blocks',
    state: { jurisdiction: 'UK_FCA' },
    expected: { outcome: 'block', codes: ['policy.jurisdiction_mismatch'] },
  },
  {
    name: 'an invalid tenant window blocks everything',
    override: { contactWindow: { start: '22:00' } },
    expected: { outcome: 'block', codes: ['policy.invalid'] },
  },
  {
    // The cap frees up at 10:00 local, so quiet hours (now 23:00) do not move the send time.
    name: 'every applicable reason is collected: hold, work email, opt-out, cap',
    now: '2026-06-10T03:00:00Z',
    proposal: { channel: 'email' },
    contactPoint: { ...email, usage: 'work' },
    state: {
      holds: [{ kind: 'cease_and_desist' }],
      optEvents: [{ kind: 'opt_out', channel: 'email', at: at(NOON_NY, -2 * DAY) }],
    },
    history: { attempts: attempts('email', 3, '2026-06-05T14:00:00Z', DAY) },
    expected: {
      outcome: 'block',
      codes: [
        'frequency_cap.email.7d',
        'hold.cease_and_desist',
        'opted_out.email',
        'workplace_email',
      ],
    },
  },
];

function run(c: Case) {
  const proposal: ContactProposal = {
    tenantId: 'tenant-1',
    debtorId: 'debtor-1',
    channel: 'sms',
    purpose: 'reminder',
    tone: 'standard',
    ...c.proposal,
    contactPoint: { ...mobile, ...c.contactPoint },
  };
  const state: DebtorContactState = {
    jurisdiction: 'US_REG_F',
    holds: [],
    vulnerabilities: [],
    optEvents: [],
    timeZones: ['America/New_York'],
    ...c.state,
  };
  const history: ContactHistory = { attempts: [], conversations: [], ...c.history };
  const policy = mergePolicy(c.policy ?? US_REG_F, c.override);
  return evaluateContact(proposal, state, history, new Date(c.now ?? NOON_NY), policy);
}

describe('evaluateContact', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('$name', (c) => {
    const decision = run(c);
    expect(decision.outcome).toBe(c.expected.outcome);
    expect(decision.reasons.map((r) => r.code).sort()).toEqual([...c.expected.codes].sort());
    if (c.expected.until) {
      expect(decision.outcome === 'defer' && decision.until.toISOString()).toBe(
        new Date(c.expected.until).toISOString(),
      );
    } else {
      expect(decision).not.toHaveProperty('until');
    }
    for (const reason of decision.reasons) expect(reason.detail.length).toBeGreaterThan(0);
  });

  it('is deterministic and does not mutate its inputs', () => {
    const history: ContactHistory = {
      attempts: attempts('voice', 7, '2026-06-04T15:00:00Z', 20 * HOUR),
      conversations: [],
    };
    const frozen = JSON.stringify(history);
    const c: Case = {
      name: 'x',
      proposal: { channel: 'voice' },
      history,
      expected: { outcome: 'defer', codes: [] },
    };
    expect(run(c)).toEqual(run(c));
    expect(JSON.stringify(history)).toBe(frozen);
  });
});
