/**
 * The strategy engine: (journey, event or due timer, context) → (new journey, outputs). Pure and
 * deterministic: no I/O, no clock but ctx.now, ids derived from (tenant, case, seq).
 *
 * A journey sits at a step of a path; overlays can hold it there, in order of precedence:
 * ended > held > payment plan > reaction pause (payment cooldown, promise) > the step itself.
 * When the last overlay lifts, the case resumes: the stage is re-checked (and may move it to
 * another path), then the step it was at is entered again (a wait starts over).
 */
import type { Purpose, Tone } from '@clement/contact-policy';
import type {
  CompiledStrategy,
  PauseStep,
  Segment,
  SendStep,
  StrategyStep,
  WaitEventName,
  WaitStep,
} from './document-types';
import type {
  CaseJourney,
  Decision,
  DecisionAction,
  EngineChannel,
  EngineContext,
  EngineEvent,
  EngineOutput,
  EngineResult,
  Instant,
  ScoreExplanation,
  SendCommand,
} from './engine-types';
import { evaluateCondition, type FactView } from './facts';
import { assignArm, derivedId, experimentKeyOf } from './identifiers';
import {
  emptyFacts,
  type JourneyState,
  type PathPosition,
  type PendingMessage,
} from './journey-state';
import { computeScore } from './score';
import {
  addDays,
  endOfLocalDay,
  isValidTimeZone,
  localDateOf,
  localInstant,
  MS_PER_DAY,
  nextLocalTime,
  parseDuration,
  parseLocalDate,
} from './time';

/** Steps one event may run before the engine assumes a loop without waits and ends the case. */
export const MAX_STEPS_PER_RUN = 100;
const DEFAULT_EXPIRY_MS = 24 * 3_600_000;

export class UnknownStrategyVersionError extends Error {
  constructor(
    readonly strategyId: string,
    readonly version: number,
  ) {
    super(`strategy ${strategyId} version ${version} is not available`);
    this.name = 'UnknownStrategyVersionError';
  }
}

/** A journey that knows nothing yet (status `unassigned`); events fill in its facts. */
export function newJourney(subject: {
  tenantId: string;
  caseId: string;
  debtorId: string;
}): CaseJourney {
  const journey: JourneyState = {
    tenantId: subject.tenantId,
    caseId: subject.caseId,
    debtorId: subject.debtorId,
    seq: 0,
    status: 'unassigned',
    facts: emptyFacts(),
    holds: [],
    pending: [],
  };
  return journey;
}

function copyOf(journey: CaseJourney): JourneyState {
  return JSON.parse(JSON.stringify(journey)) as JourneyState;
}

/** One engine invocation: a working copy of the journey and the outputs so far. */
class EngineRun {
  readonly outputs: EngineOutput[] = [];
  private strategy: CompiledStrategy | undefined;

  constructor(
    readonly j: JourneyState,
    private readonly ctx: EngineContext,
    private readonly triggerEventId?: string,
  ) {
    if (j.strategy) {
      this.strategy = ctx.version(j.strategy);
      if (!this.strategy)
        throw new UnknownStrategyVersionError(j.strategy.strategyId, j.strategy.version);
    }
  }

  get now(): Instant {
    return this.ctx.now;
  }

  /** Assigned, not ended: the engine may decide things. */
  get live(): boolean {
    return this.strategy !== undefined && this.j.status !== 'ended';
  }

  get settings(): CompiledStrategy['settings'] {
    return this.requireStrategy().settings;
  }

  private requireStrategy(): CompiledStrategy {
    if (!this.strategy) throw new Error('journey has no strategy');
    return this.strategy;
  }

  // ---- facts -------------------------------------------------------------------------------

  timeZone(): string {
    const zone = this.j.facts.timeZones.find(isValidTimeZone);
    return zone ?? this.strategy?.settings.defaultTimeZone ?? 'UTC';
  }

  daysPastDue(): number {
    const elapsed =
      this.j.placedAt === undefined
        ? 0
        : Math.max(0, Math.floor((this.now - this.j.placedAt) / MS_PER_DAY));
    return this.j.facts.daysPastDue + elapsed;
  }

  stageFor(daysPastDue: number): string {
    const stages = this.settings.stages;
    let stage = stages[0].id;
    for (const s of stages) if (s.fromDaysPastDue <= daysPastDue) stage = s.id;
    return stage;
  }

  /** When the case crosses into the next stage; undefined in the last one. */
  nextStageAt(): Instant | undefined {
    if (this.j.placedAt === undefined) return undefined;
    const next = this.settings.stages.find((s) => s.fromDaysPastDue > this.daysPastDue());
    return next
      ? this.j.placedAt + (next.fromDaysPastDue - this.j.facts.daysPastDue) * MS_PER_DAY
      : undefined;
  }

