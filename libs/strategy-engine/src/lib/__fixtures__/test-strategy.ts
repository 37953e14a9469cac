/** A small strategy exercising every step kind, and helpers to drive the engine in tests. */
import type { CompiledStrategy } from '../document-types';
import { applyEvent, wake } from '../engine';
import type {
  CaseJourney,
  EngineContext,
  EngineEvent,
  EngineOutput,
  Instant,
} from '../engine-types';
import { loadStrategy } from '../strategy-document';

export const TEST_STRATEGY_YAML = `
schemaVersion: 1
name: Test early digital
contactDays: [mon, tue, wed, thu, fri]
defaultTimeZone: Europe/Madrid
stages:
  - { id: early, fromDaysPastDue: 0 }
  - { id: late, fromDaysPastDue: 31 }
  - { id: pre_legal, fromDaysPastDue: 91 }
score:
  base: 50
  features:
    - { feature: payments_count, weight: 15, cap: 3 }
    - { feature: promises_broken, weight: -20, cap: 2 }
    - { feature: days_past_due, weight: -0.2, cap: 180 }
    - { feature: clicks, weight: 5, cap: 4 }
reactions:
  paymentCooldown: P3D
  promiseGraceDays: 2
  vulnerability: { path: supportive, task: { queue: vulnerability-review, priority: 1, dueIn: P1D } }
  planReminder: { daysBefore: 2, at: "10:00", channels: [sms, email], template: plan.instalment_due }
segments:
  - id: late
    when: { fact: stage, in: [late, pre_legal] }
    path: late-path
  - id: default
    path: early-digital
paths:
  early-digital:
    steps:
      - id: first-window
        wait: { untilLocalTime: "08:30" }
      - id: first-reminder
        send: { channels: [whatsapp, sms, email], template: reminder.first, purpose: reminder, tone: auto, expiresAfter: PT12H }
      - id: await-response
        wait: { for: P2D, on: { clicked: thank, replied: thank, portal_visit: thank } }
      - id: check-engagement
        branch:
          - { when: { fact: engagement.delivered, gte: 1 }, goto: second-reminder }
          - { goto: email-only }
      - id: second-reminder
        send: { channels: [sms, email], template: reminder.second, purpose: payment_request }
      - id: await-second
        wait: { for: P5D }
      - id: escalate
        escalate: { queue: collections, reason: no_response, priority: 2, dueIn: P1D }
      - id: await-agent
        pause: { on: { task_completed: thank } }
      - id: email-only
        send: { channels: [email], template: reminder.email, purpose: reminder }
      - id: await-email
        wait: { for: P7D, then: escalate }
      - id: thank
        end: { reason: engaged }
  supportive:
    steps:
      - id: support-window
        wait: { untilLocalTime: "10:00" }
      - id: check-in
        send: { channels: [email, sms], template: support.check_in, purpose: support, tone: supportive }
      - id: rest
        pause: {}
  late-path:
    steps:
      - id: late-window
        wait: { untilLocalTime: "09:00" }
      - id: late-reminder
        send: { channels: [sms], template: reminder.late, purpose: payment_request, tone: standard }
      - id: late-wait
        wait: { for: P3D }
      - id: late-escalate
        escalate: { queue: late-desk, reason: late_no_response }
      - id: late-end
        end: { reason: handed_to_agent }
`;

export const TENANT = 'tenant-a';
export const CASE_ID = 'case-0001';
export const DEBTOR_ID = 'debtor-0001';

export function testStrategy(
  text = TEST_STRATEGY_YAML,
  strategyId = 'early',
  version = 1,
): CompiledStrategy {
  return loadStrategy(text, { strategyId, version });
}

/** Drives one case through the engine, keeping the journey and every output. */
export class CaseDriver {
  journey: CaseJourney | undefined;
  readonly outputs: EngineOutput[] = [];
  last: EngineOutput[] = [];
  readonly strategies: CompiledStrategy[];

  constructor(
    readonly strategy: CompiledStrategy = testStrategy(),
    readonly extra: CompiledStrategy[] = [],
    readonly challengerShareBps = 0,
  ) {
    this.strategies = [strategy, ...extra];
  }

  context(now: Instant): EngineContext {
    return {
      now,
      active: {
        champion: this.strategy,
        ...(this.challengerShareBps > 0 &&
          this.extra[0] && {
            challenger: { strategy: this.extra[0], shareBps: this.challengerShareBps },
          }),
      },
      version: (ref) =>
        this.strategies.find(
          (s) => s.ref.strategyId === ref.strategyId && s.ref.version === ref.version,
        ),
      subject: { tenantId: TENANT, caseId: CASE_ID, debtorId: DEBTOR_ID },
    };
  }

  apply(event: EngineEvent): EngineOutput[] {
    const result = applyEvent(this.journey, event, this.context(event.at));
    this.journey = result.journey;
    this.last = result.outputs;
    this.outputs.push(...result.outputs);
    return result.outputs;
  }

  /** Wake at the journey's wakeAt (or `at`). */
  wake(at?: Instant): EngineOutput[] {
    if (!this.journey) throw new Error('no journey');
    const now = at ?? this.journey.wakeAt;
    if (now === undefined) throw new Error('no wakeAt');
    const result = wake(this.journey, this.context(now));
    this.journey = result.journey;
    this.last = result.outputs;
    this.outputs.push(...result.outputs);
    return result.outputs;
  }

  /** Contact points, then placement: the usual start. */
  place(
    at: Instant,
    overrides: Partial<Extract<EngineEvent, { type: 'case_placed' }>> = {},
    channels: ('sms' | 'whatsapp' | 'email')[] = ['whatsapp', 'sms', 'email'],
    timeZones = ['Europe/Madrid'],
  ): EngineOutput[] {
    this.apply({ type: 'contact_points_changed', at, channels, timeZones, language: 'es' });
    return this.apply({
      type: 'case_placed',
      at,
      tenantId: TENANT,
      caseId: CASE_ID,
      debtorId: DEBTOR_ID,
      balanceMinor: 120_00,
      currency: 'EUR',
      daysPastDue: 5,
      productTypes: ['credit_card'],
      ...overrides,
    });
  }
}

export const decisions = (outputs: EngineOutput[]) =>
  outputs.flatMap((o) => (o.kind === 'decision' ? [o.decision] : []));
export const sends = (outputs: EngineOutput[]) =>
  outputs.flatMap((o) => (o.kind === 'send' ? [o.command] : []));
export const cancels = (outputs: EngineOutput[]) =>
  outputs.flatMap((o) => (o.kind === 'cancel' ? [o] : []));
export const tasks = (outputs: EngineOutput[]) =>
  outputs.flatMap((o) => (o.kind === 'task' ? [o.task] : []));
export const rules = (outputs: EngineOutput[]) =>
  decisions(outputs).map((d) => `${d.action} ${d.rule}`);
