import {
  type ContactWindow,
  type Weekday,
  isValidTimeZone,
  resolveWindow,
  WEEKDAYS,
} from './local-time';
import {
  type Channel,
  type HoldKind,
  type Purpose,
  type VulnerabilityCategory,
  CHANNELS,
  HOLD_KINDS,
  PURPOSES,
} from './types';

/** At most `max` attempts on `channels` in any rolling window of `windowDays` days. */
export interface FrequencyCap {
  /** Becomes the reason code `frequency_cap.<id>`, e.g. "sms.7d". */
  id: string;
  channels: Channel[] | 'all';
  max: number;
  windowDays: number;
}

/** No attempt on `channels` within `quietDays` after a conversation on `conversationChannels`. */
export interface ConversationRule {
  /** Becomes the reason code `frequency_cap.<id>`, e.g. "voice.after_conversation". */
  id: string;
  channels: Channel[];
  conversationChannels: Channel[];
  quietDays: number;
}

export interface HoldRule {
  /** Purposes still allowed while the hold is in force; everything else is blocked. */
  allowedPurposes: Purpose[];
}

export interface VulnerabilityCategoryRule {
  blockedPurposes?: Purpose[];
  blockedChannels?: Channel[];
}

export interface VulnerabilityRule {
  /** Every cap's max is multiplied by this and floored for vulnerable debtors (0 < m ≤ 1). */
  capMultiplier: number;
  /** Extra caps that only apply to vulnerable debtors. */
  extraCaps: FrequencyCap[];
  requireSupportiveTone: boolean;
  blockedPurposes: Purpose[];
  byCategory: Partial<Record<VulnerabilityCategory, VulnerabilityCategoryRule>>;
}

export interface ContactPolicy {
  /** The preset key this policy derives from; must match the debtor state's jurisdiction. */
  jurisdiction: string;
  description: string;
  /** The default window of convenient local times. */
  contactWindow: ContactWindow;
  /** Per-channel windows; `null` = no time restriction (e.g. letters). */
  channelWindows: Partial<Record<Channel, ContactWindow | null>>;
  /** Zones assumed when the debtor's location is unknown (convenient in all of them). */
  fallbackTimeZones: string[];
  /** A deferral further than this is not scheduled: the proposal is blocked instead. */
  maxDeferDays: number;
  /** Channels that need an explicit "granted" consent; elsewhere "unspecified" is enough. */
  consentRequired: Channel[];
  /** Channels that may use a work address (work email, work phone, work postal address). */
  workplaceAllowed: Channel[];
  frequencyCaps: FrequencyCap[];
  conversationRules: ConversationRule[];
  holds: Record<HoldKind, HoldRule>;
  vulnerability: VulnerabilityRule;
  whatsapp: { freeFormWindowHours: number };
}

const EVERY_DAY: Weekday[] = [...WEEKDAYS];
const MON_TO_SAT: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MON_TO_FRI: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Agency house caps shared by the presets (not regulation: a sensible default pressure limit). */
const HOUSE_CAPS: FrequencyCap[] = [
  { id: 'sms.7d', channels: ['sms'], max: 3, windowDays: 7 },
  { id: 'whatsapp.7d', channels: ['whatsapp'], max: 3, windowDays: 7 },
  { id: 'email.7d', channels: ['email'], max: 3, windowDays: 7 },
  { id: 'all.7d', channels: 'all', max: 10, windowDays: 7 },
];

/** Under a hold only the confirmation of what the debtor did (e.g. the hold itself) may go. */
const HOLDS: Record<HoldKind, HoldRule> = {
  dispute: { allowedPurposes: ['confirmation'] },
  cease_and_desist: { allowedPurposes: ['confirmation'] },
  insolvency: { allowedPurposes: [] },
  deceased: { allowedPurposes: [] },
  breathing_space: { allowedPurposes: ['confirmation'] },
  other: { allowedPurposes: ['confirmation'] },
};

const VULNERABILITY: VulnerabilityRule = {
  capMultiplier: 0.5,
  extraCaps: [],
  requireSupportiveTone: true,
  blockedPurposes: ['legal_notice'],
  byCategory: {
    // A health crisis: offer help, never push for payment automatically.
    health: { blockedPurposes: ['payment_request'] },
    // Life events include domestic abuse: a letter at home may be read by someone else.
    life_event: { blockedChannels: ['letter'] },
  },
};