  score(): ScoreExplanation {
    return computeScore(this.settings.score, {
      facts: this.j.facts,
      daysPastDue: this.daysPastDue(),
    });
  }

  view(score = this.score()): FactView {
    const daysPastDue = this.daysPastDue();
    return {
      facts: this.j.facts,
      holds: this.j.holds,
      daysPastDue,
      stage: this.stageFor(daysPastDue),
      score: score.score,
      arm: this.j.arm,
      hasPlan: this.j.plan !== undefined,
    };
  }

  get vulnerable(): boolean {
    return this.j.facts.vulnerabilities.length > 0;
  }

  // ---- decisions -----------------------------------------------------------------------------

  decide(
    action: DecisionAction,
    rule: string,
    detail: string,
    extra: {
      dispatchIds?: string[];
      taskId?: string;
      score?: ScoreExplanation;
      stepId?: string;
    } = {},
  ): Decision {
    const strategy = this.requireStrategy();
    this.j.seq += 1;
    const decision: Decision = {
      decisionId: derivedId('decision', this.j.tenantId, this.j.caseId, this.j.seq),
      tenantId: this.j.tenantId,
      caseId: this.j.caseId,
      debtorId: this.j.debtorId,
      strategyId: strategy.ref.strategyId,
      version: strategy.ref.version,
      arm: this.j.arm ?? 'champion',
      segmentId: this.j.segmentId ?? '',
      pathId: this.j.position?.pathId ?? '',
      stepId: extra.stepId ?? this.j.position?.stepId ?? '',
      rule,
      action,
      dispatchIds: extra.dispatchIds ?? [],
      ...(extra.taskId !== undefined && { taskId: extra.taskId }),
      detail,
      ...(this.triggerEventId !== undefined && { triggerEventId: this.triggerEventId }),
      ...(extra.score !== undefined && { score: extra.score }),
      decidedAt: this.now,
    };
    this.outputs.push({ kind: 'decision', decision });
    return decision;
  }

  /** The ids a decision about to be made will carry. */
  private nextIds(): { dispatchId: string; taskId: string } {
    const seq = this.j.seq + 1;
    return {
      dispatchId: derivedId('dispatch', this.j.tenantId, this.j.caseId, seq),
      taskId: derivedId('task', this.j.tenantId, this.j.caseId, seq),
    };
  }

  // ---- assignment and segments -------------------------------------------------------------

  /** case_placed on an unassigned journey: pick champion or challenger and enter a path. */
  assignAndStart(): void {
    const active = this.ctx.active;
    if (!active) return;
    const champion = active.champion;
    let strategy = champion;
    let arm: 'champion' | 'challenger' = 'champion';
    if (active.challenger && active.challenger.shareBps > 0) {
      arm = assignArm(this.j.caseId, experimentKeyOf(champion.ref), active.challenger.shareBps);
      if (arm === 'challenger') strategy = active.challenger.strategy;
    }
    this.strategy = strategy;
    this.j.strategy = { ...strategy.ref };
    this.j.champion = { ...champion.ref };
    this.j.arm = arm;
    this.j.status = 'running';
    this.outputs.push({
      kind: 'assigned',
      assignment: {
        tenantId: this.j.tenantId,
        caseId: this.j.caseId,
        debtorId: this.j.debtorId,
        strategy: { ...strategy.ref },
        arm,
        champion: { ...champion.ref },
        assignedAt: this.now,
      },
    });
    const stage = this.stageFor(this.daysPastDue());
    this.j.stage = stage;
    this.j.stageAt = this.nextStageAt();
    const score = this.score();
    const chosen = this.chooseSegment(score);
    this.enterPath(
      chosen.pathId,
      chosen.segmentId,
      `segment:${chosen.segmentId}`,
      score,
      `stage ${stage}`,
    );
    if (this.vulnerable) this.vulnerabilityTask();
    if (this.j.plan) this.scheduleReminder(0); // a plan agreed before the case reached us
    this.proceed();
  }

  /** First matching segment; a vulnerable debtor always gets the vulnerability path. */
  chooseSegment(score: ScoreExplanation): { segmentId: string; pathId: string } {
    const { document, settings } = this.requireStrategy();
    const view = this.view(score);
    const segment: Segment =
      document.segments.find((s) => s.when === undefined || evaluateCondition(s.when, view)) ??
      document.segments[document.segments.length - 1];
    if (this.vulnerable && segment.path !== settings.vulnerability.path) {
      return { segmentId: 'vulnerability', pathId: settings.vulnerability.path };
    }
    return { segmentId: segment.id, pathId: segment.path };
  }

