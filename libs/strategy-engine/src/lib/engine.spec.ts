import {
  CASE_ID,
  CaseDriver,
  DEBTOR_ID,
  TENANT,
  TEST_STRATEGY_YAML,
  cancels,
  decisions,
  rules,
  sends,
  tasks,
  testStrategy,
} from './__fixtures__/test-strategy';
import {
  applyEvent,
  MAX_STEPS_PER_RUN,
  newJourney,
  UnknownStrategyVersionError,
  wake,
} from './engine';
import type { EngineContext, EngineEvent } from './engine-types';
import { assignArm } from './identifiers';
import type { JourneyState } from './journey-state';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Friday 4 December 2026, 10:00 in Madrid. */
const FRIDAY_10 = Date.parse('2026-12-04T09:00:00Z');
/** Monday 7 December 2026, 08:30 in Madrid. */
const MONDAY_0830 = Date.parse('2026-12-07T07:30:00Z');
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const state = (d: CaseDriver) => d.journey as JourneyState;

/** Placed on Friday, woken on Monday 08:30: the first reminder is out, waiting for a response. */
function afterFirstReminder(
  driver = new CaseDriver(),
  channels?: ('sms' | 'whatsapp' | 'email')[],
) {
  driver.place(FRIDAY_10, {}, channels);
  driver.wake();
  const first = sends(driver.last)[0];
  return { driver, first };
}

describe('placement', () => {
  it('assigns the champion, enters the segment path with the score explained and waits for 08:30 on the next contact day', () => {
    const d = new CaseDriver();
    const outputs = d.place(FRIDAY_10);
    expect(outputs[0]).toEqual({
      kind: 'assigned',
      assignment: {
        tenantId: TENANT,
        caseId: CASE_ID,
        debtorId: DEBTOR_ID,
        strategy: { strategyId: 'early', version: 1 },
        arm: 'champion',
        champion: { strategyId: 'early', version: 1 },
        assignedAt: FRIDAY_10,
      },
    });
    const [enter, wait] = decisions(outputs);
    expect(enter).toMatchObject({
      action: 'enter_path',
      rule: 'segment:default',
      segmentId: 'default',
      pathId: 'early-digital',
    });
    expect(enter.score?.contributions).toContainEqual({
      feature: 'days_past_due',
      value: 5,
      weight: -0.2,
      points: -1,
    });
    expect(enter.score?.score).toBe(49);
    expect(wait).toMatchObject({ action: 'wait', stepId: 'first-window', rule: 'step:wait' });
    expect(d.journey?.status).toBe('waiting');
    expect(iso(d.journey?.wakeAt)).toBe(iso(MONDAY_0830));
  });

  it('sends the first message at 08:30 local on the next allowed day, on the first reachable channel', () => {
    const { driver, first } = afterFirstReminder();
    expect(first).toMatchObject({
      channel: 'whatsapp',
      purpose: 'reminder',
      tone: 'standard',
      templateKey: 'reminder.first',
      expiresAt: MONDAY_0830 + 12 * HOUR,
      validity: { caseStatuses: ['placed', 'active'], noPaymentSince: MONDAY_0830 },
    });
    const decision = decisions(driver.last)[0];
    expect(decision).toMatchObject({
      action: 'send',
      rule: 'step:send',
      stepId: 'first-reminder',
      dispatchIds: [first.dispatchId],
    });
    expect(first.decisionId).toBe(decision.decisionId);
    expect(iso(driver.journey?.wakeAt)).toBe(iso(MONDAY_0830 + 2 * DAY));
  });

  it('placed before 08:30 on a contact day, the first message goes the same morning', () => {
    const d = new CaseDriver();
    d.place(Date.parse('2026-12-08T05:00:00Z'));
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-08T07:30:00.000Z');
  });

  it("uses the debtor's own zone, else the strategy's default zone", () => {
    const inNewYork = new CaseDriver();
    inNewYork.place(FRIDAY_10, {}, undefined, ['America/New_York']);
    expect(iso(inNewYork.journey?.wakeAt)).toBe('2026-12-04T13:30:00.000Z'); // 04:00 in New York: same day
    const unknownZone = new CaseDriver();
    unknownZone.place(FRIDAY_10, {}, undefined, []);
    expect(iso(unknownZone.journey?.wakeAt)).toBe(iso(MONDAY_0830));
  });

  it('a second case_placed (a replay) does not reassign or restart', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    const outputs = d.place(FRIDAY_10 + HOUR, { balanceMinor: 99_00 });
    expect(outputs).toEqual([]);
    expect(state(d).facts.balanceMinor).toBe(99_00);
  });

  it('waking twice at the same instant acts once', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    const first = wake(d.journey!, d.context(MONDAY_0830));
    expect(sends(first.outputs)).toHaveLength(1);
    const second = wake(first.journey!, d.context(MONDAY_0830));
    expect(second.outputs).toEqual([]);
  });

  it('waking early does nothing', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    const before = d.journey;
    const result = wake(before!, d.context(MONDAY_0830 - 1));
    expect(result.outputs).toEqual([]);
    expect(result.journey).toEqual(before);
  });
});