/** US: FDCPA and Regulation F (12 CFR 1006), TCPA consent for texts and autodialled calls. */
export const US_REG_F: ContactPolicy = {
  jurisdiction: 'US_REG_F',
  description: 'United States: FDCPA / Regulation F, TCPA',
  contactWindow: { start: '08:00', end: '21:00', days: EVERY_DAY },
  channelWindows: { letter: null },
  fallbackTimeZones: [
    'America/New_York',
    'America/Chicago',
    'America/Denver',
    'America/Los_Angeles',
  ],
  maxDeferDays: 14,
  consentRequired: ['sms', 'voice', 'whatsapp'],
  workplaceAllowed: [],
  frequencyCaps: [{ id: 'voice.7d', channels: ['voice'], max: 7, windowDays: 7 }, ...HOUSE_CAPS],
  conversationRules: [
    {
      id: 'voice.after_conversation',
      channels: ['voice'],
      conversationChannels: ['voice'],
      quietDays: 7,
    },
  ],
  holds: HOLDS,
  vulnerability: VULNERABILITY,
  whatsapp: { freeFormWindowHours: 24 },
};

/** UK: FCA CONC 7 (no pressure, no unreasonable hours), Debt Respite Scheme breathing space. */
export const UK_FCA: ContactPolicy = {
  jurisdiction: 'UK_FCA',
  description: 'United Kingdom: FCA CONC 7, Debt Respite Scheme',
  contactWindow: { start: '08:00', end: '21:00', days: MON_TO_SAT },
  channelWindows: { letter: null },
  fallbackTimeZones: ['Europe/London'],
  maxDeferDays: 14,
  consentRequired: ['whatsapp'],
  workplaceAllowed: [],
  frequencyCaps: [{ id: 'voice.7d', channels: ['voice'], max: 3, windowDays: 7 }, ...HOUSE_CAPS],
  conversationRules: [],
  holds: HOLDS,
  vulnerability: VULNERABILITY,
  whatsapp: { freeFormWindowHours: 24 },
};

/** Spain: consumer-law limits on calls (09:00–21:00, working days), GDPR. */
export const EU_ES: ContactPolicy = {
  jurisdiction: 'EU_ES',
  description: 'Spain (EU): consumer-law contact hours, GDPR',
  contactWindow: { start: '09:00', end: '21:00', days: MON_TO_FRI },
  channelWindows: { letter: null },
  fallbackTimeZones: ['Europe/Madrid', 'Atlantic/Canary'],
  maxDeferDays: 14,
  consentRequired: ['whatsapp'],
  workplaceAllowed: [],
  frequencyCaps: [{ id: 'voice.7d', channels: ['voice'], max: 3, windowDays: 7 }, ...HOUSE_CAPS],
  conversationRules: [],
  holds: HOLDS,
  vulnerability: VULNERABILITY,
  whatsapp: { freeFormWindowHours: 24 },
};

export const JURISDICTION_PRESETS: Readonly<Record<string, ContactPolicy>> = {
  US_REG_F,
  UK_FCA,
  EU_ES,
};

/**
 * A tenant's changes to a preset. Objects merge key by key; arrays and scalars replace, except
 * `frequencyCaps` and `conversationRules`, which merge by id (same id replaces, new ids add).
 */
export interface PolicyOverride {
  description?: string;
  contactWindow?: Partial<ContactWindow>;
  channelWindows?: Partial<Record<Channel, ContactWindow | null>>;
  fallbackTimeZones?: string[];
  maxDeferDays?: number;
  consentRequired?: Channel[];
  workplaceAllowed?: Channel[];
  frequencyCaps?: FrequencyCap[];
  conversationRules?: ConversationRule[];
  holds?: Partial<Record<HoldKind, HoldRule>>;
  vulnerability?: Partial<Omit<VulnerabilityRule, 'byCategory'>> & {
    byCategory?: Partial<Record<VulnerabilityCategory, VulnerabilityCategoryRule>>;
  };
  whatsapp?: { freeFormWindowHours?: number };
}

function mergeById<T extends { id: string }>(base: T[], override: T[] | undefined): T[] {
  if (!override) return base;
  const merged = base.filter((item) => !override.some((o) => o.id === item.id));
  return [...merged, ...override];
}

export function mergePolicy(base: ContactPolicy, override: PolicyOverride = {}): ContactPolicy {
  return {
    ...base,
    description: override.description ?? base.description,
    contactWindow: { ...base.contactWindow, ...override.contactWindow },
    channelWindows: { ...base.channelWindows, ...override.channelWindows },
    fallbackTimeZones: override.fallbackTimeZones ?? base.fallbackTimeZones,
    maxDeferDays: override.maxDeferDays ?? base.maxDeferDays,
    consentRequired: override.consentRequired ?? base.consentRequired,
    workplaceAllowed: override.workplaceAllowed ?? base.workplaceAllowed,
    frequencyCaps: mergeById(base.frequencyCaps, override.frequencyCaps),
    conversationRules: mergeById(base.conversationRules, override.conversationRules),
    holds: { ...base.holds, ...override.holds },
    vulnerability: {
      ...base.vulnerability,
      ...override.vulnerability,
      byCategory: { ...base.vulnerability.byCategory, ...override.vulnerability?.byCategory },
    },
    whatsapp: { ...base.whatsapp, ...override.whatsapp },
  };
}