  enterPath(
    pathId: string,
    segmentId: string,
    rule: string,
    score: ScoreExplanation | undefined,
    why: string,
  ): void {
    const path = this.requireStrategy().document.paths[pathId];
    this.j.segmentId = segmentId;
    this.j.position = { pathId, stepId: path.steps[0].id, entered: false };
    this.decide('enter_path', rule, `enter path ${pathId} (segment ${segmentId}; ${why})`, {
      ...(score && { score }),
    });
  }

  /** Re-segments when the stage has changed; true when that moved the case to another path. */
  checkStage(): boolean {
    this.j.stageAt = this.nextStageAt();
    const stage = this.stageFor(this.daysPastDue());
    if (stage === this.j.stage) return false;
    this.j.stage = stage;
    const score = this.score();
    const chosen = this.chooseSegment(score);
    if (chosen.pathId === this.j.position?.pathId) {
      this.j.segmentId = chosen.segmentId;
      return false;
    }
    this.enterPath(
      chosen.pathId,
      chosen.segmentId,
      `stage:${stage}`,
      score,
      `stage changed to ${stage}`,
    );
    return true;
  }

  // ---- steps --------------------------------------------------------------------------------

  private step(position: PathPosition): StrategyStep {
    const steps = this.requireStrategy().document.paths[position.pathId].steps;
    return steps.find((s) => s.id === position.stepId) ?? steps[0];
  }

  private stepAfter(position: PathPosition): string | undefined {
    const steps = this.requireStrategy().document.paths[position.pathId].steps;
    return steps[steps.findIndex((s) => s.id === position.stepId) + 1]?.id;
  }

  /** Whether an overlay (hold, plan, reaction pause) keeps the path from running. */
  get overlaid(): boolean {
    return this.j.holds.length > 0 || this.j.plan !== undefined || this.j.pause !== undefined;
  }

  /** Run the path if nothing holds it. */
  proceed(): void {
    if (!this.live || this.overlaid) return;
    this.runSteps();
  }

  private moveTo(stepId: string | undefined): void {
    const position = this.j.position;
    if (!position) return;
    if (stepId === undefined) {
      this.finish('path_complete', 'step:end', `path ${position.pathId} has no more steps`);
      return;
    }
    this.j.position = { pathId: position.pathId, stepId, entered: false };
  }

  runSteps(): void {
    for (let count = 0; count < MAX_STEPS_PER_RUN; count++) {
      const position = this.j.position;
      if (!position || position.entered || !this.live) return;
      const step = this.step(position);
      if (step.send) {
        this.send(step.send, step.id, 'step:send');
        this.moveTo(this.stepAfter(position));
      } else if (step.wait) {
        this.startWait(step.wait, position);
        return;
      } else if (step.pause) {
        this.startPause(step.pause, position);
        return;
      } else if (step.branch) {
        const view = this.view();
        const index = step.branch.findIndex(
          (rule) => rule.when === undefined || evaluateCondition(rule.when, view),
        );
        const rule = step.branch[index];
        this.decide(
          'branch',
          `branch:${index}`,
          `${rule.when ? `rule ${index} matched` : 'otherwise'}: go to ${rule.goto}`,
        );
        this.moveTo(rule.goto);
      } else if (step.escalate) {
        const e = step.escalate;
        this.task(
          e.queue,
          e.reason,
          e.priority ?? 3,
          parseDuration(e.dueIn ?? 'P1D') ?? MS_PER_DAY,
          'step:escalate',
        );
        this.moveTo(this.stepAfter(position));
      } else if (step.goto) {
        const target = step.goto.path;
        this.enterPath(
          target,
          this.j.segmentId ?? '',
          `goto:${target}`,
          undefined,
          `step ${step.id}`,
        );
      } else {
        this.finish(step.end?.reason ?? 'end', 'step:end', `path ${position.pathId} ends here`);
      }
    }
    this.finish(
      'loop_guard',
      'engine:loop_guard',
      `more than ${MAX_STEPS_PER_RUN} steps without a wait`,
    );
  }

  /** Restarts the current wait when it waits for a local time or date (the zone changed). */
  rescheduleLocalWait(): void {
    const position = this.j.position;
    if (this.overlaid || !position?.entered) return;
    const wait = this.step(position).wait;
    if (wait && wait.for === undefined) this.startWait(wait, position);
  }

