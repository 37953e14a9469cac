import type { Outbox } from '@clement/messaging';
import {
  type ActiveStrategy,
  applyEvent,
  type Arm,
  type CaseJourney,
  type CompiledStrategy,
  type EngineContext,
  type EngineEvent,
  type EngineResult,
  type StrategyRef,
  wake,
} from '@clement/strategy-engine';
import type { EntityManager } from 'typeorm';
import type { StrategyCatalogue } from '../strategies/strategy-catalogue';
import type { AgentTaskWriter } from '../tasks/agent-task-writer';
import type { Clock } from './clock';
import { isRememberedDebtorEvent, type JourneyEvent } from './domain/event-mapping';
import { type MappedOutputs, mapOutputs } from './domain/output-mapping';
import type { JourneysRepository, StoredJourney } from './journeys.repository';

export interface AdvanceJourneyDependencies {
  journeys: JourneysRepository;
  catalogue: StrategyCatalogue;
  outbox: Outbox;
  tasks: AgentTaskWriter;
  clock: Clock;
}

/** What one engine run changes, before it is written. */
interface JourneyChange {
  journey: CaseJourney;
  assignment: (StrategyRef & { arm: Arm }) | undefined;
  /** The journey ended in this run: its open agent tasks are cancelled. */
  ended: boolean;
  outputs: MappedOutputs;
}

export interface WakeReport {
  fired: number;
  rescheduled: number;
  failed: { journey: StoredJourney; error: unknown }[];
}

/** The event that caused a run, named by what it emits. */
export interface RunCause {
  eventId?: string;
  correlationId?: string;
}

/** An event about to be handled, as the consumer's batch hook announces it. */
export interface AnnouncedEvent {
  tenantId: string;
  target: JourneyEvent;
}

const refKey = (ref: StrategyRef): string => `${ref.strategyId}@${ref.version}`;
const caseKey = (tenantId: string, caseId: string): string => `${tenantId}\u0000${caseId}`;
const debtorKey = caseKey;

/** The strategy the engine assigned the journey to, as it keeps it in its state. */
function assignmentOf(journey: CaseJourney): (StrategyRef & { arm: Arm }) | undefined {
  const strategy = journey['strategy'] as Partial<StrategyRef> | undefined;
  if (typeof strategy?.strategyId !== 'string' || typeof strategy.version !== 'number') {
    return undefined;
  }
  return {
    strategyId: strategy.strategyId,
    version: strategy.version,
    arm: journey['arm'] === 'challenger' ? 'challenger' : 'champion',
  };
}

/**
 * The journeys one consumer transaction works on: locked once (a few statements for the whole
 * batch), advanced in memory event after event, written once before the commit.
 */
class JourneyBatch {
  /** Locked journeys by case, as the events so far left them (state undefined = claimed only). */
  readonly cases = new Map<string, StoredJourney>();
  /** Debtors whose every journey is locked and in `cases`. */
  readonly debtorsLocked = new Set<string>();
  /** Remembered debtor facts, loaded for debtors whose case is placed in this batch. */
  readonly facts = new Map<string, EngineEvent[]>();
  /** The latest change per case, and every output in order. */
  readonly changes = new Map<string, JourneyChange>();
  readonly events: MappedOutputs['events'] = [];
  readonly tasks: MappedOutputs['tasks'] = [];
  readonly ended: { tenantId: string; caseId: string }[] = [];
}

/**
 * Runs the engine for cases inside the caller's transaction: journeys are locked, the strategy
 * versions they need are loaded first (the engine is synchronous and does no I/O), and the new
 * states, their timers, the commands, decisions and agent tasks are written together.
 */
export class AdvanceJourney {
  private readonly batches = new WeakMap<EntityManager, JourneyBatch>();

  constructor(private readonly deps: AdvanceJourneyDependencies) {}