/** The preset for a jurisdiction with a tenant's overrides on top; undefined if unknown. */
export function policyFor(
  jurisdiction: string,
  override?: PolicyOverride,
): ContactPolicy | undefined {
  const preset = JURISDICTION_PRESETS[jurisdiction];
  return preset ? mergePolicy(preset, override) : undefined;
}

/** Problems that make a policy unusable; the engine blocks everything under such a policy. */
export function validatePolicy(policy: ContactPolicy): string[] {
  const problems: string[] = [];
  if (!resolveWindow(policy.contactWindow)) problems.push('contactWindow is not a valid window');
  for (const channel of CHANNELS) {
    const window = policy.channelWindows[channel];
    if (window && !resolveWindow(window)) problems.push(`channelWindows.${channel} is not valid`);
  }
  if (policy.fallbackTimeZones.length === 0) problems.push('fallbackTimeZones is empty');
  for (const zone of policy.fallbackTimeZones) {
    if (!isValidTimeZone(zone)) problems.push(`fallback time zone ${zone} is unknown`);
  }
  if (!(policy.maxDeferDays > 0)) problems.push('maxDeferDays must be positive');
  // Policies come from configuration files too: every list is checked to be a list of known
  // values, so a typo stops the service at boot instead of failing each decision later.
  if (!Array.isArray(policy.frequencyCaps) || !Array.isArray(policy.vulnerability.extraCaps)) {
    problems.push('frequencyCaps and vulnerability.extraCaps must be lists');
    return problems;
  }
  for (const cap of [...policy.frequencyCaps, ...policy.vulnerability.extraCaps]) {
    if (typeof cap?.id !== 'string') problems.push('a cap has no id');
    if (cap?.channels !== 'all' && !isListOf(cap?.channels, CHANNELS)) {
      problems.push(`cap ${cap?.id}: channels must be 'all' or a list of channels`);
    }
    if (!Number.isInteger(cap?.max) || cap.max < 0) problems.push(`cap ${cap?.id}: bad max`);
    if (!(cap?.windowDays > 0)) problems.push(`cap ${cap?.id}: bad windowDays`);
  }
  for (const rule of Array.isArray(policy.conversationRules) ? policy.conversationRules : [null]) {
    if (
      !rule ||
      !isListOf(rule.channels, CHANNELS) ||
      !isListOf(rule.conversationChannels, CHANNELS)
    ) {
      problems.push(`conversation rule ${rule?.id}: channels must be lists of channels`);
    } else if (!(rule.quietDays > 0)) problems.push(`rule ${rule.id}: bad quietDays`);
  }
  for (const kind of HOLD_KINDS) {
    if (!policy.holds[kind]) problems.push(`holds.${kind} is missing`);
    else if (!isListOf(policy.holds[kind].allowedPurposes, PURPOSES)) {
      problems.push(`holds.${kind}.allowedPurposes must be a list of purposes`);
    }
  }
  if (!isListOf(policy.vulnerability.blockedPurposes, PURPOSES)) {
    problems.push('vulnerability.blockedPurposes must be a list of purposes');
  }
  for (const [category, rule] of Object.entries(policy.vulnerability.byCategory ?? {})) {
    if (rule?.blockedPurposes !== undefined && !isListOf(rule.blockedPurposes, PURPOSES)) {
      problems.push(`vulnerability.byCategory.${category}.blockedPurposes must be a list`);
    }
    if (rule?.blockedChannels !== undefined && !isListOf(rule.blockedChannels, CHANNELS)) {
      problems.push(`vulnerability.byCategory.${category}.blockedChannels must be a list`);
    }
  }
  for (const field of ['consentRequired', 'workplaceAllowed'] as const) {
    if (!isListOf(policy[field], CHANNELS)) problems.push(`${field} must be a list of channels`);
  }
  const m = policy.vulnerability.capMultiplier;
  if (!(m > 0 && m <= 1)) problems.push('vulnerability.capMultiplier must be in (0, 1]');
  if (!(policy.whatsapp.freeFormWindowHours >= 0)) problems.push('whatsapp window is negative');
  return problems;
}

function isListOf(value: unknown, allowed: readonly string[]): boolean {
  return Array.isArray(value) && value.every((item) => allowed.includes(item as string));
}
