import { strategyV1 } from '@clement/contracts';
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

const CASES = 2_000;
// Friday 22:00 in Madrid; every case waits for Monday 08:30 Madrid (07:30Z).
const FRIDAY_22_00_MADRID = new Date('2026-12-04T21:00:00Z').getTime();
const MONDAY_08_30_MADRID = new Date('2026-12-07T07:30:00Z').getTime();

describe('two strategy-service instances on one schema (acceptance 3)', () => {
  const schema = uniqueName('strategy_pair');
  const jwtSecret = testJwtSecret();
  const clock = new VirtualClock(FRIDAY_22_00_MADRID);
  const platform = new StrategyTestPlatform();
  const instances: StrategyServiceHarness[] = [];

  beforeAll(async () => {
    await platform.start();
    // Small batches, so both instances are claiming at the same time.
    const env = { TIMER_BATCH_SIZE: '50', TIMER_POLL_INTERVAL_MS: '20' };
    instances.push(
      await startStrategyService({ schema, jwtSecret, env, overrides: { clock: clock.clock } }),
    );
    instances.push(
      await startStrategyService({ schema, jwtSecret, env, overrides: { clock: clock.clock } }),
    );
    await activateStrategy(instances[0], platform.tenant, 'it-early', IT_STRATEGY_YAML);
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await platform.stop();
  });

  it('fires each of 2,000 due timers exactly once, both instances sharing the work', async () => {
    const ids = Array.from({ length: CASES }, (_, i) => String(i).padStart(5, '0'));
    await platform.publishAll(
      ids.flatMap((id) => placementRecords(platform, `debtor-${id}`, `case-${id}`, clock.now)),
    );
    const db = instances[0].dataSource;
    const pending = async () =>
      Number(
        (
          (await db.query(`SELECT count(*) AS n FROM "${schema}"."timers" WHERE "due_at" = $1`, [
            new Date(MONDAY_08_30_MADRID),
          ])) as { n: string }[]
        )[0].n,
      );
    await eventually(async () => expect(await pending()).toBe(CASES), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    expect(platform.sends()).toEqual([]);

    clock.set(MONDAY_08_30_MADRID);
    await eventually(() => expect(platform.sends()).toHaveLength(CASES), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    // Late duplicates would show up in the meantime.
    await sleep(2_000);
    const sends = platform.sends();
    expect(sends).toHaveLength(CASES);
    expect(new Set(sends.map((s) => s.dispatchId)).size).toBe(CASES);
    expect(new Set(sends.map((s) => s.caseId)).size).toBe(CASES);
    const sendDecisions = platform
      .decisions()
      .filter((d) => d.action === strategyV1.DecisionAction.SEND);
    expect(sendDecisions).toHaveLength(CASES);
    expect(new Set(sendDecisions.map((d) => d.caseId)).size).toBe(CASES);

    // In PostgreSQL: every journey moved on once, to the two-day wait, and no due timer is left.
    expect(await pending()).toBe(0);
    const rows = (await db.query(
      `SELECT j."state"->'position'->>'stepId' AS step, count(*) AS n, min(t."due_at") AS next
       FROM "${schema}"."journeys" j JOIN "${schema}"."timers" t USING ("tenant_id", "case_id")
       WHERE j."tenant_id" = $1 GROUP BY 1`,
      [platform.tenant],
    )) as { step: string; n: string; next: Date }[];
    expect(rows.map((r) => [r.step, Number(r.n)])).toEqual([['await-response', CASES]]);
    expect(rows[0].next.getTime()).toBeGreaterThan(MONDAY_08_30_MADRID);

    const fired = instances.map((instance) => instance.timers.fired);
    expect(fired[0] + fired[1]).toBe(CASES);
    expect(fired[0]).toBeGreaterThan(0);
    expect(fired[1]).toBeGreaterThan(0);
  });
});
