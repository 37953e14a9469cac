import {
  type ResolvedWindow,
  describeWindow,
  isValidTimeZone,
  nextAllowedInstant,
  resolveWindow,
} from './local-time';
import { type ContactPolicy, type FrequencyCap, validatePolicy } from './policy';
import type {
  Channel,
  ContactHistory,
  ContactPointKind,
  ContactProposal,
  Decision,
  DebtorContactState,
  Reason,
} from './types';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const SUITABLE_KINDS: Record<Channel, ContactPointKind[]> = {
  sms: ['mobile'],
  whatsapp: ['mobile'],
  voice: ['mobile', 'landline'],
  email: ['email'],
  letter: ['postal'],
};

/** A reason that pushes the earliest send time to `until`. */
interface Deferral {
  reason: Reason;
  until: Date;
}

const block = (code: string, detail: string): Reason => ({ code, detail, effect: 'block' });
const defer = (code: string, detail: string): Reason => ({ code, detail, effect: 'defer' });
const iso = (date: Date): string => date.toISOString();

/**
 * Decides whether a proposed message may be sent now, must wait until a later instant, or must
 * not be sent at all. Pure and deterministic: every input is a parameter, including `now`.
 * A block beats a defer beats a send; every rule that applies contributes a reason.
 */
export function evaluateContact(
  proposal: ContactProposal,
  state: DebtorContactState,
  history: ContactHistory,
  now: Date,
  policy: ContactPolicy,
): Decision {
  const problems = validatePolicy(policy);
  if (problems.length > 0) {
    return { outcome: 'block', reasons: [block('policy.invalid', problems.join('; '))] };
  }
  if (state.jurisdiction !== policy.jurisdiction) {
    return {
      outcome: 'block',
      reasons: [
        block(
          'policy.jurisdiction_mismatch',
          `Debtor is under ${state.jurisdiction}, policy is ${policy.jurisdiction}`,
        ),
      ],
    };
  }

  const blocks = [
    ...contactPointRules(proposal, policy),
    ...holdRules(proposal, state, now, policy),
    ...consentRules(proposal, state, now, policy),
    ...vulnerabilityRules(proposal, state, policy),
    ...whatsAppRules(proposal, state, now, policy),
  ];
  const limits = [
    ...frequencyCapRules(proposal, state, history, now, policy),
    ...conversationRules(proposal, history, now, policy),
  ];
  // A zero cap comes back as a block; everything else pushes the earliest send time.
  blocks.push(...limits.filter((d) => d.reason.effect === 'block').map((d) => d.reason));
  const deferrals = limits.filter((d) => d.reason.effect === 'defer');

  const timing = timeWindowRule(proposal, state, now, policy, deferrals);
  blocks.push(...timing.blocks);
  const deferReasons = [...deferrals.map((d) => d.reason), ...timing.defers];

  if (blocks.length > 0) return { outcome: 'block', reasons: [...blocks, ...deferReasons] };
  if (timing.until && timing.until.getTime() > now.getTime()) {
    return { outcome: 'defer', until: timing.until, reasons: deferReasons };
  }
  return {
    outcome: 'send',
    reasons: [
      {
        code: 'allowed',
        detail: `No ${policy.jurisdiction} rule restricts ${proposal.purpose} by ${proposal.channel} now`,
        effect: 'info',
      },
    ],
  };
}

function contactPointRules(proposal: ContactProposal, policy: ContactPolicy): Reason[] {
  const { channel, contactPoint } = proposal;
  const reasons: Reason[] = [];
  if (!SUITABLE_KINDS[channel].includes(contactPoint.kind)) {
    reasons.push(
      block(
        'contact_point.unsuitable',
        `A ${contactPoint.kind} contact point cannot receive ${channel}`,
      ),
    );
  }
  if (contactPoint.usage === 'work' && !policy.workplaceAllowed.includes(channel)) {
    reasons.push(
      block(
        channel === 'email' ? 'workplace_email' : `workplace_contact.${channel}`,
        `Contact point ${contactPoint.id} is a work address; ${channel} to work addresses is not allowed`,
      ),
    );
  }
  return reasons;
}

function holdRules(
  proposal: ContactProposal,
  state: DebtorContactState,
  now: Date,
  policy: ContactPolicy,
): Reason[] {
  const t = now.getTime();
  return state.holds
    .filter((hold) => (hold.startsAt?.getTime() ?? -Infinity) <= t)
    .filter((hold) => t < (hold.endsAt?.getTime() ?? Infinity))
    .filter((hold) => !policy.holds[hold.kind].allowedPurposes.includes(proposal.purpose))
    .map((hold) => {
      const allowed = policy.holds[hold.kind].allowedPurposes;
      const ends = hold.endsAt ? ` until ${iso(hold.endsAt)}` : '';
      return block(
        `hold.${hold.kind}`,
        `A ${hold.kind} hold is in force${ends}; allowed purposes: ${allowed.join(', ') || 'none'}`,
      );
    });
}

