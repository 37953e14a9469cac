import {
  type ContactAttempt,
  type ContactPolicy,
  type OptEvent,
  EU_ES,
  JURISDICTION_PRESETS,
  VULNERABILITY_CATEGORIES,
  evaluateContact,
  instantOfLocal,
  localDateTime,
} from '@clement/contact-policy';
import type { CompiledStrategy } from '../lib/document-types';
import { applyEvent, wake } from '../lib/engine';
import type {
  ActiveStrategy,
  Arm,
  CaseJourney,
  EngineChannel,
  EngineContext,
  EngineEvent,
  EngineOutput,
  Instant,
  ReplyIntent,
  SendCommand,
  StrategyRef,
  VulnerabilityCategory,
} from '../lib/engine-types';
import { type BehaviourModel, DEFAULT_BEHAVIOUR, behaviourProblems } from './behaviour-model';
import { EventQueue } from './event-queue';
import { type Random, pickWeighted, randomFor } from './prng';
import { type SimulatedCase, channelsOf } from './simulated-case';
import { type SimulationReport, SimulationReportBuilder } from './simulation-report';

export interface SimulationOptions {
  /** What the tenant would run: one strategy, or a champion with its challenger. */
  strategy: ActiveStrategy | CompiledStrategy;
  cases: readonly SimulatedCase[];
  start: Instant;
  days: number;
  seed: number;
  behaviour?: BehaviourModel;
  /** Default: the preset of the champion's `jurisdiction`, else EU_ES. */
  policy?: ContactPolicy;
}

/** The simulation cannot run (bad options) or the engine misbehaved on a case. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** More agenda items than this for one case means a strategy that loops without waiting. */
const MAX_ITEMS_PER_CASE_DAY = 200;

type DebtorAct =
  | { act: 'outcome'; dispatchId: string; outcome: 'delivered' | 'failed' | 'clicked' }
  | { act: 'reply'; dispatchId: string; channel: EngineChannel; intent: ReplyIntent }
  | { act: 'stop'; channel: EngineChannel }
  | { act: 'pay'; full: boolean }
  | { act: 'promise'; daysAhead: number; keep: boolean }
  | { act: 'promise_due'; promiseId: string; amountMinor: number; keep: boolean };

type AgendaItem =
  | { kind: 'wake'; run: CaseRun; token: number }
  | { kind: 'send'; run: CaseRun; dispatchId: string }
  | { kind: 'debtor'; run: CaseRun; act: DebtorAct };

interface PendingSend {
  command: SendCommand;
}

/** One case's life in the simulation: the engine's journey and what dispatch and the debtor know. */
interface CaseRun {
  readonly simulated: SimulatedCase;
  readonly random: Random;
  readonly vulnerabilities: VulnerabilityCategory[];
  journey: CaseJourney | undefined;
  arm: Arm | undefined;
  balanceMinor: number;
  lastPaymentAt: number | undefined;
  lastInboundWhatsAppAt: number | undefined;
  readonly optEvents: OptEvent[];
  readonly attempts: ContactAttempt[];
  readonly pending: Map<string, PendingSend>;
  wakeToken: number;
  scheduledWakeAt: number | undefined;
  counter: number;
  items: number;
}

/**
 * Runs the real engine over a portfolio on a virtual clock, with dispatch's contact policy and a
 * seeded debtor-behaviour model standing in for the world. Sends nothing; pure and deterministic:
 * the same options give the same report. Each case draws from a random stream of its own, so a
 * change that touches some cases leaves the others' draws alone.
 */