describe('events before placement and without a strategy', () => {
  it('facts from events arriving before case_placed are kept in an unassigned journey and used later', () => {
    const d = new CaseDriver();
    d.apply({
      type: 'contact_points_changed',
      at: FRIDAY_10,
      channels: ['email'],
      timeZones: ['Europe/Lisbon'],
    });
    d.apply({ type: 'opted_out', at: FRIDAY_10, channel: 'sms' });
    expect(d.journey?.status).toBe('unassigned');
    expect(d.journey?.wakeAt).toBeUndefined();
    d.apply({
      type: 'case_placed',
      at: FRIDAY_10,
      tenantId: TENANT,
      caseId: CASE_ID,
      debtorId: DEBTOR_ID,
      balanceMinor: 5000,
      currency: 'EUR',
      daysPastDue: 3,
      productTypes: [],
    });
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-07T08:30:00.000Z'); // 08:30 in Lisbon (UTC+0)
    d.wake();
    expect(sends(d.last).map((s) => s.channel)).toEqual(['email']);
  });

  it('an event for an unknown case without a subject yields no journey', () => {
    const ctx: EngineContext = { now: FRIDAY_10, active: undefined, version: () => undefined };
    expect(applyEvent(undefined, { type: 'portal_visited', at: FRIDAY_10 }, ctx)).toEqual({
      journey: undefined,
      outputs: [],
    });
  });

  it('with no active strategy a placed case stays unassigned, and is assigned when placed again once one is active', () => {
    const strategy = testStrategy();
    const ctx = (active: boolean): EngineContext => ({
      now: FRIDAY_10,
      active: active ? { champion: strategy } : undefined,
      version: () => strategy,
    });
    const placed = {
      type: 'case_placed' as const,
      at: FRIDAY_10,
      tenantId: TENANT,
      caseId: CASE_ID,
      debtorId: DEBTOR_ID,
      balanceMinor: 100,
      currency: 'EUR',
      daysPastDue: 1,
      productTypes: ['loan'],
    };
    const first = applyEvent(undefined, placed, ctx(false));
    expect(first.journey?.status).toBe('unassigned');
    expect(first.outputs).toEqual([]);
    const second = applyEvent(first.journey, placed, ctx(true));
    expect(second.outputs[0].kind).toBe('assigned');
    expect(second.journey?.status).toBe('waiting');
  });

  it('an unassigned placed case woken once a strategy is active starts it; one never placed does not', () => {
    const strategy = testStrategy();
    const ctx = (active: boolean, now = FRIDAY_10): EngineContext => ({
      now,
      active: active ? { champion: strategy } : undefined,
      version: () => strategy,
    });
    const placed = applyEvent(
      undefined,
      {
        type: 'case_placed',
        at: FRIDAY_10,
        tenantId: TENANT,
        caseId: CASE_ID,
        debtorId: DEBTOR_ID,
        balanceMinor: 100,
        currency: 'EUR',
        daysPastDue: 1,
        productTypes: ['loan'],
      },
      ctx(false),
    ).journey as JourneyState;
    expect(placed.status).toBe('unassigned');
    expect(placed.wakeAt).toBeUndefined();

    // strategy-service sets the wake-up when a strategy is activated.
    const due = { ...placed, wakeAt: FRIDAY_10 + HOUR };
    const woken = wake(due, ctx(true, FRIDAY_10 + HOUR));
    expect(woken.outputs[0]).toMatchObject({
      kind: 'assigned',
      assignment: { assignedAt: FRIDAY_10 + HOUR },
    });
    expect(woken.journey?.status).toBe('waiting');
    expect(iso(woken.journey?.wakeAt)).toBe(iso(MONDAY_0830));

    // Still no strategy: nothing happens and the wake-up is dropped, not repeated.
    const idle = wake(due, ctx(false, FRIDAY_10 + HOUR));
    expect(idle.outputs).toEqual([]);
    expect(idle.journey?.status).toBe('unassigned');
    expect(idle.journey?.wakeAt).toBeUndefined();

    // Facts only, never placed: nothing to start.
    const unplaced = {
      ...newJourney({ tenantId: TENANT, caseId: 'c-2', debtorId: 'd-2' }),
      wakeAt: 1,
    };
    expect(wake(unplaced, ctx(true, 2)).outputs).toEqual([]);
  });

  it('newJourney starts empty and unassigned', () => {
    expect(newJourney({ tenantId: 't', caseId: 'c', debtorId: 'd' })).toMatchObject({
      seq: 0,
      status: 'unassigned',
      pending: [],
    });
  });
});

describe('channels and fallback', () => {
  it('skips channels the debtor cannot be reached on', () => {
    const { first } = afterFirstReminder(new CaseDriver(), ['sms', 'email']);
    expect(first.channel).toBe('sms');
  });

  it('skips an opted-out channel, and opting in restores it', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.apply({ type: 'opted_out', at: FRIDAY_10 + HOUR, channel: 'whatsapp' });
    d.wake();
    expect(sends(d.last)[0].channel).toBe('sms');
    const again = new CaseDriver();
    again.place(FRIDAY_10);
    again.apply({ type: 'opted_out', at: FRIDAY_10 + HOUR, channel: 'whatsapp' });
    again.apply({ type: 'opted_in', at: FRIDAY_10 + 2 * HOUR, channel: 'whatsapp' });
    again.wake();
    expect(sends(again.last)[0].channel).toBe('whatsapp');
  });

  it('with no usable channel the send is skipped with a decision and the path moves on', () => {
    const { driver, first } = afterFirstReminder(new CaseDriver(), []);
    expect(first).toBeUndefined();
    expect(rules(driver.last)).toEqual(['skip step:send', 'wait step:wait']);
  });

  it.each(['blocked', 'failed'] as const)(
    'a %s message falls back to the next channel with the same template',
    (outcome) => {
      const { driver, first } = afterFirstReminder();
      driver.apply({
        type: 'message_outcome',
        at: MONDAY_0830 + 60_000,
        dispatchId: first.dispatchId,
        outcome,
        reasons: ['whatsapp_window'],
      });
      const [fallback] = sends(driver.last);
      expect(fallback).toMatchObject({
        channel: 'sms',
        templateKey: 'reminder.first',
        purpose: 'reminder',
      });
      expect(fallback.dispatchId).not.toBe(first.dispatchId);
      expect(rules(driver.last)).toEqual(['send fallback:sms']);
      driver.apply({
        type: 'message_outcome',
        at: MONDAY_0830 + 120_000,
        dispatchId: fallback.dispatchId,
        outcome,
      });
      expect(sends(driver.last).map((s) => s.channel)).toEqual(['email']);
      driver.apply({
        type: 'message_outcome',
        at: MONDAY_0830 + 180_000,
        dispatchId: sends(driver.last)[0].dispatchId,
        outcome,
      });
      expect(driver.last).toEqual([]);
    },
  );

  it('a fallback skips a channel opted out since the first attempt', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({ type: 'opted_out', at: MONDAY_0830 + 1000, channel: 'sms' });
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 2000,
      dispatchId: first.dispatchId,
      outcome: 'blocked',
    });
    expect(sends(driver.last).map((s) => s.channel)).toEqual(['email']);
  });

  it.each(['deferred', 'unknown', 'cancelled', 'sent'] as const)(
    'a %s outcome does not fall back',
    (outcome) => {
      const { driver, first } = afterFirstReminder();
      driver.apply({
        type: 'message_outcome',
        at: MONDAY_0830 + 1000,
        dispatchId: first.dispatchId,
        outcome,
      });
      expect(driver.last).toEqual([]);
    },
  );

  it('an outcome for a message the engine does not know only counts engagement', () => {
    const { driver } = afterFirstReminder();
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 1000,
      dispatchId: 'someone-else',
      outcome: 'failed',
    });
    expect(driver.last).toEqual([]);
  });
});

