import type { Arm, DecisionAction, EngineChannel, StrategyRef } from '../lib/engine-types';

export const SIMULATED_CHANNELS: readonly EngineChannel[] = ['whatsapp', 'sms', 'email'];

/** Counts keyed by a reason code (e.g. `quiet_hours`, `consent.missing`), keys sorted. */
export type ReasonCounts = Record<string, number>;

export interface ChannelDay {
  /** Messages the contact policy let through (sent). */
  messages: number;
  /** Evaluations that pushed a message later; one deferral may carry several reasons. */
  deferrals: number;
  deferralReasons: ReasonCounts;
  blocks: number;
  blockReasons: ReasonCounts;
  /** Messages dropped before sending: cancelled by the engine, expired, or invalid at send time. */
  cancelled: number;
}

export interface Payments {
  count: number;
  /** Amounts by currency, in minor units (never summed across currencies). */
  amountMinor: Record<string, number>;
}

export interface Outcomes {
  escalations: number;
  promises: number;
  promisesKept: number;
  promisesBroken: number;
  payments: Payments;
  clicks: number;
  replies: number;
  optOuts: number;
}

export interface DayReport extends Outcomes {
  /** The UTC date of the day. */
  date: string;
  channels: Record<EngineChannel, ChannelDay>;
}

export interface Totals extends Outcomes {
  channels: Record<EngineChannel, ChannelDay>;
  messages: number;
  /** Engine decisions by action (the decision events strategy-service would publish). */
  decisions: Partial<Record<DecisionAction, number>>;
  /** Escalations by agent-task queue. */
  escalationQueues: ReasonCounts;
  /** Why messages were cancelled: an engine reason (e.g. payment) or dispatch's (expired). */
  cancelReasons: ReasonCounts;
  /** Cases whose balance reached 0 within the period. */
  casesPaidInFull: number;
}

export interface ArmReport extends Outcomes {
  strategy: StrategyRef;
  cases: number;
  messages: number;
  casesPaidInFull: number;
}

/** The whole result of a simulation: plain JSON, stable for the same inputs. */
export interface SimulationReport {
  strategy: StrategyRef & { name?: string };
  jurisdiction: string;
  seed: number;
  start: string;
  days: number;
  cases: number;
  /** Cases the engine never assigned (no strategy could take them). */
  unassignedCases: number;
  byDay: DayReport[];
  totals: Totals;
  arms: Partial<Record<Arm, ArmReport>>;
}

const MS_PER_DAY = 86_400_000;

const emptyChannelDay = (): ChannelDay => ({
  messages: 0,
  deferrals: 0,
  deferralReasons: {},
  blocks: 0,
  blockReasons: {},
  cancelled: 0,
});
const emptyChannels = (): Record<EngineChannel, ChannelDay> => ({
  whatsapp: emptyChannelDay(),
  sms: emptyChannelDay(),
  email: emptyChannelDay(),
});
const emptyOutcomes = (): Outcomes => ({
  escalations: 0,
  promises: 0,
  promisesKept: 0,
  promisesBroken: 0,
  payments: { count: 0, amountMinor: {} },
  clicks: 0,
  replies: 0,
  optOuts: 0,
});