/**
 * Consent records and opt-out/opt-in events form one timeline per channel and contact point; the
 * latest word wins (an opt-out wins a tie). A consent record without a time counts as oldest.
 */
function consentRules(
  proposal: ContactProposal,
  state: DebtorContactState,
  now: Date,
  policy: ContactPolicy,
): Reason[] {
  const { channel, contactPoint } = proposal;
  type Entry = { at: number; granted: boolean; source: 'consent' | 'opt' };
  const timeline: Entry[] = [];
  const consent = contactPoint.consents?.[channel];
  if (consent) {
    timeline.push({
      at: consent.recordedAt?.getTime() ?? -Infinity,
      granted: consent.status === 'granted',
      source: 'consent',
    });
  }
  for (const event of state.optEvents) {
    if (event.channel !== channel) continue;
    if (event.contactPointId !== undefined && event.contactPointId !== contactPoint.id) continue;
    if (event.at.getTime() > now.getTime()) continue;
    timeline.push({ at: event.at.getTime(), granted: event.kind === 'opt_in', source: 'opt' });
  }
  timeline.sort((a, b) => a.at - b.at || Number(b.granted) - Number(a.granted));
  const latest = timeline.at(-1);

  if (latest && !latest.granted) {
    return latest.source === 'opt'
      ? [
          block(
            `opted_out.${channel}`,
            `The debtor opted out of ${channel} for contact point ${contactPoint.id}`,
          ),
        ]
      : [
          block(
            'consent.withdrawn',
            `Consent for ${channel} on contact point ${contactPoint.id} is withdrawn`,
          ),
        ];
  }
  if (!latest && policy.consentRequired.includes(channel)) {
    return [
      block(
        'consent.missing',
        `${policy.jurisdiction} requires express consent for ${channel}; none recorded for ${contactPoint.id}`,
      ),
    ];
  }
  return [];
}

function vulnerabilityRules(
  proposal: ContactProposal,
  state: DebtorContactState,
  policy: ContactPolicy,
): Reason[] {
  if (state.vulnerabilities.length === 0) return [];
  const rule = policy.vulnerability;
  const reasons: Reason[] = [];
  const blockedPurposes = new Set(rule.blockedPurposes);
  const blockedChannels = new Set<Channel>();
  for (const category of state.vulnerabilities) {
    rule.byCategory[category]?.blockedPurposes?.forEach((p) => blockedPurposes.add(p));
    rule.byCategory[category]?.blockedChannels?.forEach((c) => blockedChannels.add(c));
  }
  const categories = state.vulnerabilities.join(', ');
  if (blockedPurposes.has(proposal.purpose)) {
    reasons.push(
      block(
        'vulnerability.purpose_blocked',
        `${proposal.purpose} is not sent automatically to a vulnerable debtor (${categories})`,
      ),
    );
  }
  if (blockedChannels.has(proposal.channel)) {
    reasons.push(
      block(
        'vulnerability.channel_blocked',
        `${proposal.channel} is not used for a vulnerable debtor (${categories})`,
      ),
    );
  }
  if (rule.requireSupportiveTone && proposal.tone !== 'supportive') {
    reasons.push(
      block(
        'vulnerability.tone_required',
        `A vulnerable debtor (${categories}) is only sent the supportive tone`,
      ),
    );
  }
  return reasons;
}

function whatsAppRules(
  proposal: ContactProposal,
  state: DebtorContactState,
  now: Date,
  policy: ContactPolicy,
): Reason[] {
  if (proposal.channel !== 'whatsapp') return [];
  // Unknown message kind is treated as free-form: the stricter reading.
  if ((proposal.whatsappMessage ?? 'free_form') === 'template') return [];
  const windowMs = policy.whatsapp.freeFormWindowHours * MS_PER_HOUR;
  const last = state.lastInboundWhatsAppAt;
  const sinceMs = last ? now.getTime() - last.getTime() : undefined;
  if (sinceMs !== undefined && sinceMs >= 0 && sinceMs < windowMs) return [];
  return [
    block(
      'whatsapp.window_closed',
      last
        ? `Last inbound WhatsApp at ${iso(last)}: the ${policy.whatsapp.freeFormWindowHours}h free-form window is closed; use an approved template`
        : 'The debtor never wrote on WhatsApp: only an approved template may be sent',
    ),
  ];
}