describe('waits, branches and escalation', () => {
  it('delivered messages count as engagement and the branch sends the second reminder', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 1000,
      dispatchId: first.dispatchId,
      outcome: 'sent',
    });
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 2000,
      dispatchId: first.dispatchId,
      outcome: 'delivered',
    });
    expect(state(driver).facts.engagement).toMatchObject({ sent: 1, delivered: 1 });
    driver.wake();
    expect(rules(driver.last)).toEqual(['branch branch:0', 'send step:send', 'wait step:wait']);
    expect(sends(driver.last)[0]).toMatchObject({
      channel: 'sms',
      templateKey: 'reminder.second',
      purpose: 'payment_request',
    });
  });

  it('without any delivery the branch takes the otherwise rule (email only)', () => {
    const { driver } = afterFirstReminder();
    driver.wake();
    expect(rules(driver.last)).toEqual(['branch branch:1', 'send step:send', 'wait step:wait']);
    expect(sends(driver.last)[0]).toMatchObject({
      channel: 'email',
      templateKey: 'reminder.email',
    });
    expect(iso(driver.journey?.wakeAt)).toBe(iso(MONDAY_0830 + 9 * DAY));
  });

  it.each([
    ['clicked', { type: 'message_outcome', outcome: 'clicked' }],
    ['replied', { type: 'reply_received', channel: 'whatsapp', intent: 'pay' }],
    ['portal_visit', { type: 'portal_visited' }],
  ] as const)('%s while waiting moves to the handler step (end: engaged)', (name, partial) => {
    const { driver, first } = afterFirstReminder();
    driver.apply({ ...partial, at: MONDAY_0830 + HOUR, dispatchId: first.dispatchId } as never);
    expect(rules(driver.last)).toEqual([`branch on:${name}`, 'end step:end']);
    expect(driver.journey?.status).toBe('ended');
    expect(state(driver).endedReason).toBe('engaged');
    expect(driver.journey?.wakeAt).toBeUndefined();
  });

  it('a handler does not fire at a step that does not listen for the event', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.apply({ type: 'portal_visited', at: FRIDAY_10 + HOUR });
    expect(d.last).toEqual([]);
    expect(state(d).facts.engagement.portalVisits).toBe(1);
  });

  it('no response escalates to an agent task, pauses, and the completed task ends the path', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 1000,
      dispatchId: first.dispatchId,
      outcome: 'delivered',
    });
    driver.wake(); // second reminder
    const escalatedAt = driver.journey!.wakeAt!;
    driver.wake();
    const [task] = tasks(driver.last);
    expect(task).toMatchObject({
      queue: 'collections',
      reason: 'no_response',
      priority: 2,
      dueAt: escalatedAt + DAY,
    });
    const escalation = decisions(driver.last)[0];
    expect(escalation).toMatchObject({
      action: 'escalate',
      rule: 'step:escalate',
      taskId: task.taskId,
    });
    expect(task.decisionId).toBe(escalation.decisionId);
    expect(driver.journey?.status).toBe('paused');
    // An open pause has no timer of its own; only the next stage boundary (day 31) can wake it.
    expect(driver.journey?.wakeAt).toBe(FRIDAY_10 + 26 * DAY);
    driver.apply({
      type: 'task_completed',
      at: escalatedAt + HOUR,
      taskId: task.taskId,
      outcome: 'promise_taken',
    });
    expect(rules(driver.last)).toEqual(['branch on:task_completed', 'end step:end']);
    expect(state(driver).facts.lastTaskOutcome).toBe('promise_taken');
  });

  it("a wait's then names the step after its timeout", () => {
    const { driver } = afterFirstReminder();
    driver.wake(); // email only
    driver.wake(); // 7 days later: then → escalate
    expect(rules(driver.last)).toEqual(['escalate step:escalate', 'pause step:pause']);
  });

  it("recomputes a wait for a local time when the debtor's time zone arrives after placement", () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10, {}, ['sms'], []);
    expect(iso(d.journey?.wakeAt)).toBe(iso(MONDAY_0830)); // the default zone, Madrid
    // 04:00 on Friday in New York: 08:30 there is still to come today.
    d.apply({
      type: 'contact_points_changed',
      at: FRIDAY_10 + 60_000,
      channels: ['sms'],
      timeZones: ['America/New_York'],
    });
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-04T13:30:00.000Z');
    expect(rules(d.last)).toEqual(['wait step:wait']);
    // The same zones again change nothing.
    d.apply({
      type: 'contact_points_changed',
      at: FRIDAY_10 + 120_000,
      channels: ['sms', 'email'],
      timeZones: ['America/New_York'],
    });
    expect(d.last).toEqual([]);
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-04T13:30:00.000Z');
  });

  it('a wait until a date lands on that local date at the contact time; goto switches path', () => {
    const yaml = TEST_STRATEGY_YAML.replace(
      '        wait: { untilLocalTime: "08:30" }\n',
      '        wait: { until: "2026-12-24" }\n      - id: jump\n        goto: { path: late-path }\n',
    );
    const d = new CaseDriver(testStrategy(yaml));
    d.place(FRIDAY_10);
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-24T08:00:00.000Z'); // 09:00 Madrid
    d.wake();
    expect(rules(d.last)).toEqual(['enter_path goto:late-path', 'wait step:wait']);
    expect(state(d).position?.pathId).toBe('late-path');
  });

  it('a timed pause step resumes after its duration and goes to its then', () => {
    const yaml = TEST_STRATEGY_YAML.replace(
      '        wait: { untilLocalTime: "08:30" }\n',
      '        pause: { for: PT36H, then: thank }\n',
    );
    const d = new CaseDriver(testStrategy(yaml));
    d.place(FRIDAY_10);
    expect(d.journey?.status).toBe('paused');
    expect(d.journey?.wakeAt).toBe(FRIDAY_10 + 36 * HOUR);
    d.wake();
    expect(rules(d.last)).toEqual(['end step:end']);
  });

  it('a path that loops without waiting is ended by the loop guard', () => {
    const yaml = TEST_STRATEGY_YAML.replace(
      '        wait: { untilLocalTime: "08:30" }\n',
      '        branch: [ { goto: loop } ]\n      - id: loop\n        branch: [ { goto: first-window } ]\n',
    );
    const d = new CaseDriver(testStrategy(yaml));
    d.place(FRIDAY_10);
    expect(d.journey?.status).toBe('ended');
    expect(state(d).endedReason).toBe('loop_guard');
    expect(decisions(d.last).length).toBe(MAX_STEPS_PER_RUN + 2);
  });

  it('the end of a path ends the journey', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10, { daysPastDue: 40 });
    d.wake(); // late reminder
    d.wake(); // escalate, end
    expect(rules(d.last)).toEqual(['escalate step:escalate', 'end step:end']);
    expect(state(d).endedReason).toBe('handed_to_agent');
  });
});