export function simulatePortfolio(options: SimulationOptions): SimulationReport {
  const active: ActiveStrategy =
    'champion' in options.strategy ? options.strategy : { champion: options.strategy };
  const behaviour = options.behaviour ?? DEFAULT_BEHAVIOUR;
  checkOptions(options, behaviour);
  const champion = active.champion;
  const policy =
    options.policy ?? JURISDICTION_PRESETS[champion.document.jurisdiction ?? ''] ?? EU_ES;
  const versions = new Map<string, CompiledStrategy>();
  for (const strategy of [champion, active.challenger?.strategy]) {
    if (strategy) versions.set(refKey(strategy.ref), strategy);
  }
  const end = options.start + options.days * MS_PER_DAY;
  const report = new SimulationReportBuilder(
    {
      strategy: { ...champion.ref, name: champion.document.name },
      jurisdiction: policy.jurisdiction,
      seed: options.seed,
      start: new Date(options.start).toISOString(),
      days: options.days,
      cases: options.cases.length,
    },
    options.start,
  );
  const agenda = new EventQueue<AgendaItem>();
  let now = options.start;
  const context = (run: CaseRun): EngineContext => ({
    now,
    active,
    version: (ref: StrategyRef) => versions.get(refKey(ref)),
    subject: {
      tenantId: run.simulated.tenantId,
      caseId: run.simulated.caseId,
      debtorId: run.simulated.debtorId,
    },
  });

  const defaultZone = champion.settings.defaultTimeZone;
  const zoneOf = (run: CaseRun) => run.simulated.timeZones[0] ?? defaultZone;

  const scheduleWake = (run: CaseRun) => {
    const wakeAt = run.journey?.wakeAt;
    if (wakeAt === run.scheduledWakeAt) return;
    // A new token makes any earlier wake-up of this case stale.
    run.wakeToken += 1;
    run.scheduledWakeAt = wakeAt;
    if (wakeAt !== undefined)
      agenda.push(Math.max(wakeAt, now), { kind: 'wake', run, token: run.wakeToken });
  };

  const handleOutputs = (run: CaseRun, outputs: readonly EngineOutput[]) => {
    for (const output of outputs) {
      switch (output.kind) {
        case 'assigned':
          run.arm = output.assignment.arm;
          report.assigned(output.assignment.arm, output.assignment.strategy);
          break;
        case 'decision':
          report.decision(now, output.decision.action);
          break;
        case 'send':
          run.pending.set(output.command.dispatchId, { command: output.command });
          agenda.push(Math.max(now, output.command.notBefore ?? now), {
            kind: 'send',
            run,
            dispatchId: output.command.dispatchId,
          });
          break;
        case 'cancel': {
          const pending = run.pending.get(output.dispatchId);
          if (pending) {
            run.pending.delete(output.dispatchId);
            report.cancelled(now, pending.command.channel, output.reason);
          }
          break;
        }
        case 'task':
          report.outcome(now, 'escalation', run.arm, output.task.queue);
          break;
      }
    }
  };

  const feed = (run: CaseRun, event: EngineEvent) => {
    let result;
    try {
      result = applyEvent(run.journey, event, context(run));
    } catch (error) {
      throw engineError(run, event.type, error);
    }
    run.journey = result.journey;
    handleOutputs(run, result.outputs);
    scheduleWake(run);
  };

  const runs = options.cases.map((simulated): CaseRun => {
    const profile = randomFor(options.seed, `${simulated.caseId}:profile`);
    const vulnerabilities =
      simulated.vulnerable ??
      (profile.next() < behaviour.vulnerableShare
        ? [
            VULNERABILITY_CATEGORIES[
              Math.floor(profile.next() * VULNERABILITY_CATEGORIES.length)
            ] ?? 'health',
          ]
        : []);
    return {
      simulated,
      random: randomFor(options.seed, simulated.caseId),
      vulnerabilities,
      journey: undefined,
      arm: undefined,
      balanceMinor: simulated.balanceMinor,
      lastPaymentAt: undefined,
      lastInboundWhatsAppAt: undefined,
      optEvents: [],
      attempts: [],
      pending: new Map(),
      wakeToken: 0,
      scheduledWakeAt: undefined,
      counter: 0,
      items: 0,
    };
  });

  // Placement: contact data first (topics interleave; the engine keeps early facts), then the case.
  for (const run of runs) {
    const c = run.simulated;
    feed(run, {
      type: 'contact_points_changed',
      at: now,
      channels: channelsOf(c),
      timeZones: c.timeZones,
      ...(c.language ? { language: c.language } : {}),
    });
    feed(run, {
      type: 'case_placed',
      at: now,
      tenantId: c.tenantId,
      caseId: c.caseId,
      debtorId: c.debtorId,
      balanceMinor: c.balanceMinor,
      currency: c.currency,
      daysPastDue: c.daysPastDue,
      productTypes: c.productTypes,
    });
    if (run.vulnerabilities.length > 0) {
      feed(run, { type: 'vulnerability_flagged', at: now, categories: run.vulnerabilities });
    }
  }

  const attemptSend = (run: CaseRun, dispatchId: string) => {
    const pending = run.pending.get(dispatchId);
    if (!pending) return; // cancelled meanwhile
    const { command } = pending;
    const drop = (reason: string) => {
      run.pending.delete(dispatchId);
      report.cancelled(now, command.channel, reason);
      feed(run, {
        type: 'message_outcome',
        at: now,
        dispatchId,
        outcome: 'cancelled',
        reasons: [reason],
      });
    };
    // What dispatch re-checks at send time (decideSend in dispatch-service).
    if (command.expiresAt <= now) return drop('expired');
    if (run.balanceMinor <= 0) return drop('case_status');
    if (run.lastPaymentAt !== undefined && run.lastPaymentAt > command.validity.noPaymentSince) {
      return drop('payment_received');
    }
    const kind = command.channel === 'email' ? 'email' : 'mobile';
    const point = run.simulated.contactPoints.find((p) => p.kind === kind);
    if (!point) return block(run, command, ['contact_point.missing']);

    const decision = evaluateContact(
      {
        tenantId: command.tenantId,
        debtorId: command.debtorId,
        channel: command.channel,
        contactPoint: {
          id: point.id,
          kind: point.kind,
          usage: 'personal',
          consents: Object.fromEntries(
            Object.entries(point.consents ?? {}).map(([channel, status]) => [channel, { status }]),
          ),
        },
        purpose: command.purpose,
        tone: command.tone,
        // The engine's templates are the approved (Meta-registered) ones.
        whatsappMessage: 'template',
      },
      {
        jurisdiction: policy.jurisdiction,
        holds: [],
        vulnerabilities: run.vulnerabilities,
        optEvents: run.optEvents,
        timeZones: run.simulated.timeZones,
        ...(run.lastInboundWhatsAppAt !== undefined
          ? { lastInboundWhatsAppAt: new Date(run.lastInboundWhatsAppAt) }
          : {}),
      },
      { attempts: run.attempts, conversations: [] },
      new Date(now),
      policy,
    );
    switch (decision.outcome) {
      case 'send':
        run.pending.delete(dispatchId);
        run.attempts.push({ channel: command.channel, at: new Date(now), outcome: 'sent' });
        report.message(now, command.channel, run.arm);
        feed(run, { type: 'message_outcome', at: now, dispatchId, outcome: 'sent' });
        debtorReacts(run, command);
        return;
      case 'defer': {
        const until = decision.until.getTime();
        if (until >= command.expiresAt) return drop('expired');
        const reasons = decision.reasons.filter((r) => r.effect === 'defer').map((r) => r.code);
        report.deferral(now, command.channel, reasons);
        feed(run, { type: 'message_outcome', at: now, dispatchId, outcome: 'deferred', reasons });
        agenda.push(until, { kind: 'send', run, dispatchId });
        return;
      }
      case 'block':
        return block(
          run,
          command,
          decision.reasons.filter((r) => r.effect === 'block').map((r) => r.code),
        );
    }
  };

  const block = (run: CaseRun, command: SendCommand, reasons: string[]) => {
    run.pending.delete(command.dispatchId);
    report.block(now, command.channel, reasons);
    feed(run, {
      type: 'message_outcome',
      at: now,
      dispatchId: command.dispatchId,
      outcome: 'blocked',
      reasons,
    });
  };

  /** Draws, at send time, what the debtor will do about this message. */
  const debtorReacts = (run: CaseRun, command: SendCommand) => {
    const rates = behaviour.channels[command.channel];
    const random = run.random;
    const deliveredAt = now + behaviour.delays.deliveryMinutes * MS_PER_MINUTE;
    const later = (at: number, act: DebtorAct) => agenda.push(at, { kind: 'debtor', run, act });
    const { dispatchId, channel } = command;
    if (random.next() >= rates.delivered) {
      later(deliveredAt, { act: 'outcome', dispatchId, outcome: 'failed' });
      return;
    }
    later(deliveredAt, { act: 'outcome', dispatchId, outcome: 'delivered' });
    const reaction = pickWeighted(random, {
      click: rates.click,
      reply: rates.reply,
      stop: rates.stop,
      promise: rates.promise,
      pay: rates.pay,
      none: Math.max(0, 1 - rates.click - rates.reply - rates.stop - rates.promise - rates.pay),
    });
    const { min, max } = behaviour.delays.reactionHours;
    const reactAt = deliveredAt + Math.round((min + random.next() * (max - min)) * MS_PER_HOUR);
    const portalAt = reactAt + behaviour.delays.portalMinutes * MS_PER_MINUTE;
    switch (reaction) {
      case 'none':
        return;
      case 'click':
        return later(reactAt, { act: 'outcome', dispatchId, outcome: 'clicked' });
      case 'reply':
        return later(reactAt, {
          act: 'reply',
          dispatchId,
          channel,
          intent: pickWeighted(random, behaviour.replyIntents),
        });
      case 'stop':
        return later(reactAt, { act: 'stop', channel });
      case 'pay':
        later(reactAt, { act: 'outcome', dispatchId, outcome: 'clicked' });
        return later(portalAt, { act: 'pay', full: random.next() < behaviour.payment.fullShare });
      case 'promise': {
        const { daysAhead } = behaviour.promise;
        later(reactAt, { act: 'outcome', dispatchId, outcome: 'clicked' });
        return later(portalAt, {
          act: 'promise',
          daysAhead:
            daysAhead.min + Math.floor(random.next() * (daysAhead.max - daysAhead.min + 1)),
          keep: random.next() < behaviour.promise.keepRate,
        });
      }
    }
  };

  const pay = (run: CaseRun, amountMinor: number) => {
    const amount = Math.min(amountMinor, run.balanceMinor);
    if (amount <= 0) return;
    run.balanceMinor -= amount;
    run.lastPaymentAt = now;
    run.counter += 1;
    report.payment(now, amount, run.simulated.currency, run.arm, run.balanceMinor <= 0);
    feed(run, {
      type: 'payment',
      at: now,
      paymentId: `${run.simulated.caseId}:payment:${run.counter}`,
      amountMinor: amount,
      source: 'clement',
    });
    feed(run, {
      type: 'balance_changed',
      at: now,
      balanceMinor: run.balanceMinor,
      reason: 'payment',
    });
  };

  const debtorActs = (run: CaseRun, act: DebtorAct) => {
    // A debtor who has paid everything does nothing more about it.
    if (run.balanceMinor <= 0 && act.act !== 'outcome') return;
    switch (act.act) {
      case 'outcome':
        if (act.outcome === 'clicked') {
          report.outcome(now, 'click', run.arm);
          feed(run, {
            type: 'message_outcome',
            at: now,
            dispatchId: act.dispatchId,
            outcome: 'clicked',
          });
          feed(run, { type: 'portal_visited', at: now, dispatchId: act.dispatchId });
        } else {
          feed(run, {
            type: 'message_outcome',
            at: now,
            dispatchId: act.dispatchId,
            outcome: act.outcome,
            ...(act.outcome === 'failed' ? { reasons: ['undeliverable'], permanent: true } : {}),
          });
        }
        return;
      case 'reply':
        report.outcome(now, 'reply', run.arm);
        if (act.channel === 'whatsapp') run.lastInboundWhatsAppAt = now;
        feed(run, {
          type: 'reply_received',
          at: now,
          channel: act.channel,
          intent: act.intent,
          dispatchId: act.dispatchId,
        });
        return;
      case 'stop':
        report.outcome(now, 'optOut', run.arm);
        run.optEvents.push({ kind: 'opt_out', channel: act.channel, at: new Date(now) });
        feed(run, { type: 'opted_out', at: now, channel: act.channel });
        return;
      case 'pay':
        return pay(
          run,
          act.full
            ? run.balanceMinor
            : Math.max(1, Math.round(run.balanceMinor * behaviour.payment.partShare)),
        );
      case 'promise': {
        run.counter += 1;
        const promiseId = `${run.simulated.caseId}:promise:${run.counter}`;
        const zone = zoneOf(run);
        const today = localDateTime(new Date(now), zone);
        const due = new Date(Date.UTC(today.year, today.month - 1, today.day + act.daysAhead));
        const graceDays = behaviour.promise.graceDays;
        report.outcome(now, 'promise', run.arm);
        feed(run, {
          type: 'promise_made',
          at: now,
          promiseId,
          amountMinor: run.balanceMinor,
          dueDate: due.toISOString().slice(0, 10),
          graceDays,
        });
        // Kept: paid at noon on the date; broken: told the morning after the grace days.
        const dueAt = act.keep
          ? localInstant(zone, due, 0, 12)
          : localInstant(zone, due, graceDays + 1, 6);
        agenda.push(dueAt.getTime(), {
          kind: 'debtor',
          run,
          act: { act: 'promise_due', promiseId, amountMinor: run.balanceMinor, keep: act.keep },
        });
        return;
      }
      case 'promise_due':
        if (act.keep) {
          pay(run, act.amountMinor);
          report.outcome(now, 'promiseKept', run.arm);
          feed(run, { type: 'promise_kept', at: now, promiseId: act.promiseId });
        } else {
          report.outcome(now, 'promiseBroken', run.arm);
          feed(run, { type: 'promise_broken', at: now, promiseId: act.promiseId });
        }
        return;
    }
  };

  const maxItems = MAX_ITEMS_PER_CASE_DAY * options.days;
  for (let next = agenda.pop(); next && next.at < end; next = agenda.pop()) {
    now = next.at;
    const item = next.item;
    const run = item.run;
    run.items += 1;
    if (run.items > maxItems) {
      throw new SimulationError(
        `case ${run.simulated.caseId}: more than ${maxItems} engine steps in ${options.days} days; does a path loop without waiting?`,
      );
    }
    switch (item.kind) {
      case 'wake': {
        if (item.token !== run.wakeToken || !run.journey) break;
        run.scheduledWakeAt = undefined;
        let result;
        try {
          result = wake(run.journey, context(run));
        } catch (error) {
          throw engineError(run, 'wake', error);
        }
        run.journey = result.journey;
        handleOutputs(run, result.outputs);
        scheduleWake(run);
        break;
      }
      case 'send':
        attemptSend(run, item.dispatchId);
        break;
      case 'debtor':
        debtorActs(run, item.act);
        break;
    }
  }

  const unassigned = runs.filter(
    (run) => !run.journey || run.journey.status === 'unassigned',
  ).length;
  return report.build(unassigned);
}