  /**
   * Locks, with a few statements, every journey the coming events of this transaction touch:
   * the cases they name (claiming rows for new ones) and all cases of debtor-wide events.
   */
  async prepare(db: EntityManager, announced: readonly AnnouncedEvent[]): Promise<void> {
    const { journeys } = this.deps;
    const batch = this.batchOf(db);
    const claims = new Map<string, { tenantId: string; caseId: string; debtorId: string }>();
    const debtors = new Map<string, { tenantId: string; debtorId: string }>();
    const placedDebtors = new Map<string, { tenantId: string; debtorId: string }>();
    for (const { tenantId, target } of announced) {
      if (target.caseId === undefined) {
        const key = debtorKey(tenantId, target.debtorId);
        if (!batch.debtorsLocked.has(key))
          debtors.set(key, { tenantId, debtorId: target.debtorId });
        continue;
      }
      const key = caseKey(tenantId, target.caseId);
      if (!batch.cases.has(key)) {
        claims.set(key, { tenantId, caseId: target.caseId, debtorId: target.debtorId });
      }
      if (target.event.type === 'case_placed') {
        placedDebtors.set(debtorKey(tenantId, target.debtorId), {
          tenantId,
          debtorId: target.debtorId,
        });
      }
    }
    for (const stored of await journeys.claimCases(db, [...claims.values()])) {
      batch.cases.set(caseKey(stored.tenantId, stored.caseId), stored);
    }
    for (const stored of await journeys.lockDebtors(db, [...debtors.values()])) {
      const key = caseKey(stored.tenantId, stored.caseId);
      if (!batch.cases.has(key)) batch.cases.set(key, stored);
    }
    for (const key of debtors.keys()) batch.debtorsLocked.add(key);
    const wanted = [...placedDebtors.entries()].filter(([key]) => !batch.facts.has(key));
    const facts = await journeys.debtorEventsOf(
      db,
      wanted.map(([, debtor]) => debtor),
    );
    for (const [key] of wanted) batch.facts.set(key, facts.get(key) ?? []);
  }

  /** An event about one case, or (no caseId) about every case of the debtor. */
  async onEvent(
    db: EntityManager,
    tenantId: string,
    target: JourneyEvent,
    cause: RunCause,
  ): Promise<void> {
    const { journeys } = this.deps;
    const { event } = target;
    // Without an announcement (not the consumer's batch path) the journeys are locked here.
    await this.prepare(db, [{ tenantId, target }]);
    const batch = this.batchOf(db);
    if (target.caseId === undefined) {
      const key = debtorKey(tenantId, target.debtorId);
      if (isRememberedDebtorEvent(event)) {
        await journeys.rememberDebtorEvent(db, tenantId, target.debtorId, event);
        // A case placed later in this batch must learn it too (the facts were loaded up front).
        const known = batch.facts.get(key);
        if (known) batch.facts.set(key, [...known.filter((e) => e.type !== event.type), event]);
      } else if (event.type === 'debtor_erased') {
        await journeys.forgetDebtor(db, tenantId, target.debtorId);
        if (batch.facts.has(key)) batch.facts.set(key, []);
      }
      const ofDebtor = [...batch.cases.values()]
        .filter((s) => s.tenantId === tenantId && s.debtorId === target.debtorId && s.state)
        .sort((a, b) => (a.caseId < b.caseId ? -1 : 1));
      for (const stored of ofDebtor) {
        await this.advance(batch, stored, cause, (journey, ctx) => applyEvent(journey, event, ctx));
      }
      return;
    }
    // Topics interleave: an event may come before its case is placed; the engine then keeps its
    // facts in an unassigned journey, so a row is claimed for any event about a case.
    const stored = batch.cases.get(caseKey(tenantId, target.caseId));
    if (!stored) throw new Error(`journey ${target.caseId} was not claimed`);
    const subject = { tenantId, caseId: target.caseId, debtorId: target.debtorId };
    const remembered =
      stored.state || event.type !== 'case_placed'
        ? []
        : (batch.facts.get(debtorKey(tenantId, target.debtorId)) ?? []);
    await this.advance(batch, stored, cause, (journey, ctx) => {
      const withSubject = { ...ctx, subject };
      // A new case first learns what is known about its debtor (contact points, vulnerability),
      // so the path it enters on placement already knows their channels and time zone.
      const learned = remembered.reduce<EngineResult>(
        (result, fact) => {
          const next = applyEvent(result.journey, fact, withSubject);
          return { journey: next.journey, outputs: [...result.outputs, ...next.outputs] };
        },
        { journey, outputs: [] },
      );
      const placed = applyEvent(learned.journey, event, withSubject);
      return { journey: placed.journey, outputs: [...learned.outputs, ...placed.outputs] };
    });
  }