describe('payment reactions', () => {
  it('a part payment cancels pending sends, pauses for the cooldown, then resumes where it was', () => {
    const { driver, first } = afterFirstReminder();
    const paidAt = MONDAY_0830 + HOUR;
    driver.apply({
      type: 'payment',
      at: paidAt,
      paymentId: 'p1',
      amountMinor: 20_00,
      source: 'clement',
    });
    expect(cancels(driver.last)).toEqual([
      expect.objectContaining({
        dispatchId: first.dispatchId,
        tenantId: TENANT,
        debtorId: DEBTOR_ID,
      }),
    ]);
    expect(rules(driver.last)).toEqual(['cancel_sends reaction:payment', 'pause reaction:payment']);
    expect(decisions(driver.last)[0].dispatchIds).toEqual([first.dispatchId]);
    expect(driver.journey?.status).toBe('paused');
    expect(driver.journey?.wakeAt).toBe(paidAt + 3 * DAY);
    expect(state(driver).facts).toMatchObject({
      balanceMinor: 100_00,
      payments: { count: 1, totalMinor: 20_00 },
    });
    driver.wake();
    expect(rules(driver.last)).toEqual(['resume reaction:payment_cooldown_over', 'wait step:wait']);
    expect(state(driver).position?.stepId).toBe('await-response');
    expect(driver.journey?.wakeAt).toBe(paidAt + 5 * DAY);
  });

  it('a payment with nothing pending still pauses but cancels nothing', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.apply({
      type: 'payment',
      at: FRIDAY_10 + HOUR,
      paymentId: 'p1',
      amountMinor: 10_00,
      source: 'creditor',
    });
    expect(rules(d.last)).toEqual(['pause reaction:payment']);
  });

  it('a delivered message is no longer cancellable', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 1000,
      dispatchId: first.dispatchId,
      outcome: 'delivered',
    });
    driver.apply({
      type: 'payment',
      at: MONDAY_0830 + HOUR,
      paymentId: 'p1',
      amountMinor: 1_00,
      source: 'clement',
    });
    expect(cancels(driver.last)).toEqual([]);
  });

  it('paying in full ends the journey with no timer', () => {
    const { driver } = afterFirstReminder();
    driver.apply({
      type: 'payment',
      at: MONDAY_0830 + HOUR,
      paymentId: 'p1',
      amountMinor: 120_00,
      source: 'clement',
    });
    expect(rules(driver.last)).toEqual(['cancel_sends reaction:payment', 'end reaction:payment']);
    expect(driver.journey?.status).toBe('ended');
    expect(driver.journey?.wakeAt).toBeUndefined();
  });

  it('a balance set to zero by the creditor ends the journey', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.apply({
      type: 'balance_changed',
      at: FRIDAY_10 + HOUR,
      balanceMinor: 0,
      reason: 'creditor_update',
    });
    expect(rules(d.last)).toEqual(['end reaction:balance_cleared']);
  });

  it('a payment handler on the waiting step takes precedence over the cooldown', () => {
    const yaml = TEST_STRATEGY_YAML.replace(
      'on: { clicked: thank,',
      'on: { payment: thank, clicked: thank,',
    );
    const { driver } = afterFirstReminder(new CaseDriver(testStrategy(yaml)));
    driver.apply({
      type: 'payment',
      at: MONDAY_0830 + HOUR,
      paymentId: 'p1',
      amountMinor: 1_00,
      source: 'clement',
    });
    expect(rules(driver.last)).toEqual([
      'cancel_sends reaction:payment',
      'branch on:payment',
      'end step:end',
    ]);
  });
});