  private startWait(wait: WaitStep, position: PathPosition): void {
    const zone = this.timeZone();
    const settings = this.settings;
    let until: Instant;
    let detail: string;
    if (wait.for !== undefined) {
      until = this.now + (parseDuration(wait.for) ?? 0);
      detail = `wait ${wait.for}`;
    } else if (wait.untilLocalTime !== undefined) {
      const [h, m] = wait.untilLocalTime.split(':').map(Number);
      until = nextLocalTime(this.now, zone, h * 3600 + m * 60, settings.contactDays);
      detail = `wait until ${wait.untilLocalTime} ${zone} on a contact day`;
    } else {
      const date = parseLocalDate(wait.until ?? '') ?? localDateOf(this.now, zone);
      const [h, m] = (wait.at ?? '').split(':').map(Number);
      const second = wait.at ? h * 3600 + m * 60 : settings.contactTimeSecond;
      until = Math.max(localInstant(zone, date, second), this.now);
      detail = `wait until ${wait.until} ${zone}`;
    }
    this.j.position = { ...position, entered: true, until };
    this.decide('wait', 'step:wait', `${detail} (${new Date(until).toISOString()})`);
  }

  private startPause(pause: PauseStep, position: PathPosition): void {
    const ms = pause.for === undefined ? undefined : parseDuration(pause.for);
    this.j.position = {
      ...position,
      entered: true,
      ...(ms !== undefined && { until: this.now + ms }),
    };
    this.decide(
      'pause',
      'step:pause',
      ms === undefined ? 'pause until an event moves the case' : `pause ${pause.for}`,
    );
  }

  /** A wait's timer ran out: its `then`, else the next step. */
  timeout(): void {
    const position = this.j.position;
    if (!position) return;
    const step = this.step(position);
    const timed = step.wait ?? step.pause;
    this.moveTo(timed?.then ?? this.stepAfter(position));
    this.runSteps();
  }

  /**
   * An event a waiting step listens for: move to its target. `run` = false leaves the target to
   * be entered on resume (the event also started an overlay).
   */
  onEvent(name: WaitEventName, run: boolean): boolean {
    const position = this.j.position;
    if (!this.live || !position?.entered) return false;
    const step = this.step(position);
    const target = (step.wait ?? step.pause)?.on?.[name];
    if (target === undefined) return false;
    this.decide('branch', `on:${name}`, `${name} while at ${step.id}: go to ${target}`);
    this.j.position = { pathId: position.pathId, stepId: target, entered: false };
    if (run && !this.overlaid) this.runSteps();
    return true;
  }

  // ---- sends, tasks, endings ----------------------------------------------------------------

  private usable(channels: readonly EngineChannel[]): EngineChannel[] {
    const f = this.j.facts;
    return channels.filter((c) => f.channels.includes(c) && !f.optedOut.includes(c));
  }

  private toneFor(choice: SendStep['tone']): Tone {
    if (this.vulnerable || this.j.position?.pathId === this.settings.vulnerability.path)
      return 'supportive';
    return choice === 'supportive' ? 'supportive' : 'standard';
  }

  send(send: SendStep, stepId: string, rule: string): void {
    const [channel, ...fallbacks] = this.usable(send.channels);
    if (!channel) {
      this.decide('skip', rule, `no reachable channel among ${send.channels.join(', ')}`, {
        stepId,
      });
      return;
    }
    this.request({
      channel,
      fallbacks,
      templateKey: send.template,
      purpose: send.purpose,
      tone: this.toneFor(send.tone),
      expiresAfterMs: parseDuration(send.expiresAfter ?? 'PT24H') ?? DEFAULT_EXPIRY_MS,
      stepId,
      rule,
    });
  }

  private request(m: Omit<PendingMessage, 'dispatchId' | 'requestedAt'> & { rule: string }): void {
    const { dispatchId } = this.nextIds();
    const decision = this.decide(
      'send',
      m.rule,
      `send ${m.templateKey} by ${m.channel} (${m.purpose}, ${m.tone})${m.fallbacks.length ? `; then ${m.fallbacks.join(', ')}` : ''}`,
      { dispatchIds: [dispatchId], stepId: m.stepId },
    );
    const command: SendCommand = {
      dispatchId,
      tenantId: this.j.tenantId,
      caseId: this.j.caseId,
      debtorId: this.j.debtorId,
      channel: m.channel,
      purpose: m.purpose,
      tone: m.tone,
      templateKey: m.templateKey,
      expiresAt: this.now + m.expiresAfterMs,
      validity: {
        caseStatuses:
          m.purpose === 'plan_reminder'
            ? ['placed', 'active', 'arrangement']
            : ['placed', 'active'],
        noPaymentSince: this.now,
      },
      decisionId: decision.decisionId,
    };
    this.outputs.push({ kind: 'send', command });
    this.j.pending.push({
      dispatchId,
      channel: m.channel,
      fallbacks: m.fallbacks,
      templateKey: m.templateKey,
      purpose: m.purpose,
      tone: m.tone,
      expiresAfterMs: m.expiresAfterMs,
      stepId: m.stepId,
      requestedAt: this.now,
    });
  }