const bump = (counts: ReasonCounts, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

export type OutcomeKind =
  'escalation' | 'promise' | 'promiseKept' | 'promiseBroken' | 'click' | 'reply' | 'optOut';

/** Collects what a simulation counts, by day, channel and arm. */
export class SimulationReportBuilder {
  private readonly byDay: DayReport[];
  private readonly totals: Totals;
  private readonly arms: Partial<Record<Arm, ArmReport>> = {};

  constructor(
    private readonly header: Omit<
      SimulationReport,
      'byDay' | 'totals' | 'arms' | 'unassignedCases'
    >,
    private readonly startMs: number,
  ) {
    this.byDay = Array.from({ length: header.days }, (_, day) => ({
      date: new Date(startMs + day * MS_PER_DAY).toISOString().slice(0, 10),
      channels: emptyChannels(),
      ...emptyOutcomes(),
    }));
    this.totals = {
      ...emptyOutcomes(),
      channels: emptyChannels(),
      messages: 0,
      decisions: {},
      escalationQueues: {},
      cancelReasons: {},
      casesPaidInFull: 0,
    };
  }

  assigned(arm: Arm, strategy: StrategyRef): void {
    const report = (this.arms[arm] ??= {
      strategy,
      cases: 0,
      messages: 0,
      casesPaidInFull: 0,
      ...emptyOutcomes(),
    });
    report.cases += 1;
  }

  decision(at: number, action: DecisionAction): void {
    if (!this.dayOf(at)) return;
    this.totals.decisions[action] = (this.totals.decisions[action] ?? 0) + 1;
  }

  message(at: number, channel: EngineChannel, arm: Arm | undefined): void {
    const days = this.channelDays(at, channel);
    if (days.length === 0) return;
    days.forEach((day) => (day.messages += 1));
    this.totals.messages += 1;
    if (arm && this.arms[arm]) this.arms[arm].messages += 1;
  }

  deferral(at: number, channel: EngineChannel, reasons: readonly string[]): void {
    for (const day of this.channelDays(at, channel)) {
      day.deferrals += 1;
      reasons.forEach((reason) => bump(day.deferralReasons, reason));
    }
  }

  block(at: number, channel: EngineChannel, reasons: readonly string[]): void {
    for (const day of this.channelDays(at, channel)) {
      day.blocks += 1;
      reasons.forEach((reason) => bump(day.blockReasons, reason));
    }
  }

  cancelled(at: number, channel: EngineChannel, reason: string): void {
    const days = this.channelDays(at, channel);
    if (days.length === 0) return;
    days.forEach((day) => (day.cancelled += 1));
    bump(this.totals.cancelReasons, reason);
  }

  outcome(at: number, kind: OutcomeKind, arm: Arm | undefined, queue?: string): void {
    const field = OUTCOME_FIELDS[kind];
    const targets = this.outcomeTargets(at, arm);
    for (const outcomes of targets) outcomes[field] += 1;
    if (kind === 'escalation' && queue && targets.length > 0)
      bump(this.totals.escalationQueues, queue);
  }

  payment(
    at: number,
    amountMinor: number,
    currency: string,
    arm: Arm | undefined,
    paidInFull: boolean,
  ): void {
    const targets = this.outcomeTargets(at, arm);
    for (const outcomes of targets) {
      outcomes.payments.count += 1;
      bump(outcomes.payments.amountMinor, currency, amountMinor);
    }
    if (paidInFull && targets.length > 0) {
      this.totals.casesPaidInFull += 1;
      if (arm && this.arms[arm]) this.arms[arm].casesPaidInFull += 1;
    }
  }

  build(unassignedCases: number): SimulationReport {
    const sortCounts = (counts: ReasonCounts) =>
      Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
    const sortChannels = (channels: Record<EngineChannel, ChannelDay>) => {
      for (const day of Object.values(channels)) {
        day.deferralReasons = sortCounts(day.deferralReasons);
        day.blockReasons = sortCounts(day.blockReasons);
      }
    };
    this.byDay.forEach((day) => sortChannels(day.channels));
    sortChannels(this.totals.channels);
    for (const outcomes of [this.totals, ...this.byDay, ...Object.values(this.arms)]) {
      outcomes.payments.amountMinor = sortCounts(outcomes.payments.amountMinor);
    }
    this.totals.escalationQueues = sortCounts(this.totals.escalationQueues);
    this.totals.cancelReasons = sortCounts(this.totals.cancelReasons);
    this.totals.decisions = sortCounts(this.totals.decisions as ReasonCounts);
    return JSON.parse(
      JSON.stringify({
        ...this.header,
        unassignedCases,
        byDay: this.byDay,
        totals: this.totals,
        arms: this.arms,
      }),
    ) as SimulationReport;
  }

  private dayOf(at: number): DayReport | undefined {
    return this.byDay[Math.floor((at - this.startMs) / MS_PER_DAY)];
  }

  private channelDays(at: number, channel: EngineChannel): ChannelDay[] {
    const day = this.dayOf(at);
    return day ? [day.channels[channel], this.totals.channels[channel]] : [];
  }

  private outcomeTargets(at: number, arm: Arm | undefined): Outcomes[] {
    const day = this.dayOf(at);
    if (!day) return [];
    const armReport = arm ? this.arms[arm] : undefined;
    return armReport ? [day, this.totals, armReport] : [day, this.totals];
  }
}

const OUTCOME_FIELDS: Record<OutcomeKind, Exclude<keyof Outcomes, 'payments'>> = {
  escalation: 'escalations',
  promise: 'promises',
  promiseKept: 'promisesKept',
  promiseBroken: 'promisesBroken',
  click: 'clicks',
  reply: 'replies',
  optOut: 'optOuts',
};