describe('promise reactions', () => {
  const promise = (at: number, graceDays = 1) =>
    ({
      type: 'promise_made',
      at,
      promiseId: 'pr1',
      amountMinor: 120_00,
      dueDate: '2026-12-10',
      graceDays,
    }) as const;

  it('a promise cancels pending sends and pauses until the end of its date plus grace (local)', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR));
    expect(cancels(driver.last).map((c) => c.dispatchId)).toEqual([first.dispatchId]);
    expect(rules(driver.last)).toEqual([
      'cancel_sends reaction:promise_made',
      'pause reaction:promise_made',
    ]);
    expect(driver.journey?.status).toBe('paused');
    expect(iso(driver.journey?.wakeAt)).toBe('2026-12-11T23:00:00.000Z'); // end of 11 Dec in Madrid
  });

  it("a promise without grace uses the strategy's promiseGraceDays", () => {
    const { driver } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR, 0));
    expect(iso(driver.journey?.wakeAt)).toBe('2026-12-12T23:00:00.000Z');
  });

  it('a broken promise resumes at once', () => {
    const { driver } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR));
    const brokenAt = Date.parse('2026-12-11T10:00:00Z');
    driver.apply({ type: 'promise_broken', at: brokenAt, promiseId: 'pr1' });
    expect(rules(driver.last)).toEqual(['resume reaction:promise_broken', 'wait step:wait']);
    expect(driver.journey?.status).toBe('waiting');
    expect(driver.journey?.wakeAt).toBe(brokenAt + 2 * DAY);
    expect(state(driver).facts.promises).toEqual({ made: 1, kept: 0, broken: 1 });
  });

  it('a broken promise that is not the one pausing the case changes nothing', () => {
    const { driver } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR));
    driver.apply({ type: 'promise_broken', at: MONDAY_0830 + 2 * HOUR, promiseId: 'other' });
    expect(driver.last).toEqual([]);
    expect(driver.journey?.status).toBe('paused');
  });

  it('the promise date and grace passing without news resumes the path', () => {
    const { driver } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR));
    driver.wake();
    expect(rules(driver.last)).toEqual(['resume reaction:promise_expired', 'wait step:wait']);
  });

  it('a kept promise with a balance left stays paused until the promise date, then resumes', () => {
    const { driver } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR));
    driver.apply({
      type: 'payment',
      at: Date.parse('2026-12-09T10:00:00Z'),
      paymentId: 'p',
      amountMinor: 50_00,
      source: 'clement',
    });
    driver.apply({
      type: 'promise_kept',
      at: Date.parse('2026-12-09T10:00:01Z'),
      promiseId: 'pr1',
    });
    expect(rules(driver.last)).toEqual(['pause reaction:promise_kept']);
    expect(iso(driver.journey?.wakeAt)).toBe('2026-12-10T23:00:00.000Z');
    driver.wake();
    expect(rules(driver.last)[0]).toBe('resume reaction:promise_expired');
  });

  it('a kept promise that clears the balance ends the journey', () => {
    const { driver } = afterFirstReminder();
    driver.apply(promise(MONDAY_0830 + HOUR));
    driver.apply({
      type: 'balance_changed',
      at: MONDAY_0830 + 2 * HOUR,
      balanceMinor: 0,
      reason: 'payment',
    });
    expect(driver.journey?.status).toBe('ended');
  });
});

