/**
 * The strategy engine's inputs and outputs. Plain, JSON-serialisable data (instants are epoch
 * milliseconds) so a journey is stored as one JSONB value and replayed by the simulator; the
 * service maps its contracts (case, dispatch, payment, portal events) onto these at the edge.
 */
import type {
  Channel,
  HoldKind,
  Purpose,
  Tone,
  VulnerabilityCategory,
} from '@clement/contact-policy';
import type { CompiledStrategy } from './document-types';

/** Epoch milliseconds (UTC). */
export type Instant = number;

export type Arm = 'champion' | 'challenger';

export interface StrategyRef {
  strategyId: string;
  version: number;
}

/** What a tenant runs now: new cases are assigned to one of these. */
export interface ActiveStrategy {
  champion: CompiledStrategy;
  challenger?: { strategy: CompiledStrategy; shareBps: number };
}

/** The channels the engine can ask dispatch for. */
export type EngineChannel = Extract<Channel, 'sms' | 'whatsapp' | 'email'>;

export type ReplyIntent = 'pay' | 'balance' | 'plan' | 'agent' | 'dispute' | 'other';

export type MessageOutcome =
  | 'sent'
  | 'delivered'
  | 'read'
  | 'clicked'
  | 'deferred'
  | 'blocked'
  | 'failed'
  | 'cancelled'
  | 'unknown';

interface EventBase {
  /** The CloudEvents id of the event this came from (decisions name it); absent in simulations. */
  eventId?: string;
  /** When it happened. */
  at: Instant;
}

export interface CasePlacedEvent extends EventBase {
  type: 'case_placed';
  tenantId: string;
  caseId: string;
  debtorId: string;
  balanceMinor: number;
  currency: string;
  /** Days past due at placement (the largest over the case's accounts). */
  daysPastDue: number;
  productTypes: string[];
}

export type EngineEvent =
  | CasePlacedEvent
  | (EventBase & {
      type: 'balance_changed';
      balanceMinor: number;
      reason: 'payment' | 'creditor_update' | 'account_added' | 'recalled' | 'other';
    })
  | (EventBase & {
      type: 'contact_points_changed';
      /** The channels the debtor can be reached on (mobile → sms and whatsapp, email → email). */
      channels: EngineChannel[];
      timeZones: string[];
      language?: string;
    })
  | (EventBase & { type: 'hold_placed'; holdId: string; kind: HoldKind; endsAt?: Instant })
  | (EventBase & { type: 'hold_lifted'; holdId: string })
  | (EventBase & { type: 'vulnerability_flagged'; categories: VulnerabilityCategory[] })
  | (EventBase & { type: 'case_resolved' })
  | (EventBase & { type: 'debtor_erased' })
  | (EventBase & {
      type: 'payment';
      paymentId: string;
      amountMinor: number;
      source: 'clement' | 'creditor';
    })
  | (EventBase & {
      type: 'promise_made';
      promiseId: string;
      amountMinor: number;
      /** YYYY-MM-DD in the debtor's zone. */
      dueDate: string;
      graceDays: number;
    })
  | (EventBase & { type: 'promise_kept'; promiseId: string })
  | (EventBase & { type: 'promise_broken'; promiseId: string })
  | (EventBase & {
      type: 'plan_created' | 'plan_changed';
      planId: string;
      instalments: { dueDate: string; amountMinor: number }[];
    })
  | (EventBase & { type: 'plan_breached' | 'plan_completed' | 'plan_cancelled'; planId: string })
  | (EventBase & {
      type: 'message_outcome';
      dispatchId: string;
      outcome: MessageOutcome;
      /** Policy reason codes (blocked, deferred) or a provider error code (failed). */
      reasons?: string[];
      /** For failed: whether retrying the same channel is pointless. */
      permanent?: boolean;
    })
  | (EventBase & {
      type: 'reply_received';
      channel: EngineChannel;
      intent: ReplyIntent;
      dispatchId?: string;
    })
  | (EventBase & { type: 'opted_out' | 'opted_in'; channel: EngineChannel })
  | (EventBase & { type: 'portal_visited'; dispatchId?: string })
  | (EventBase & { type: 'task_completed'; taskId: string; outcome: string });