  /** A blocked or failed message: the same template on the next channel still usable. */
  fallback(message: PendingMessage): void {
    const [channel, ...fallbacks] = this.usable(message.fallbacks);
    if (!channel) return;
    this.request({ ...message, channel, fallbacks, rule: `fallback:${channel}` });
  }

  task(queue: string, reason: string, priority: number, dueInMs: number, rule: string): void {
    const { taskId } = this.nextIds();
    const decision = this.decide(
      'escalate',
      rule,
      `agent task in ${queue}: ${reason} (priority ${priority})`,
      { taskId },
    );
    this.outputs.push({
      kind: 'task',
      task: {
        taskId,
        tenantId: this.j.tenantId,
        caseId: this.j.caseId,
        debtorId: this.j.debtorId,
        queue,
        reason,
        priority,
        dueAt: this.now + dueInMs,
        decisionId: decision.decisionId,
      },
    });
  }

  vulnerabilityTask(): void {
    const t = this.settings.vulnerability.task;
    this.task(t.queue, t.reason, t.priority, t.dueInMs, 'reaction:vulnerability');
  }

  /** Cancel every message not yet sent; one cancel_sends decision names them all. */
  cancelPending(rule: string, reason: string): void {
    const cancellable = this.j.pending.filter(
      (m) => m.outcome === undefined || m.outcome === 'deferred',
    );
    if (cancellable.length === 0) return;
    const dispatchIds = cancellable.map((m) => m.dispatchId);
    const decision = this.decide(
      'cancel_sends',
      rule,
      `cancel ${dispatchIds.length} pending message(s): ${reason}`,
      {
        dispatchIds,
      },
    );
    for (const m of cancellable) {
      this.outputs.push({
        kind: 'cancel',
        tenantId: this.j.tenantId,
        debtorId: this.j.debtorId,
        dispatchId: m.dispatchId,
        reason,
        decisionId: decision.decisionId,
      });
    }
    this.j.pending = this.j.pending.filter((m) => !dispatchIds.includes(m.dispatchId));
  }

  finish(reason: string, rule: string, detail: string): void {
    if (this.live) this.decide('end', rule, `${detail}; case journey ends (${reason})`);
    this.j.status = 'ended';
    this.j.endedReason = reason;
    if (this.j.position) this.j.position = { ...this.j.position, entered: true };
    delete this.j.pause;
    delete this.j.plan;
  }

  /** The last overlay lifted: re-check the stage, then enter the current step again. */
  resume(rule: string, detail: string): void {
    if (!this.live || this.overlaid) return;
    this.decide('resume', rule, detail);
    if (this.checkStage()) {
      this.runSteps();
      return;
    }
    if (this.j.position)
      this.j.position = {
        pathId: this.j.position.pathId,
        stepId: this.j.position.stepId,
        entered: false,
      };
    this.runSteps();
  }

  // ---- plan reminders ------------------------------------------------------------------------

  /** The next instalment reminder strictly after now, from instalment `from` on. */
  scheduleReminder(from: number): void {
    const plan = this.j.plan;
    if (!plan) return;
    const r = this.settings.planReminder;
    const zone = this.timeZone();
    for (let i = from; i < plan.instalments.length; i++) {
      const due = parseLocalDate(plan.instalments[i].dueDate);
      if (!due) continue;
      const at = localInstant(zone, addDays(due, -r.daysBefore), r.atSecond);
      if (at > this.now) {
        plan.nextReminder = i;
        plan.nextReminderAt = at;
        return;
      }
    }
    plan.nextReminder = plan.instalments.length;
    delete plan.nextReminderAt;
  }