describe('payment plans', () => {
  const plan = (at: number): EngineEvent => ({
    type: 'plan_created',
    at,
    planId: 'plan-1',
    instalments: [
      { dueDate: '2026-12-15', amountMinor: 40_00 },
      { dueDate: '2027-01-15', amountMinor: 40_00 },
    ],
  });

  it('a plan cancels pending sends and schedules courtesy reminders days before each instalment', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply(plan(MONDAY_0830 + HOUR));
    expect(cancels(driver.last).map((c) => c.dispatchId)).toEqual([first.dispatchId]);
    expect(rules(driver.last)).toEqual([
      'cancel_sends reaction:plan_created',
      'pause reaction:plan_created',
    ]);
    expect(driver.journey?.status).toBe('plan');
    expect(iso(driver.journey?.wakeAt)).toBe('2026-12-13T09:00:00.000Z'); // 10:00 Madrid, 2 days before
    driver.wake();
    expect(sends(driver.last)[0]).toMatchObject({
      purpose: 'plan_reminder',
      templateKey: 'plan.instalment_due',
      channel: 'sms',
      validity: { caseStatuses: ['placed', 'active', 'arrangement'] },
    });
    expect(rules(driver.last)).toEqual(['send plan:reminder']);
    expect(iso(driver.journey?.wakeAt)).toBe('2027-01-13T09:00:00.000Z');
    driver.wake();
    expect(driver.journey?.wakeAt).toBeUndefined();
    expect(driver.journey?.status).toBe('plan');
  });

  it('a hold over an instalment date means no late reminder for it, only for the next one', () => {
    const { driver } = afterFirstReminder();
    driver.apply(plan(MONDAY_0830 + HOUR));
    driver.apply({ type: 'hold_placed', at: MONDAY_0830 + 2 * HOUR, holdId: 'h', kind: 'dispute' });
    driver.apply({ type: 'hold_lifted', at: Date.parse('2026-12-20T10:00:00Z'), holdId: 'h' });
    expect(driver.journey?.status).toBe('plan');
    driver.wake(Date.parse('2026-12-20T10:00:01Z'));
    expect(sends(driver.last)).toEqual([]);
    expect(iso(driver.journey?.wakeAt)).toBe('2027-01-13T09:00:00.000Z');
  });

  it('an instalment paid under a plan does not pause or cancel anything', () => {
    const { driver } = afterFirstReminder();
    driver.apply(plan(MONDAY_0830 + HOUR));
    driver.apply({
      type: 'payment',
      at: MONDAY_0830 + 2 * HOUR,
      paymentId: 'p',
      amountMinor: 40_00,
      source: 'clement',
    });
    expect(driver.last).toEqual([]);
    expect(driver.journey?.status).toBe('plan');
  });

  it.each(['plan_breached', 'plan_cancelled'] as const)(
    '%s resumes the collection path',
    (type) => {
      const { driver } = afterFirstReminder();
      driver.apply(plan(MONDAY_0830 + HOUR));
      driver.apply({ type, at: MONDAY_0830 + DAY, planId: 'plan-1' });
      expect(rules(driver.last)).toEqual([`resume reaction:${type}`, 'wait step:wait']);
      expect(driver.journey?.status).toBe('waiting');
    },
  );

  it('a changed plan reschedules the reminders from its new instalments', () => {
    const { driver } = afterFirstReminder();
    driver.apply(plan(MONDAY_0830 + HOUR));
    driver.apply({
      type: 'plan_changed',
      at: MONDAY_0830 + 2 * HOUR,
      planId: 'plan-1',
      instalments: [{ dueDate: '2026-12-31', amountMinor: 80_00 }],
    });
    expect(rules(driver.last)).toEqual(['pause reaction:plan_changed']);
    expect(iso(driver.journey?.wakeAt)).toBe('2026-12-29T09:00:00.000Z');
  });

  it('a completed plan ends the journey', () => {
    const { driver } = afterFirstReminder();
    driver.apply(plan(MONDAY_0830 + HOUR));
    driver.apply({ type: 'plan_completed', at: MONDAY_0830 + DAY, planId: 'plan-1' });
    expect(rules(driver.last)).toEqual(['end reaction:plan_completed']);
    expect(driver.journey?.status).toBe('ended');
  });

  it('a plan agreed before placement starts the case in plan mode with its reminders', () => {
    const d = new CaseDriver();
    d.apply(plan(FRIDAY_10 - HOUR));
    d.place(FRIDAY_10);
    expect(d.journey?.status).toBe('plan');
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-13T09:00:00.000Z');
  });

  it('a plan created while a promise pauses the case replaces the pause', () => {
    const { driver } = afterFirstReminder();
    driver.apply({
      type: 'promise_made',
      at: MONDAY_0830 + HOUR,
      promiseId: 'pr',
      amountMinor: 1,
      dueDate: '2026-12-20',
      graceDays: 1,
    });
    driver.apply(plan(MONDAY_0830 + 2 * HOUR));
    expect(state(driver).pause).toBeUndefined();
    expect(driver.journey?.status).toBe('plan');
  });
});

describe('holds', () => {
  it('a hold cancels pending sends and stops the path with no timer; lifting it resumes', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({ type: 'hold_placed', at: MONDAY_0830 + HOUR, holdId: 'h1', kind: 'dispute' });
    expect(cancels(driver.last).map((c) => c.dispatchId)).toEqual([first.dispatchId]);
    expect(rules(driver.last)).toEqual(['cancel_sends reaction:hold', 'pause reaction:hold']);
    expect(driver.journey?.status).toBe('held');
    expect(driver.journey?.wakeAt).toBeUndefined();
    driver.apply({ type: 'hold_lifted', at: MONDAY_0830 + DAY, holdId: 'h1' });
    expect(rules(driver.last)).toEqual(['resume reaction:hold_lifted', 'wait step:wait']);
  });

  it('the case stays held until every hold is lifted', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.apply({ type: 'hold_placed', at: FRIDAY_10 + HOUR, holdId: 'h1', kind: 'dispute' });
    d.apply({ type: 'hold_placed', at: FRIDAY_10 + HOUR, holdId: 'h2', kind: 'insolvency' });
    d.apply({ type: 'hold_lifted', at: FRIDAY_10 + 2 * HOUR, holdId: 'h1' });
    expect(d.last).toEqual([]);
    expect(d.journey?.status).toBe('held');
  });

  it('a hold with an end date wakes the case when it ends', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    const endsAt = FRIDAY_10 + 60 * DAY;
    d.apply({
      type: 'hold_placed',
      at: FRIDAY_10 + HOUR,
      holdId: 'bs',
      kind: 'breathing_space',
      endsAt,
    });
    expect(d.journey?.wakeAt).toBe(endsAt);
    d.wake();
    expect(rules(d.last)[0]).toBe('resume reaction:hold_expired');
  });

  it('no message goes out during a hold even when the step timer was due', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.apply({ type: 'hold_placed', at: FRIDAY_10 + HOUR, holdId: 'h1', kind: 'cease_and_desist' });
    const result = wake(d.journey!, d.context(MONDAY_0830));
    expect(result.outputs).toEqual([]);
  });
});

