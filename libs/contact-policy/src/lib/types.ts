/**
 * The inputs and output of the contact policy engine. Plain data with string unions (no proto
 * enums): the dispatch service maps its contracts onto these at the edge.
 */

export const CHANNELS = ['sms', 'whatsapp', 'email', 'voice', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Why a message is sent (clement.dispatch.v1.MessagePurpose plus the escalation purposes). */
export const PURPOSES = [
  'reminder',
  'payment_request',
  'plan_reminder',
  'courtesy',
  'confirmation',
  'support',
  'legal_notice',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export type Tone = 'standard' | 'supportive';

/** clement.case.v1.ContactPointKind. */
export type ContactPointKind = 'mobile' | 'landline' | 'email' | 'postal';

/** Whether the address belongs to the debtor privately or to their workplace. */
export type AddressUsage = 'personal' | 'work' | 'unknown';

/** clement.common.v1.ConsentStatus; an absent entry means "unspecified". */
export type ConsentStatus = 'granted' | 'withdrawn';

export interface ChannelConsent {
  status: ConsentStatus;
  recordedAt?: Date;
}

export interface ContactPoint {
  id: string;
  kind: ContactPointKind;
  usage: AddressUsage;
  /** Consent per channel for this contact point; absent = the jurisdiction's default applies. */
  consents?: Partial<Record<Channel, ChannelConsent>>;
}

export interface ContactProposal {
  tenantId: string;
  debtorId: string;
  channel: Channel;
  contactPoint: ContactPoint;
  purpose: Purpose;
  tone: Tone;
  /** WhatsApp only: an approved (Meta-registered) template, or free-form text. */
  whatsappMessage?: 'template' | 'free_form';
}

export const HOLD_KINDS = [
  'dispute',
  'cease_and_desist',
  'insolvency',
  'deceased',
  'breathing_space',
  'other',
] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

export interface Hold {
  kind: HoldKind;
  startsAt?: Date;
  /** When the hold ends on its own (breathing space); absent = until lifted. */
  endsAt?: Date;
}

/** clement.common.v1.VulnerabilityCategory (after the FCA's FG21/1 drivers). */
export const VULNERABILITY_CATEGORIES = [
  'health',
  'life_event',
  'low_resilience',
  'low_capability',
] as const;
export type VulnerabilityCategory = (typeof VULNERABILITY_CATEGORIES)[number];

/**
 * One opt-out or opt-in (STOP / START, a portal preference, an agent note). Without a
 * contactPointId it applies to every contact point on the channel (e.g. STOPALL).
 */
export interface OptEvent {
  kind: 'opt_out' | 'opt_in';
  channel: Channel;
  contactPointId?: string;
  at: Date;
}

export interface DebtorContactState {
  /** Key of a preset (e.g. 'US_REG_F'); must match the policy's jurisdiction. */
  jurisdiction: string;
  holds: Hold[];
  vulnerabilities: VulnerabilityCategory[];
  optEvents: OptEvent[];
  /** IANA zones where the debtor may be; empty = the policy's fallback zones. */
  timeZones: string[];
  lastInboundWhatsAppAt?: Date;
}

export type AttemptOutcome = 'sent' | 'delivered' | 'read' | 'answered' | 'no_answer' | 'failed';

export interface ContactAttempt {
  channel: Channel;
  at: Date;
  outcome: AttemptOutcome;
}

/** A conversation with the debtor about the debt (a call answered by the right party, a chat). */
export interface Conversation {
  channel: Channel;
  at: Date;
}

export interface ContactHistory {
  attempts: ContactAttempt[];
  conversations: Conversation[];
}

/** 'info' reasons only appear on a send. */
export type ReasonEffect = 'block' | 'defer' | 'info';

export interface Reason {
  code: string;
  detail: string;
  effect: ReasonEffect;
}

export type Decision =
  | { outcome: 'send'; reasons: Reason[] }
  | { outcome: 'defer'; until: Date; reasons: Reason[] }
  | { outcome: 'block'; reasons: Reason[] };