/** Caps count attempts in the rolling window (now − windowDays, now]. */
function frequencyCapRules(
  proposal: ContactProposal,
  state: DebtorContactState,
  history: ContactHistory,
  now: Date,
  policy: ContactPolicy,
): Deferral[] {
  const vulnerable = state.vulnerabilities.length > 0;
  const rule = policy.vulnerability;
  const caps: { cap: FrequencyCap; max: number; note: string }[] = policy.frequencyCaps.map(
    (cap) =>
      vulnerable
        ? {
            cap,
            max: Math.floor(cap.max * rule.capMultiplier),
            note: ` (vulnerable: ${cap.max} × ${rule.capMultiplier})`,
          }
        : { cap, max: cap.max, note: '' },
  );
  if (vulnerable) {
    caps.push(...rule.extraCaps.map((cap) => ({ cap, max: cap.max, note: ' (vulnerable)' })));
  }

  const deferrals: Deferral[] = [];
  for (const { cap, max, note } of caps) {
    if (cap.channels !== 'all' && !cap.channels.includes(proposal.channel)) continue;
    const windowMs = cap.windowDays * MS_PER_DAY;
    const counted = history.attempts
      .filter((a) => cap.channels === 'all' || cap.channels.includes(a.channel))
      .map((a) => a.at.getTime())
      .filter((at) => at <= now.getTime() && at > now.getTime() - windowMs)
      .sort((a, b) => a - b);
    if (counted.length < max) continue;
    const code = `frequency_cap.${cap.id}`;
    const limit = `${counted.length} attempts in ${cap.windowDays}d, max ${max}${note}`;
    if (max === 0) {
      // A zero cap never frees up: deferring would only postpone the same answer.
      deferrals.push({ reason: block(code, limit), until: now });
      continue;
    }
    const until = new Date(counted[counted.length - max] + windowMs);
    deferrals.push({ reason: defer(code, `${limit}; frees up at ${iso(until)}`), until });
  }
  return deferrals;
}

function conversationRules(
  proposal: ContactProposal,
  history: ContactHistory,
  now: Date,
  policy: ContactPolicy,
): Deferral[] {
  const deferrals: Deferral[] = [];
  for (const rule of policy.conversationRules) {
    if (!rule.channels.includes(proposal.channel)) continue;
    const latest = Math.max(
      ...history.conversations
        .filter((c) => rule.conversationChannels.includes(c.channel))
        .map((c) => c.at.getTime())
        .filter((at) => at <= now.getTime()),
    );
    const until = latest + rule.quietDays * MS_PER_DAY;
    if (Number.isFinite(latest) && until > now.getTime()) {
      deferrals.push({
        reason: defer(
          `frequency_cap.${rule.id}`,
          `A conversation at ${iso(new Date(latest))}: no ${proposal.channel} for ${rule.quietDays}d after it, until ${iso(new Date(until))}`,
        ),
        until: new Date(until),
      });
    }
  }
  return deferrals;
}

/**
 * Starts from the latest instant the caps allow and moves it to the next convenient local time
 * in every candidate zone. Adds `quiet_hours` only if that moved the instant.
 */
function timeWindowRule(
  proposal: ContactProposal,
  state: DebtorContactState,
  now: Date,
  policy: ContactPolicy,
  deferrals: Deferral[],
): { blocks: Reason[]; defers: Reason[]; until?: Date } {
  const earliest = new Date(Math.max(now.getTime(), ...deferrals.map((d) => d.until.getTime())));
  const horizonMs = policy.maxDeferDays * MS_PER_DAY - (earliest.getTime() - now.getTime());
  const zones = state.timeZones.length > 0 ? state.timeZones : policy.fallbackTimeZones;
  const invalid = zones.filter((zone) => !isValidTimeZone(zone));
  if (invalid.length > 0) {
    return {
      blocks: [block('timezone.invalid', `Unknown time zone(s): ${invalid.join(', ')}`)],
      defers: [],
    };
  }
  if (horizonMs < 0) {
    return {
      blocks: [
        block('defer.too_far', `Earliest send ${iso(earliest)} is beyond ${policy.maxDeferDays}d`),
      ],
      defers: [],
    };
  }

  const configured =
    proposal.channel in policy.channelWindows
      ? policy.channelWindows[proposal.channel]
      : policy.contactWindow;
  if (!configured) return { blocks: [], defers: [], until: earliest };
  // validatePolicy already rejected malformed windows.
  const window = resolveWindow(configured) as ResolvedWindow;
  const zoneText = `${zones.join(' + ')}${state.timeZones.length > 0 ? '' : ' (fallback)'}`;

  const next = nextAllowedInstant(earliest, zones, window, horizonMs / MS_PER_DAY);
  if (!next) {
    return {
      blocks: [
        block(
          'quiet_hours.no_window',
          `No instant within ${policy.maxDeferDays}d is inside ${describeWindow(window)} in all of ${zoneText}`,
        ),
      ],
      defers: [],
    };
  }
  if (next.getTime() === earliest.getTime()) return { blocks: [], defers: [], until: next };
  return {
    blocks: [],
    defers: [
      defer(
        'quiet_hours',
        `${iso(earliest)} is outside ${describeWindow(window)} local time in ${zoneText}; next allowed ${iso(next)}`,
      ),
    ],
    until: next,
  };
}