describe('vulnerability', () => {
  it('a disclosure switches to the supportive path, creates an agent task and sends in a supportive tone', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({ type: 'vulnerability_flagged', at: MONDAY_0830 + HOUR, categories: ['health'] });
    expect(rules(driver.last)).toEqual([
      'cancel_sends reaction:vulnerability',
      'escalate reaction:vulnerability',
      'enter_path reaction:vulnerability',
      'wait step:wait',
    ]);
    expect(cancels(driver.last).map((c) => c.dispatchId)).toEqual([first.dispatchId]);
    expect(tasks(driver.last)[0]).toMatchObject({
      queue: 'vulnerability-review',
      priority: 1,
      dueAt: MONDAY_0830 + HOUR + DAY,
    });
    expect(state(driver).position?.pathId).toBe('supportive');
    driver.wake();
    expect(sends(driver.last)[0]).toMatchObject({
      channel: 'email',
      tone: 'supportive',
      purpose: 'support',
    });
  });

  it('a further disclosure does not create a second task', () => {
    const { driver } = afterFirstReminder();
    driver.apply({ type: 'vulnerability_flagged', at: MONDAY_0830 + HOUR, categories: ['health'] });
    driver.apply({
      type: 'vulnerability_flagged',
      at: MONDAY_0830 + 2 * HOUR,
      categories: ['life_event'],
    });
    expect(driver.last).toEqual([]);
    expect(state(driver).facts.vulnerabilities).toEqual(['health', 'life_event']);
  });

  it('a debtor known to be vulnerable at placement starts on the supportive path with a task', () => {
    const d = new CaseDriver();
    d.apply({ type: 'vulnerability_flagged', at: FRIDAY_10, categories: ['low_resilience'] });
    const outputs = d.place(FRIDAY_10);
    expect(rules(outputs)).toEqual([
      'enter_path segment:vulnerability',
      'escalate reaction:vulnerability',
      'wait step:wait',
    ]);
    expect(state(d).position?.pathId).toBe('supportive');
  });
});

describe('ending reactions', () => {
  it.each([
    ['case_resolved', 'resolved'],
    ['debtor_erased', 'erased'],
  ] as const)('%s cancels pending sends and ends with no timer', (type, reason) => {
    const { driver } = afterFirstReminder();
    driver.apply({ type, at: MONDAY_0830 + HOUR });
    expect(rules(driver.last)).toEqual([`cancel_sends reaction:${type}`, `end reaction:${type}`]);
    expect(driver.journey?.status).toBe('ended');
    expect(driver.journey?.wakeAt).toBeUndefined();
    expect(state(driver).endedReason).toBe(reason);
  });

  it('erasure forgets contact facts', () => {
    const { driver } = afterFirstReminder();
    driver.apply({ type: 'debtor_erased', at: MONDAY_0830 + HOUR });
    expect(state(driver).facts).toMatchObject({ channels: [], timeZones: [] });
    expect(state(driver).facts.language).toBeUndefined();
  });

  it('an ended journey makes no more decisions', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({ type: 'case_resolved', at: MONDAY_0830 + HOUR });
    const before = driver.outputs.length;
    driver.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 2 * HOUR,
      dispatchId: first.dispatchId,
      outcome: 'blocked',
    });
    driver.apply({ type: 'hold_placed', at: MONDAY_0830 + 2 * HOUR, holdId: 'h', kind: 'dispute' });
    driver.apply({ type: 'promise_broken', at: MONDAY_0830 + 2 * HOUR, promiseId: 'x' });
    expect(driver.outputs.slice(before)).toEqual([]);
    expect(driver.journey?.status).toBe('ended');
  });
});

describe('segments', () => {
  it('segment rules can use the score, whose inputs the enter_path decision shows', () => {
    const yaml = TEST_STRATEGY_YAML.replace(
      '  - id: default\n',
      '  - id: promising\n    when: { fact: score, gte: 60 }\n    path: supportive\n  - id: default\n',
    );
    const low = new CaseDriver(testStrategy(yaml));
    expect(decisions(low.place(FRIDAY_10))[0]).toMatchObject({ rule: 'segment:default' });
    const high = new CaseDriver(testStrategy(yaml));
    high.apply({
      type: 'payment',
      at: FRIDAY_10 - DAY,
      paymentId: 'p',
      amountMinor: 1_00,
      source: 'creditor',
    });
    const enter = decisions(high.place(FRIDAY_10))[0];
    expect(enter).toMatchObject({ rule: 'segment:promising', pathId: 'supportive' });
    expect(enter.score).toMatchObject({ score: 64, base: 50 });
    expect(enter.score?.contributions).toContainEqual({
      feature: 'payments_count',
      value: 1,
      weight: 15,
      points: 15,
    });
  });
});

describe('stages', () => {
  it('a late case is segmented into the late path at placement', () => {
    const d = new CaseDriver();
    const outputs = d.place(FRIDAY_10, { daysPastDue: 40 });
    expect(decisions(outputs)[0]).toMatchObject({ rule: 'segment:late', pathId: 'late-path' });
    expect(iso(d.journey?.wakeAt)).toBe('2026-12-07T08:00:00.000Z'); // 09:00 Madrid
  });

  it('crossing a stage boundary re-segments and moves the case to the new path', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10, { daysPastDue: 29 });
    expect(state(d).stageAt).toBe(FRIDAY_10 + 2 * DAY);
    d.wake(); // day 31 begins on Sunday, before Monday's 08:30 reminder
    expect(rules(d.last)).toEqual(['enter_path stage:late', 'wait step:wait']);
    expect(state(d).position?.pathId).toBe('late-path');
    expect(state(d).stage).toBe('late');
  });

  it('a stage change during a pause is applied when the case resumes', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10, { daysPastDue: 30 });
    d.apply({ type: 'hold_placed', at: FRIDAY_10 + HOUR, holdId: 'h', kind: 'dispute' });
    d.apply({ type: 'hold_lifted', at: FRIDAY_10 + 3 * DAY, holdId: 'h' });
    expect(rules(d.last)).toEqual([
      'resume reaction:hold_lifted',
      'enter_path stage:late',
      'wait step:wait',
    ]);
  });

  it('a stage change that keeps the same path changes nothing', () => {
    const yaml = TEST_STRATEGY_YAML.replace('in: [late, pre_legal]', 'in: [pre_legal]');
    const d = new CaseDriver(testStrategy(yaml));
    d.place(FRIDAY_10, { daysPastDue: 30 });
    const stageAt = state(d).stageAt!;
    const result = wake(d.journey!, d.context(stageAt));
    expect(result.outputs).toEqual([]);
    expect((result.journey as JourneyState).stage).toBe('late');
    expect((result.journey as JourneyState).stageAt).toBe(FRIDAY_10 + 61 * DAY);
  });
});