export type EngineEventType = EngineEvent['type'];

export type DecisionAction =
  | 'enter_path'
  | 'send'
  | 'cancel_sends'
  | 'wait'
  | 'branch'
  | 'escalate'
  | 'pause'
  | 'resume'
  | 'end'
  | 'skip';

export interface ScoreContribution {
  feature: string;
  value: number;
  weight: number;
  points: number;
}

export interface ScoreExplanation {
  /** 0 to 100. */
  score: number;
  base: number;
  contributions: ScoreContribution[];
}

/** One decision, naming everything that produced it ("why did we send this?"). */
export interface Decision {
  decisionId: string;
  tenantId: string;
  caseId: string;
  debtorId: string;
  strategyId: string;
  version: number;
  arm: Arm;
  segmentId: string;
  pathId: string;
  stepId: string;
  /** e.g. "segment:vulnerable", "step:send", "reaction:payment", "branch:clicked", "fallback:sms". */
  rule: string;
  action: DecisionAction;
  dispatchIds: string[];
  taskId?: string;
  detail: string;
  triggerEventId?: string;
  score?: ScoreExplanation;
  decidedAt: Instant;
}

/** A dispatch SendMessage to publish. */
export interface SendCommand {
  dispatchId: string;
  tenantId: string;
  caseId: string;
  debtorId: string;
  channel: EngineChannel;
  purpose: Purpose;
  tone: Tone;
  templateKey: string;
  notBefore?: Instant;
  expiresAt: Instant;
  /** Re-checked by dispatch at send time. */
  validity: { caseStatuses: ('placed' | 'active' | 'arrangement')[]; noPaymentSince: Instant };
  decisionId: string;
}

export interface TaskRequest {
  taskId: string;
  tenantId: string;
  caseId: string;
  debtorId: string;
  queue: string;
  reason: string;
  /** 1 (highest) to 5. */
  priority: number;
  dueAt: Instant;
  decisionId: string;
}

export interface Assignment {
  tenantId: string;
  caseId: string;
  debtorId: string;
  strategy: StrategyRef;
  arm: Arm;
  champion: StrategyRef;
  assignedAt: Instant;
}

export type EngineOutput =
  | { kind: 'assigned'; assignment: Assignment }
  | { kind: 'decision'; decision: Decision }
  | { kind: 'send'; command: SendCommand }
  | {
      kind: 'cancel';
      tenantId: string;
      debtorId: string;
      dispatchId: string;
      reason: string;
      decisionId: string;
    }
  | { kind: 'task'; task: TaskRequest };

/** What the engine needs besides the journey and the event; no clock, no I/O of its own. */
export interface EngineContext {
  now: Instant;
  /** The tenant's active strategy, for cases not assigned yet; undefined = none active. */
  active: ActiveStrategy | undefined;
  /** Any stored version (cases finish the version they started on). */
  version: (ref: StrategyRef) => CompiledStrategy | undefined;
  /**
   * The case an event belongs to, for events other than case_placed arriving before the engine
   * knows the case (topics interleave): applyEvent then starts an `unassigned` journey holding
   * the facts. Without it such an event returns journey undefined.
   */
  subject?: { tenantId: string; caseId: string; debtorId: string };
}

export interface EngineResult {
  /** The new state; undefined when the event is about a case the engine does not know and cannot start. */
  journey: CaseJourney | undefined;
  outputs: EngineOutput[];
}

/** Where a case is; the engine's whole memory of it (stored as JSONB by the service). */
export interface CaseJourney {
  tenantId: string;
  caseId: string;
  debtorId: string;
  /** Increments with every decision; ids are derived from (caseId, seq), so replays repeat them. */
  seq: number;
  status: 'running' | 'waiting' | 'paused' | 'plan' | 'held' | 'ended' | 'unassigned';
  /** When the engine wants to be woken (the service's one durable timer per case). */
  wakeAt?: Instant;
  /** Everything else is the engine's own business (facts, path position, pending sends...). */
  [key: string]: unknown;
}

export type { Channel, HoldKind, Purpose, Tone, VulnerabilityCategory };