  planReminderDue(): void {
    const plan = this.j.plan;
    if (!plan || plan.nextReminderAt === undefined || plan.nextReminderAt > this.now) return;
    const r = this.settings.planReminder;
    const instalment = plan.instalments[plan.nextReminder];
    const [channel, ...fallbacks] = this.usable(r.channels);
    if (this.now - plan.nextReminderAt >= r.daysBefore * MS_PER_DAY + MS_PER_DAY) {
      // Held past the instalment's date: a reminder for it now would be wrong, not courteous.
    } else if (!channel) {
      this.decide(
        'skip',
        'plan:reminder',
        `no reachable channel for the reminder of ${instalment.dueDate}`,
      );
    } else {
      this.request({
        channel,
        fallbacks,
        templateKey: r.template,
        purpose: 'plan_reminder' as Purpose,
        tone: this.toneFor('auto'),
        expiresAfterMs: DEFAULT_EXPIRY_MS,
        stepId: this.j.position?.stepId ?? '',
        rule: 'plan:reminder',
      });
    }
    this.scheduleReminder(plan.nextReminder + 1);
  }

  // ---- status and timer ----------------------------------------------------------------------

  /** Derive status and wakeAt from the state (one timer per case: the earliest thing due). */
  settle(): void {
    const j = this.j;
    // Messages that expired unanswered no longer need cancelling or a fallback.
    j.pending = j.pending.filter((m) => m.requestedAt + m.expiresAfterMs > this.now);
    let wakeAt: Instant | undefined;
    if (j.status === 'ended') {
      wakeAt = undefined;
    } else if (!this.strategy) {
      j.status = 'unassigned';
    } else if (j.holds.length > 0) {
      j.status = 'held';
      const ends = j.holds.map((h) => h.endsAt).filter((e): e is number => e !== undefined);
      wakeAt = earliestOf(ends);
    } else if (j.plan) {
      j.status = 'plan';
      wakeAt = j.plan.nextReminderAt;
    } else if (j.pause) {
      j.status = 'paused';
      wakeAt = j.pause.until;
    } else {
      const position = j.position;
      const step = position && this.step(position);
      j.status = step?.pause ? 'paused' : 'waiting';
      wakeAt = earliestOf([position?.until, j.stageAt]);
    }
    if (wakeAt === undefined) delete j.wakeAt;
    else j.wakeAt = wakeAt;
  }
}