describe('champion / challenger', () => {
  const challenger = testStrategy(
    TEST_STRATEGY_YAML.replace('reminder.first', 'reminder.first_b'),
    'early-b',
    2,
  );

  it('assigns deterministically by assignArm and runs the assigned version', () => {
    const arms = ['case-1', 'case-2', 'case-3', 'case-4', 'case-5', 'case-6'].map((caseId) => {
      const d = new CaseDriver(testStrategy(), [challenger], 5000);
      const ctx = {
        ...d.context(FRIDAY_10),
        subject: { tenantId: TENANT, caseId, debtorId: DEBTOR_ID },
      };
      const result = applyEvent(
        undefined,
        {
          type: 'case_placed',
          at: FRIDAY_10,
          tenantId: TENANT,
          caseId,
          debtorId: DEBTOR_ID,
          balanceMinor: 100,
          currency: 'EUR',
          daysPastDue: 1,
          productTypes: [],
        },
        ctx,
      );
      const assigned = result.outputs[0];
      if (assigned.kind !== 'assigned') throw new Error('expected an assignment');
      expect(assigned.assignment.arm).toBe(assignArm(caseId, 'early@1', 5000));
      expect(assigned.assignment.champion).toEqual({ strategyId: 'early', version: 1 });
      const expected =
        assigned.assignment.arm === 'challenger'
          ? { strategyId: 'early-b', version: 2 }
          : { strategyId: 'early', version: 1 };
      expect(assigned.assignment.strategy).toEqual(expected);
      expect(decisions(result.outputs)[0]).toMatchObject({
        ...expected,
        arm: assigned.assignment.arm,
      });
      return assigned.assignment.arm;
    });
    expect(new Set(arms)).toEqual(new Set(['champion', 'challenger']));
  });

  it('a case keeps its version even after another becomes active', () => {
    const d = new CaseDriver(testStrategy(), [challenger]);
    d.place(FRIDAY_10);
    const later = { ...d.context(MONDAY_0830), active: { champion: challenger } };
    const result = wake(d.journey!, later);
    expect(sends(result.outputs)[0].templateKey).toBe('reminder.first');
  });

  it('a journey whose version is not available is an error, not a silent restart', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    const ctx = { ...d.context(MONDAY_0830), version: () => undefined };
    expect(() => wake(d.journey!, ctx)).toThrow(UnknownStrategyVersionError);
  });
});

describe('determinism and state', () => {
  function scenario(roundTrip: boolean) {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    d.wake();
    const first = sends(d.last)[0];
    d.apply({
      type: 'message_outcome',
      at: MONDAY_0830 + 1000,
      dispatchId: first.dispatchId,
      outcome: 'failed',
      permanent: true,
    });
    if (roundTrip) d.journey = JSON.parse(JSON.stringify(d.journey));
    d.apply({
      type: 'payment',
      at: MONDAY_0830 + HOUR,
      paymentId: 'p',
      amountMinor: 10_00,
      source: 'clement',
    });
    if (roundTrip) d.journey = JSON.parse(JSON.stringify(d.journey));
    d.wake();
    d.wake();
    return { outputs: d.outputs, journey: d.journey };
  }

  it('the same inputs give the same outputs and ids', () => {
    expect(scenario(false)).toEqual(scenario(false));
  });

  it('a journey round-tripped through JSON mid-path behaves the same', () => {
    expect(scenario(true)).toEqual(scenario(false));
  });

  it('every decision has a distinct id and seq counts them', () => {
    const { outputs, journey } = scenario(false);
    const ids = decisions(outputs).map((d) => d.decisionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(journey?.seq).toBe(ids.length);
  });

  it('applyEvent does not mutate the journey it is given', () => {
    const d = new CaseDriver();
    d.place(FRIDAY_10);
    const snapshot = JSON.stringify(d.journey);
    applyEvent(
      d.journey,
      { type: 'payment', at: FRIDAY_10 + HOUR, paymentId: 'p', amountMinor: 1, source: 'clement' },
      d.context(FRIDAY_10 + HOUR),
    );
    expect(JSON.stringify(d.journey)).toBe(snapshot);
  });

  it('decisions name the trigger event and the strategy version, segment, path and step', () => {
    const { driver, first } = afterFirstReminder();
    driver.apply({
      type: 'message_outcome',
      eventId: 'evt-9',
      at: MONDAY_0830 + 1000,
      dispatchId: first.dispatchId,
      outcome: 'blocked',
    });
    expect(decisions(driver.last)[0]).toMatchObject({
      strategyId: 'early',
      version: 1,
      arm: 'champion',
      segmentId: 'default',
      pathId: 'early-digital',
      stepId: 'first-reminder',
      triggerEventId: 'evt-9',
      decidedAt: MONDAY_0830 + 1000,
    });
  });
});