/** `hour`:00 local time in `zone`, `plusDays` after the calendar date `date` (a UTC midnight). */
function localInstant(zone: string, date: Date, plusDays: number, hour: number): Date {
  const day = new Date(date.getTime() + plusDays * MS_PER_DAY);
  return instantOfLocal(
    zone,
    day.getUTCFullYear(),
    day.getUTCMonth() + 1,
    day.getUTCDate(),
    hour * 3600,
  );
}

function refKey(ref: StrategyRef): string {
  return `${ref.strategyId}@${ref.version}`;
}

function engineError(run: CaseRun, what: string, error: unknown): SimulationError {
  const message = error instanceof Error ? error.message : String(error);
  return new SimulationError(
    `the engine failed on ${what} for case ${run.simulated.caseId}: ${message}`,
  );
}

function checkOptions(options: SimulationOptions, behaviour: BehaviourModel): void {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 366) {
    throw new SimulationError('days must be a whole number from 1 to 366');
  }
  if (!Number.isFinite(options.start)) throw new SimulationError('start must be an instant');
  if (!Number.isInteger(options.seed)) throw new SimulationError('seed must be an integer');
  const problems = behaviourProblems(behaviour);
  if (problems.length > 0) {
    throw new SimulationError(
      `the behaviour model is invalid: ${problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}`,
    );
  }
  const ids = new Set<string>();
  for (const simulated of options.cases) {
    if (ids.has(simulated.caseId))
      throw new SimulationError(`case ${simulated.caseId} appears twice`);
    ids.add(simulated.caseId);
  }
}