function earliestOf(instants: (Instant | undefined)[]): Instant | undefined {
  const defined = instants.filter((i): i is Instant => i !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

// ---- events ----------------------------------------------------------------------------------

function handleEvent(run: EngineRun, event: EngineEvent): void {
  const j = run.j;
  const f = j.facts;
  switch (event.type) {
    case 'case_placed': {
      f.balanceMinor = event.balanceMinor;
      f.currency = event.currency;
      f.productTypes = [...event.productTypes];
      if (j.placedAt === undefined) {
        f.daysPastDue = event.daysPastDue;
        j.placedAt = event.at;
      }
      if (j.strategy === undefined && j.status !== 'ended') run.assignAndStart();
      return;
    }
    case 'balance_changed':
      f.balanceMinor = event.balanceMinor;
      if (run.live && f.balanceMinor <= 0) {
        run.cancelPending('reaction:balance_cleared', 'balance cleared');
        run.finish('balance_cleared', 'reaction:balance_cleared', 'balance is zero');
      }
      return;
    case 'contact_points_changed': {
      const zonesChanged = f.timeZones.join() !== event.timeZones.join();
      f.channels = [...event.channels];
      f.timeZones = [...event.timeZones];
      if (event.language !== undefined) f.language = event.language;
      // A wait for a local time was computed in the zone known then (often the default, when
      // the case arrived before the debtor's contact points): compute it again in theirs.
      if (zonesChanged && run.live) run.rescheduleLocalWait();
      return;
    }
    case 'hold_placed': {
      j.holds = [
        ...j.holds.filter((h) => h.holdId !== event.holdId),
        {
          holdId: event.holdId,
          kind: event.kind,
          ...(event.endsAt !== undefined && { endsAt: event.endsAt }),
        },
      ];
      if (!run.live) return;
      run.cancelPending('reaction:hold', `hold (${event.kind})`);
      run.decide(
        'pause',
        'reaction:hold',
        `hold ${event.kind} placed: no contact until it is lifted${
          event.endsAt !== undefined ? ` or ends ${new Date(event.endsAt).toISOString()}` : ''
        }`,
      );
      return;
    }
    case 'hold_lifted': {
      const before = j.holds.length;
      j.holds = j.holds.filter((h) => h.holdId !== event.holdId);
      if (before > 0 && j.holds.length === 0)
        run.resume('reaction:hold_lifted', 'every hold lifted');
      return;
    }
    case 'vulnerability_flagged': {
      const wasVulnerable = run.vulnerable;
      f.vulnerabilities = [...new Set([...f.vulnerabilities, ...event.categories])].sort();
      if (!run.live || wasVulnerable || !run.vulnerable) return;
      run.cancelPending('reaction:vulnerability', 'vulnerability disclosed');
      run.vulnerabilityTask();
      const score = run.score();
      const chosen = run.chooseSegment(score);
      run.enterPath(
        chosen.pathId,
        chosen.segmentId,
        'reaction:vulnerability',
        score,
        'vulnerability disclosed',
      );
      run.proceed();
      return;
    }
    case 'case_resolved':
    case 'debtor_erased':
      if (event.type === 'debtor_erased') {
        f.channels = [];
        f.timeZones = [];
        delete f.language;
      }
      if (j.status === 'ended') return;
      if (run.live) run.cancelPending(`reaction:${event.type}`, event.type.replace('_', ' '));
      run.finish(
        event.type === 'case_resolved' ? 'resolved' : 'erased',
        `reaction:${event.type}`,
        event.type.replace('_', ' '),
      );
      return;
    case 'payment': {
      f.payments.count += 1;
      f.payments.totalMinor += event.amountMinor;
      f.payments.lastAt = event.at;
      f.balanceMinor -= event.amountMinor;
      if (!run.live) return;
      if (f.balanceMinor <= 0) {
        run.cancelPending('reaction:payment', 'paid in full');
        run.finish('paid', 'reaction:payment', 'paid in full');
        return;
      }
      if (j.plan || j.holds.length > 0) return; // an instalment, or nothing to pause
      run.cancelPending('reaction:payment', 'payment received');
      if (run.onEvent('payment', true)) return;
      const until = Math.max(j.pause?.until ?? 0, run.now + run.settings.paymentCooldownMs);
      j.pause = { ...(j.pause ?? {}), reason: j.pause?.reason ?? 'payment', until };
      run.decide(
        'pause',
        'reaction:payment',
        `part payment: pause until ${new Date(until).toISOString()}`,
      );
      return;
    }
    case 'promise_made': {
      f.promises.made += 1;
      if (!run.live) return;
      const grace = event.graceDays > 0 ? event.graceDays : run.settings.promiseGraceDays;
      const zone = run.timeZone();
      const due = parseLocalDate(event.dueDate);
      const until = due
        ? endOfLocalDay(zone, addDays(due, grace))
        : run.now + (grace + 1) * MS_PER_DAY;
      run.cancelPending('reaction:promise_made', 'promise to pay');
      run.onEvent('promise_made', false);
      j.pause = {
        reason: 'promise',
        until,
        promiseId: event.promiseId,
        promiseDueDate: event.dueDate,
      };
      run.decide(
        'pause',
        'reaction:promise_made',
        `promise due ${event.dueDate} (+${grace} days grace): pause until ${new Date(until).toISOString()}`,
      );
      return;
    }
    case 'promise_kept': {
      f.promises.kept += 1;
      const pause = j.pause;
      if (!run.live || pause?.reason !== 'promise' || pause.promiseId !== event.promiseId) return;
      if (f.balanceMinor <= 0) {
        run.finish('paid', 'reaction:promise_kept', 'promise kept and nothing left to pay');
        return;
      }
      const due = parseLocalDate(pause.promiseDueDate ?? '');
      if (due)
        pause.until = Math.max(run.now, Math.min(pause.until, endOfLocalDay(run.timeZone(), due)));
      run.decide(
        'pause',
        'reaction:promise_kept',
        `promise kept: stay paused until ${new Date(pause.until).toISOString()}`,
      );
      return;
    }
    case 'promise_broken': {
      f.promises.broken += 1;
      if (j.pause?.reason !== 'promise' || j.pause.promiseId !== event.promiseId) return;
      delete j.pause;
      run.resume('reaction:promise_broken', 'promise broken: collection resumes');
      return;
    }
    case 'plan_created':
    case 'plan_changed': {
      if (j.status === 'ended') return;
      const created = j.plan === undefined;
      j.plan = {
        planId: event.planId,
        instalments: event.instalments.map((i) => ({ ...i })),
        nextReminder: 0,
      };
      delete j.pause;
      if (!run.live) return;
      run.cancelPending(`reaction:${event.type}`, 'payment plan');
      if (created) run.onEvent('plan_created', false);
      run.scheduleReminder(0);
      run.decide(
        'pause',
        `reaction:${event.type}`,
        `payment plan ${event.planId} in good standing: courtesy reminders only`,
      );
      return;
    }
    case 'plan_breached':
    case 'plan_cancelled':
      if (j.plan?.planId !== event.planId) return;
      delete j.plan;
      run.resume(
        `reaction:${event.type}`,
        `payment plan ${event.type === 'plan_breached' ? 'breached' : 'cancelled'}: collection resumes`,
      );
      return;
    case 'plan_completed':
      if (j.plan?.planId !== event.planId) return;
      if (run.live) run.cancelPending('reaction:plan_completed', 'plan completed');
      run.finish('plan_completed', 'reaction:plan_completed', 'payment plan completed');
      return;
    case 'message_outcome':
      messageOutcome(run, event);
      return;
    case 'reply_received':
      f.engagement.replied += 1;
      f.lastReplyIntent = event.intent;
      run.onEvent('replied', true);
      return;
    case 'opted_out':
      if (!f.optedOut.includes(event.channel)) f.optedOut = [...f.optedOut, event.channel].sort();
      return;
    case 'opted_in':
      f.optedOut = f.optedOut.filter((c) => c !== event.channel);
      return;
    case 'portal_visited':
      f.engagement.portalVisits += 1;
      run.onEvent('portal_visit', true);
      return;
    case 'task_completed':
      f.lastTaskOutcome = event.outcome;
      run.onEvent('task_completed', true);
      return;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

function messageOutcome(
  run: EngineRun,
  event: Extract<EngineEvent, { type: 'message_outcome' }>,
): void {
  const j = run.j;
  const e = j.facts.engagement;
  const message = j.pending.find((m) => m.dispatchId === event.dispatchId);
  switch (event.outcome) {
    case 'sent':
      e.sent += 1;
      break;
    case 'delivered':
      e.delivered += 1;
      break;
    case 'read':
      e.read += 1;
      break;
    case 'clicked':
      e.clicked += 1;
      break;
    default:
      break;
  }
  if (message) {
    message.outcome = event.outcome;
    // Still cancellable (deferred) or able to fail after hand-over (sent): keep; otherwise settled.
    if (event.outcome !== 'deferred' && event.outcome !== 'sent') {
      j.pending = j.pending.filter((m) => m !== message);
    }
    const fallbackAllowed = run.live && j.holds.length === 0 && j.pause === undefined;
    if ((event.outcome === 'blocked' || event.outcome === 'failed') && fallbackAllowed)
      run.fallback(message);
  }
  if (event.outcome === 'delivered' || event.outcome === 'read' || event.outcome === 'clicked') {
    run.onEvent(event.outcome, true);
  }
}

/** Apply one event to a case's journey (undefined = the engine has not seen the case yet). */
export function applyEvent(
  journey: CaseJourney | undefined,
  event: EngineEvent,
  ctx: EngineContext,
): EngineResult {
  let start = journey;
  if (!start) {
    if (event.type === 'case_placed') start = newJourney(event);
    else if (ctx.subject) start = newJourney(ctx.subject);
    else return { journey: undefined, outputs: [] };
  }
  const run = new EngineRun(copyOf(start), ctx, event.eventId);
  handleEvent(run, event);
  run.settle();
  return { journey: run.j, outputs: run.outputs };
}

/** The journey's wakeAt is due: step timeouts, pause ends, plan reminders, stage boundaries. */
export function wake(journey: CaseJourney, ctx: EngineContext): EngineResult {
  if (journey.wakeAt === undefined || journey.wakeAt > ctx.now || journey.status === 'ended') {
    return { journey, outputs: [] };
  }
  const run = new EngineRun(copyOf(journey), ctx);
  const j = run.j;
  const now = ctx.now;
  switch (j.status) {
    case 'unassigned':
      // Placed before any strategy was active: strategy-service wakes it when one is activated.
      if (j.placedAt !== undefined) run.assignAndStart();
      break;
    case 'held': {
      j.holds = j.holds.filter((h) => h.endsAt === undefined || h.endsAt > now);
      if (j.holds.length === 0) run.resume('reaction:hold_expired', 'every hold has ended');
      break;
    }
    case 'plan':
      run.planReminderDue();
      break;
    default: {
      if (j.pause && j.pause.until <= now) {
        const reason = j.pause.reason;
        delete j.pause;
        run.resume(
          reason === 'payment' ? 'reaction:payment_cooldown_over' : 'reaction:promise_expired',
          reason === 'payment'
            ? 'payment cooldown over'
            : 'promise date and grace passed without a payment',
        );
        break;
      }
      if (j.pause) break;
      if (j.stageAt !== undefined && j.stageAt <= now && run.checkStage()) {
        run.runSteps();
        break;
      }
      const position = j.position;
      if (position?.entered && position.until !== undefined && position.until <= now) run.timeout();
    }
  }
  run.settle();
  return { journey: run.j, outputs: run.outputs };
}