  /** Writes what the transaction's events changed; the consumer calls it before committing. */
  async flush(db: EntityManager): Promise<void> {
    const batch = this.batches.get(db);
    if (!batch) return;
    this.batches.delete(db);
    const { journeys, outbox, tasks } = this.deps;
    const unused = [...batch.cases.values()].filter((stored) => !stored.state);
    await journeys.discardClaims(db, unused);
    await journeys.saveAll(db, [...batch.changes.values()], this.deps.clock().getTime());
    await outbox.appendAll(db, batch.events);
    if (batch.tasks.length > 0) await tasks.create(db, batch.tasks);
    for (const { tenantId, caseId } of batch.ended) {
      await tasks.cancelOpenForCase(db, tenantId, caseId, 'journey_ended');
    }
  }

  /**
   * Journeys whose timers are due (the caller holds the timers and the journeys): the engine runs
   * for each, then the whole batch is written with a few statements. A journey the engine throws
   * on is left out and returned, for the caller to retry later.
   */
  async onWake(db: EntityManager, due: readonly StoredJourney[]): Promise<WakeReport> {
    const now = this.deps.clock().getTime();
    const batch = this.batchOf(db);
    const report: WakeReport = { fired: 0, rescheduled: 0, failed: [] };
    for (const stored of due) {
      const wakeAt = stored.state?.wakeAt;
      if (!stored.state || wakeAt === undefined || wakeAt > now) {
        // The timer and the journey disagree (e.g. an older version wrote it): trust the journey.
        await this.deps.journeys.setTimer(db, stored.tenantId, stored.caseId, wakeAt);
        report.rescheduled += 1;
        continue;
      }
      const state = stored.state;
      try {
        await this.advance(batch, stored, {}, (_journey, ctx) => wake(state, ctx));
        report.fired += 1;
      } catch (error: unknown) {
        report.failed.push({ journey: stored, error });
      }
    }
    await this.flush(db);
    return report;
  }

  /** Runs the engine for one journey and stages the result (no writes yet). */
  private async advance(
    batch: JourneyBatch,
    stored: StoredJourney,
    cause: RunCause,
    step: (journey: CaseJourney | undefined, ctx: EngineContext) => EngineResult,
  ): Promise<void> {
    const ctx = await this.contextFor(stored);
    const result = step(stored.state, ctx);
    if (!result.journey) return;
    const journey = result.journey;
    const assignment = assignmentOf(journey) ?? stored.assignment;
    const outputs = mapOutputs(stored.tenantId, result.outputs, {
      now: ctx.now,
      ...(cause.eventId ? { causationId: cause.eventId } : {}),
      ...(cause.correlationId ? { correlationId: cause.correlationId } : {}),
    });
    const ended = journey.status === 'ended' && stored.status !== 'ended';
    const key = caseKey(stored.tenantId, stored.caseId);
    batch.changes.set(key, { journey, assignment, ended, outputs });
    batch.events.push(...outputs.events);
    batch.tasks.push(...outputs.tasks);
    if (ended) batch.ended.push({ tenantId: stored.tenantId, caseId: stored.caseId });
    // The next event of the batch about this case starts from here.
    batch.cases.set(key, {
      ...stored,
      status: journey.status,
      ...(assignment ? { assignment } : {}),
      state: journey,
    });
  }

  private batchOf(db: EntityManager): JourneyBatch {
    let batch = this.batches.get(db);
    if (!batch) {
      batch = new JourneyBatch();
      this.batches.set(db, batch);
    }
    return batch;
  }

  /** Loads the versions the engine may ask for: the case's own, or the tenant's active ones. */
  private async contextFor(stored: StoredJourney): Promise<EngineContext> {
    const { catalogue, clock } = this.deps;
    const versions = new Map<string, CompiledStrategy>();
    let active: ActiveStrategy | undefined;
    if (stored.assignment) {
      const version = await catalogue.version(stored.tenantId, stored.assignment);
      if (version) versions.set(refKey(version.ref), version);
    } else {
      active = await catalogue.active(stored.tenantId);
      if (active) {
        versions.set(refKey(active.champion.ref), active.champion);
        if (active.challenger) {
          versions.set(refKey(active.challenger.strategy.ref), active.challenger.strategy);
        }
      }
    }
    return {
      now: clock().getTime(),
      active,
      version: (ref) => versions.get(refKey(ref)),
    };
  }
}
