import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  caseV1,
  ContactChannel,
  HoldKind,
  paymentV1,
  strategyV1,
  topicCatalogue,
  VulnerabilityCategory,
} from '@clement/contracts';
import { DeadLetterHeader, readTopicToEnd } from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { IT_STRATEGY_YAML, placementRecords } from './__fixtures__/it-strategy';
import {
  activateStrategy,
  startStrategyService,
  type StrategyServiceHarness,
  testJwtSecret,
} from './__fixtures__/strategy-service-harness';
import { StrategyTestPlatform } from './__fixtures__/strategy-platform';
import { VirtualClock } from '@clement/testing';

const at = (iso: string): number => new Date(iso).getTime();
// Europe/Madrid is UTC+1 in December: Friday 22:00 local is 21:00Z, Monday 08:30 is 07:30Z.
const FRIDAY_22_00_MADRID = at('2026-12-04T21:00:00Z');
const MONDAY_08_30_MADRID = at('2026-12-07T07:30:00Z');

describe('strategy-service (real Kafka and PostgreSQL, virtual clock)', () => {
  const schema = uniqueName('strategy_it');
  const jwtSecret = testJwtSecret();
  const clock = new VirtualClock(FRIDAY_22_00_MADRID);
  const platform = new StrategyTestPlatform();
  let service: StrategyServiceHarness;
  let version: number;

  const start = () =>
    startStrategyService({ schema, jwtSecret, overrides: { clock: clock.clock } });

  async function journey(caseId: string, tenant = platform.tenant) {
    const rows = (await service.dataSource.query(
      `SELECT j."status", j."version", j."state", t."due_at"
       FROM "${schema}"."journeys" j
       LEFT JOIN "${schema}"."timers" t USING ("tenant_id", "case_id")
       WHERE j."tenant_id" = $1 AND j."case_id" = $2`,
      [tenant, caseId],
    )) as { status: string; version: number; state: { wakeAt?: number }; due_at: Date | null }[];
    return rows[0];
  }

  async function place(debtorId: string, caseId: string) {
    await platform.publishAll(placementRecords(platform, debtorId, caseId, clock.now));
    return eventually(
      async () => {
        const row = await journey(caseId);
        expect(row?.status).toBe('waiting');
        expect(row.due_at).not.toBeNull();
        return row;
      },
      { timeoutMs: 30_000 },
    );
  }

  /** Several poll rounds pass (the poller runs every 50 ms) without the expected command. */
  async function quietFor(ms: number) {
    await sleep(ms);
  }

  beforeAll(async () => {
    await platform.start();
    service = await start();
    version = await activateStrategy(service, platform.tenant, 'it-early', IT_STRATEGY_YAML);
  });

  afterAll(async () => {
    await service?.close();
    await platform.stop();
  });

  it('sends the first message at 08:30 local on the next contact day, with its decision', async () => {
    const placed = await place('debtor-a', 'case-a');
    // Friday 22:00 in Madrid: the weekend is not a contact day, so Monday 08:30 Madrid.
    expect(placed.due_at?.getTime()).toBe(MONDAY_08_30_MADRID);
    expect(placed.state.wakeAt).toBe(MONDAY_08_30_MADRID);

    clock.set(MONDAY_08_30_MADRID - 1_000);
    await quietFor(600);
    expect(platform.sends('case-a')).toEqual([]);

    clock.set(MONDAY_08_30_MADRID);
    const [send] = await eventually(() => {
      const sends = platform.sends('case-a');
      expect(sends).toHaveLength(1);
      return sends;
    });
    expect(send).toMatchObject({
      caseId: 'case-a',
      debtorId: 'debtor-a',
      channel: ContactChannel.SMS,
      templateKey: 'reminder.first',
    });
    expect(send.dispatchId).not.toBe('');
    // Staff see where the case is: the step after the send, waiting, the message pending.
    const auditor = await service.token(platform.tenant, ['auditor']);
    const view = await eventually(async () => {
      const response = await fetch(`${service.baseUrl}/v1/cases/case-a/journey`, {
        headers: { authorization: `Bearer ${auditor}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        status: string;
        strategy: { strategyId: string; version: number; arm: string };
        stepId: string;
        nextWakeAt: string;
        pendingMessages: { dispatchId: string; channel: string }[];
      };
      expect(body.pendingMessages.map((message) => message.dispatchId)).toContain(send.dispatchId);
      return body;
    });
    expect(view).toMatchObject({
      status: 'waiting',
      strategy: { strategyId: 'it-early', version, arm: 'champion' },
      stepId: 'await-response',
      nextWakeAt: new Date(MONDAY_08_30_MADRID + 2 * 86_400_000).toISOString(),
    });
    const otherTenant = await service.token('another-tenant', ['auditor']);
    const hidden = await fetch(`${service.baseUrl}/v1/cases/case-a/journey`, {
      headers: { authorization: `Bearer ${otherTenant}` },
    });
    expect(hidden.status).toBe(404);
    expect(send.validity?.caseStatuses.length).toBeGreaterThan(0);
    const decision = await eventually(() => {
      const found = platform.decisions('case-a').find((d) => d.decisionId === send.decisionId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(decision).toMatchObject({
      strategyId: 'it-early',
      version,
      segmentId: 'default',
      pathId: 'early-digital',
      stepId: 'first-reminder',
      action: strategyV1.DecisionAction.SEND,
      dispatchIds: [send.dispatchId],
    });
    expect(decision.rule).not.toBe('');
    expect(platform.commandKeys().every((key) => key?.startsWith(`${platform.tenant}:`))).toBe(
      true,
    );
  });

  it('cancels the pending reminder when a payment arrives', async () => {
    const [send] = platform.sends('case-a');
    expect(platform.cancels()).toEqual([]);
    await platform.publishAll([
      platform.record(
        topicCatalogue.paymentEvents.name,
        'debtor-a',
        paymentV1.PaymentSucceededSchema,
        {
          paymentId: 'pay-a',
          caseId: 'case-a',
          debtorId: 'debtor-a',
          amount: { amountMinor: 5_000n, currency: 'EUR' },
          paidAt: timestampFromMs(clock.now),
        },
      ),
    ]);
    const cancel = await eventually(() => {
      const found = platform.cancels().find((c) => c.dispatchId === send.dispatchId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(cancel.requestedBy?.id).toBe('strategy-service');
    expect(
      platform.decisions('case-a').some((d) => d.action === strategyV1.DecisionAction.CANCEL_SENDS),
    ).toBe(true);
  });

  it('pauses on a promise and resumes when it is broken', async () => {
    clock.set(at('2026-12-07T12:00:00Z'));
    const placed = await place('debtor-b', 'case-b');
    const tuesday0830 = at('2026-12-08T07:30:00Z');
    expect(placed.due_at?.getTime()).toBe(tuesday0830);
    clock.set(tuesday0830);
    await eventually(() => expect(platform.sends('case-b')).toHaveLength(1));

    await platform.publishAll([
      platform.record(topicCatalogue.paymentEvents.name, 'debtor-b', paymentV1.PromiseMadeSchema, {
        promiseId: 'promise-b',
        caseId: 'case-b',
        debtorId: 'debtor-b',
        amount: { amountMinor: 42_000n, currency: 'EUR' },
        dueDate: '2026-12-11',
        graceDays: 2,
      }),
    ]);
    await eventually(async () => expect((await journey('case-b')).status).toBe('paused'));
    // Past the two-day wait that would have sent the second reminder.
    clock.set(at('2026-12-10T09:00:00Z'));
    await quietFor(800);
    expect(platform.sends('case-b')).toHaveLength(1);

    await platform.publishAll([
      platform.record(
        topicCatalogue.paymentEvents.name,
        'debtor-b',
        paymentV1.PromiseBrokenSchema,
        {
          promiseId: 'promise-b',
          caseId: 'case-b',
          debtorId: 'debtor-b',
          brokenAt: timestampFromMs(clock.now),
        },
      ),
    ]);
    // Resumed: the path picks up its current step again (the wait restarts from now).
    const resumed = await eventually(async () => {
      const row = await journey('case-b');
      expect(row.status).toBe('waiting');
      expect(
        platform.decisions('case-b').some((d) => d.action === strategyV1.DecisionAction.RESUME),
      ).toBe(true);
      return row;
    });
    expect(resumed.due_at?.getTime()).toBeGreaterThan(clock.now);
    clock.set(resumed.due_at!.getTime());
    const sends = await eventually(() => {
      const found = platform.sends('case-b');
      expect(found).toHaveLength(2);
      return found;
    });
    expect(sends[1].templateKey).toBe('reminder.second');
  });

  it('stops on a hold: no further commands and no timer', async () => {
    clock.set(at('2026-12-15T09:00:00Z'));
    const placed = await place('debtor-c', 'case-c');
    expect(placed.due_at?.getTime()).toBe(at('2026-12-16T07:30:00Z'));
    await platform.publishAll([
      platform.record(topicCatalogue.caseEvents.name, 'debtor-c', caseV1.HoldPlacedSchema, {
        caseId: 'case-c',
        debtorId: 'debtor-c',
        holdId: 'hold-c',
        kind: HoldKind.DISPUTE,
        startsAt: timestampFromMs(clock.now),
      }),
    ]);
    const held = await eventually(async () => {
      const row = await journey('case-c');
      expect(row.status).toBe('held');
      return row;
    });
    expect(held.due_at).toBeNull();
    clock.set(at('2026-12-16T10:00:00Z'));
    await quietFor(800);
    expect(platform.sends('case-c')).toEqual([]);
  });

  it('hands a vulnerable debtor to an agent and moves on when the agent completes the task', async () => {
    await place('debtor-v', 'case-v');
    await platform.publishAll([
      platform.record(
        topicCatalogue.caseEvents.name,
        'debtor-v',
        caseV1.VulnerabilityFlaggedSchema,
        {
          debtorId: 'debtor-v',
          categories: [VulnerabilityCategory.HEALTH],
        },
      ),
    ]);
    const agent = { authorization: `Bearer ${await service.token(platform.tenant, ['agent'])}` };
    const task = await eventually(
      async () => {
        const response = await fetch(
          `${service.baseUrl}/v1/tasks?status=open&queue=vulnerability-review`,
          { headers: agent },
        );
        const { items } = (await response.json()) as {
          items: { taskId: string; caseId: string; reason: string; decisionId: string }[];
        };
        const found = items.find((item) => item.caseId === 'case-v');
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 30_000 },
    );
    expect(task.reason).toBe('vulnerability_disclosed');
    // The switch to the supportive path is a decision of its own, and the task names one. The
    // task row is committed with the decisions, which reach Kafka a moment later (the relay).
    await eventually(() => {
      const decisions = platform.decisions('case-v');
      expect(
        decisions.find(
          (d) => d.pathId === 'supportive' && d.action === strategyV1.DecisionAction.ENTER_PATH,
        ),
      ).toBeDefined();
      expect(decisions.map((d) => d.decisionId)).toContain(task.decisionId);
    });
    expect((await journey('case-v')).status).toBe('paused');

    const post = (path: string, body?: object) =>
      fetch(`${service.baseUrl}/v1/tasks/${task.taskId}/${path}`, {
        method: 'POST',
        headers: { ...agent, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    expect((await post('claim')).status).toBe(200);
    expect((await post('complete', { outcome: 'referred_to_advice' })).status).toBe(200);
    // AgentTaskCompleted goes out on the service's own topic and comes back as the engine event.
    await eventually(async () => expect((await journey('case-v')).status).toBe('ended'), {
      timeoutMs: 30_000,
    });
    expect(platform.sends('case-v')).toEqual([]);
  });

  it('starts the cases placed before any strategy was active once one is activated', async () => {
    const newcomer = new StrategyTestPlatform();
    await newcomer.start();
    try {
      await newcomer.publishAll(placementRecords(newcomer, 'debtor-n', 'case-n', clock.now));
      await eventually(
        async () => expect((await journey('case-n', newcomer.tenant))?.status).toBe('unassigned'),
        { timeoutMs: 30_000 },
      );
      expect(newcomer.decisions('case-n')).toEqual([]);

      const activated = await activateStrategy(
        service,
        newcomer.tenant,
        'it-early',
        IT_STRATEGY_YAML,
      );
      const row = await eventually(
        async () => {
          const found = await journey('case-n', newcomer.tenant);
          expect(found.status).toBe('waiting');
          return found;
        },
        { timeoutMs: 30_000 },
      );
      expect(row.version).toBe(activated);
      await eventually(() =>
        expect(newcomer.decisions('case-n').map((d) => d.action)).toEqual([
          strategyV1.DecisionAction.ENTER_PATH,
          strategyV1.DecisionAction.WAIT,
        ]),
      );
    } finally {
      await newcomer.stop();
    }
  });

  it('dead-letters an event that breaks its contract, with the reason', async () => {
    const record = platform.record(
      topicCatalogue.caseEvents.name,
      'debtor-x',
      caseV1.CasePlacedSchema,
      // No case id: the engine cannot tell which journey it is about.
      { debtorId: 'debtor-x', totalBalance: { amountMinor: 1_000n, currency: 'EUR' } },
    );
    await platform.publishAll([record]);
    const letter = await eventually(
      async () => {
        const letters = await readTopicToEnd(
          platform.kafka,
          `${topicCatalogue.caseEvents.name}.dlq`,
        );
        const found = letters.find((l) => l.headers['ce_id'] === record.headers['ce_id']);
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(letter.headers[DeadLetterHeader.consumerGroup]).toBe('strategy-service.journeys');
    expect(letter.headers[DeadLetterHeader.reason]).toContain('case_id');
    expect(await journey('')).toBeUndefined();
  });

  it('fires a timer once across a restart in the middle of the wait', async () => {
    // Friday 10:00 in Madrid: the next 08:30 on a contact day is Monday's.
    clock.set(at('2026-12-18T09:00:00Z'));
    const placed = await place('debtor-d', 'case-d');
    const monday0830 = at('2026-12-21T07:30:00Z');
    expect(placed.due_at?.getTime()).toBe(monday0830);

    await service.close();
    service = await start();
    clock.set(monday0830 + 60_000);
    await eventually(() => expect(platform.sends('case-d')).toHaveLength(1), { timeoutMs: 30_000 });
    await quietFor(1_000);
    expect(platform.sends('case-d')).toHaveLength(1);
    const firstReminders = platform
      .decisions('case-d')
      .filter((d) => d.stepId === 'first-reminder' && d.action === strategyV1.DecisionAction.SEND);
    expect(firstReminders).toHaveLength(1);
    expect((await journey('case-d')).due_at?.getTime()).toBeGreaterThan(clock.now);
  });
});
