/**
 * The engine's precise view of a CaseJourney. Everything is plain JSON (numbers, strings,
 * arrays, objects) so a journey is stored as one JSONB value and round-trips unchanged.
 */
import type { HoldKind, Purpose, Tone, VulnerabilityCategory } from '@clement/contact-policy';
import type { Arm, CaseJourney, EngineChannel, Instant, StrategyRef } from './engine-types';

export interface Engagement {
  sent: number;
  delivered: number;
  read: number;
  clicked: number;
  replied: number;
  portalVisits: number;
}

export interface CaseFacts {
  balanceMinor: number;
  currency: string;
  /** At placement; the current value adds the days since placedAt. */
  daysPastDue: number;
  productTypes: string[];
  vulnerabilities: VulnerabilityCategory[];
  /** Reachable channels from contact points (before opt-outs). */
  channels: EngineChannel[];
  optedOut: EngineChannel[];
  timeZones: string[];
  language?: string;
  engagement: Engagement;
  promises: { made: number; kept: number; broken: number };
  payments: { count: number; totalMinor: number; lastAt?: Instant };
  lastReplyIntent?: string;
  lastTaskOutcome?: string;
}

/** A message the engine asked for and has not seen settle yet. */
export interface PendingMessage {
  dispatchId: string;
  channel: EngineChannel;
  /** Channels still to try, in order, when this one is blocked or fails. */
  fallbacks: EngineChannel[];
  templateKey: string;
  purpose: Purpose;
  tone: Tone;
  expiresAfterMs: number;
  stepId: string;
  requestedAt: Instant;
  /** The last outcome dispatch reported; absent = none yet. */
  outcome?: string;
}

export interface HoldState {
  holdId: string;
  kind: HoldKind;
  endsAt?: Instant;
}

export interface PlanState {
  planId: string;
  instalments: { dueDate: string; amountMinor: number }[];
  /** Index of the next instalment to send a courtesy reminder for. */
  nextReminder: number;
  nextReminderAt?: Instant;
}

/** A reaction's pause over the path (payment cooldown or a promise). */
export interface ReactionPause {
  reason: 'payment' | 'promise';
  until: Instant;
  promiseId?: string;
  promiseDueDate?: string;
}

export interface PathPosition {
  pathId: string;
  stepId: string;
  /** Whether the step has started (a wait's timer set); false = enter it when the case resumes. */
  entered: boolean;
  /** A wait or timed pause step's timeout. */
  until?: Instant;
}

export interface JourneyState extends CaseJourney {
  strategy?: StrategyRef;
  champion?: StrategyRef;
  arm?: Arm;
  placedAt?: Instant;
  segmentId?: string;
  /** The stage the current segment was chosen in. */
  stage?: string;
  position?: PathPosition;
  /** When the next stage boundary is crossed. */
  stageAt?: Instant;
  facts: CaseFacts;
  holds: HoldState[];
  pause?: ReactionPause;
  plan?: PlanState;
  pending: PendingMessage[];
  endedReason?: string;
}

export function emptyFacts(): CaseFacts {
  return {
    balanceMinor: 0,
    currency: '',
    daysPastDue: 0,
    productTypes: [],
    vulnerabilities: [],
    channels: [],
    optedOut: [],
    timeZones: [],
    engagement: { sent: 0, delivered: 0, read: 0, clicked: 0, replied: 0, portalVisits: 0 },
    promises: { made: 0, kept: 0, broken: 0 },
    payments: { count: 0, totalMinor: 0 },
  };
}
