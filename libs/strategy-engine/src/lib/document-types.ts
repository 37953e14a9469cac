/**
 * The strategy document as a designer writes it (YAML or JSON, checked against
 * schema/strategy.schema.json), and its compiled form the engine runs.
 */
import type { Purpose } from '@clement/contact-policy';
import type { EngineChannel, StrategyRef } from './engine-types';

/** "mon" … "sun". */
export type DayOfWeek = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export type ToneChoice = 'standard' | 'supportive' | 'auto';

/** A rule over case facts; see FACTS for the names. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | ({ fact: string } & Partial<Record<ComparisonOperator, FactValue | FactValue[]>>);

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'not_in';
export type FactValue = string | number | boolean;

/** The events a waiting (or pausing) step can react to by moving to another step. */
export type WaitEventName =
  | 'delivered'
  | 'read'
  | 'clicked'
  | 'replied'
  | 'portal_visit'
  | 'promise_made'
  | 'payment'
  | 'plan_created'
  | 'task_completed';

export interface SendStep {
  /** Tried in order: the first one the debtor can be reached on, then fallbacks on failure. */
  channels: EngineChannel[];
  template: string;
  purpose: Purpose;
  tone?: ToneChoice;
  /** ISO 8601 duration; default PT24H. */
  expiresAfter?: string;
}

export interface WaitStep {
  /** ISO 8601 duration. */
  for?: string;
  /** "HH:MM": the next such local time on a contact day. */
  untilLocalTime?: string;
  /** "YYYY-MM-DD": that local date at `at` (default: the document's contactTime). */
  until?: string;
  at?: string;
  on?: Partial<Record<WaitEventName, string>>;
  /** The step after the timeout; default the next one. */
  then?: string;
}

export interface PauseStep {
  /** ISO 8601 duration; absent = until one of `on` happens (or a reaction moves the case). */
  for?: string;
  on?: Partial<Record<WaitEventName, string>>;
  then?: string;
}

export interface BranchRule {
  when?: Condition;
  goto: string;
}

export interface EscalateStep {
  queue: string;
  reason: string;
  /** 1 (highest) to 5; default 3. */
  priority?: number;
  /** ISO 8601 duration; default P1D. */
  dueIn?: string;
}

export interface StrategyStep {
  id: string;
  description?: string;
  send?: SendStep;
  wait?: WaitStep;
  pause?: PauseStep;
  branch?: BranchRule[];
  escalate?: EscalateStep;
  goto?: { path: string };
  end?: { reason?: string };
}

export type StepKind = 'send' | 'wait' | 'pause' | 'branch' | 'escalate' | 'goto' | 'end';

export interface StrategyPath {
  description?: string;
  steps: StrategyStep[];
}

export interface Segment {
  id: string;
  description?: string;
  when?: Condition;
  path: string;
}

export interface StageDefinition {
  id: string;
  fromDaysPastDue: number;
}

export interface ScoreFeatureWeight {
  feature: string;
  weight: number;
  /** The feature's value is capped here before weighting. */
  cap?: number;
}

export interface ScoreConfig {
  base: number;
  features: ScoreFeatureWeight[];
}

export interface TaskTemplate {
  queue: string;
  priority?: number;
  dueIn?: string;
  reason?: string;
}

export interface Reactions {
  /** ISO 8601 duration; default P3D. */
  paymentCooldown?: string;
  /** Used when a promise carries no grace; default 2. */
  promiseGraceDays?: number;
  vulnerability: { path: string; task?: TaskTemplate };
  planReminder?: {
    daysBefore?: number;
    at?: string;
    channels?: EngineChannel[];
    template?: string;
  };
}

export interface StrategyDocument {
  schemaVersion: 1;
  name: string;
  description?: string;
  jurisdiction?: string;
  challenger?: { strategyId: string; version: number; share: number };
  stages?: StageDefinition[];
  contactDays?: DayOfWeek[];
  /** "HH:MM" for dated waits and plan reminders without their own time; default 09:00. */
  contactTime?: string;
  defaultTimeZone?: string;
  score?: ScoreConfig;
  reactions: Reactions;
  segments: Segment[];
  paths: Record<string, StrategyPath>;
}

export interface StrategyProblem {
  /** JSON pointer into the document, e.g. "/paths/early/steps/2". */
  path: string;
  message: string;
}

export class StrategyDocumentError extends Error {
  constructor(readonly problems: StrategyProblem[]) {
    super(
      `invalid strategy document: ${problems
        .slice(0, 5)
        .map((p) => `${p.path || '/'} ${p.message}`)
        .join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`,
    );
    this.name = 'StrategyDocumentError';
  }
}

/** Defaults applied and durations resolved, so the engine never re-parses text. */
export interface CompiledSettings {
  stages: StageDefinition[];
  contactDays: DayOfWeek[];
  contactTimeSecond: number;
  defaultTimeZone: string;
  score: ScoreConfig;
  paymentCooldownMs: number;
  promiseGraceDays: number;
  vulnerability: {
    path: string;
    task: { queue: string; priority: number; dueInMs: number; reason: string };
  };
  planReminder: {
    daysBefore: number;
    atSecond: number;
    channels: EngineChannel[];
    template: string;
  };
}

export interface CompiledStrategy {
  ref: StrategyRef;
  document: StrategyDocument;
  challenger?: { strategyId: string; version: number; shareBps: number };
  settings: CompiledSettings;
}
