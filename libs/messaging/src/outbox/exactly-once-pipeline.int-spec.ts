import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { create } from '@bufbuild/protobuf';
import { ProbeEmittedSchema } from '@clement/contracts';
import { eventually } from '@clement/testing';
import type { DataSource } from 'typeorm';
import { killProcess, startFixtureProcess } from '../__fixtures__/child-process';
import {
  createTestTopics,
  prepareSchema,
  testDataSource,
  testKafka,
  testTopic,
  uniqueSuffix,
} from '../__fixtures__/pipeline-fixture';
import { Outbox, pendingEvent } from './outbox';

const EVENTS = 10_000;
const KEYS = 500;
const WRITERS = 4;

/**
 * Acceptance: 10,000 events for 500 keys go outbox → relay → Kafka → idempotent consumer while
 * the relay and the consumer are each SIGKILLed mid-stream and restarted; every event is applied
 * exactly once and, per key, in the order written.
 */
describe('outbox → relay → Kafka → inbox consumer, with crashes', () => {
  const suffix = uniqueSuffix();
  const schema = `crash_${suffix}`;
  const topic = testTopic(`test.internal.crash-${suffix}.v1`);
  const env = { TEST_SCHEMA: schema, TEST_TOPIC: topic.name, TEST_GROUP: `crash-test-${suffix}` };
  const children = new Set<ChildProcess>();
  let dataSource: DataSource;

  const start = async (script: string) => {
    const child = await startFixtureProcess(script, env);
    children.add(child);
    return child;
  };
  const kill = async (child: ChildProcess) => {
    await killProcess(child);
    children.delete(child);
  };
  const appliedAtLeast = (n: number) =>
    eventually(
      async () =>
        expect(await count(`SELECT count(*) AS n FROM "${schema}"."applied"`)).toBeGreaterThan(n),
      {
        timeoutMs: 60_000,
      },
    );
  const count = async (sql: string) =>
    Number(((await dataSource.query(sql)) as { n: string }[])[0].n);

  beforeAll(async () => {
    const kafka = testKafka();
    await createTestTopics(kafka, topic);
    await prepareSchema(schema);
    dataSource = testDataSource(schema, WRITERS + 2);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await Promise.all([...children].map((child) => killProcess(child, 'SIGTERM')));
    await dataSource?.destroy();
  });

  it('applies every event exactly once and in order per key', async () => {
    const outbox = new Outbox({ schema, source: '/clement/crash-test' });
    let relay = await start('relay-process.ts');
    let consumer = await start('consumer-process.ts');

    // Keys are split between writers so "the order written" is well defined per key, while
    // concurrent transactions exercise the relay's commit-order rule.
    const expected: string[] = [];
    const nextSequence = new Map<string, number>();
    let written = 0;
    const writer = async (writerIndex: number) => {
      const keys = Array.from(
        { length: KEYS / WRITERS },
        (_, i) => `tenant-a:debtor-${i * WRITERS + writerIndex}`,
      );
      let remaining = EVENTS / WRITERS;
      let turn = 0;
      while (remaining > 0) {
        const size = Math.min(remaining, 1 + ((turn * 7 + writerIndex) % 10));
        const events = Array.from({ length: size }, (_, i) => {
          const key = keys[(turn * 13 + i * 31) % keys.length];
          const sequence = (nextSequence.get(key) ?? 0) + 1;
          nextSequence.set(key, sequence);
          expected.push(`${key}:${sequence}`);
          return pendingEvent(
            topic,
            ProbeEmittedSchema,
            create(ProbeEmittedSchema, { probeId: key, sequence: BigInt(sequence) }),
            {
              tenantId: 'tenant-a',
              partitionKey: key,
            },
          );
        });
        await dataSource.transaction((manager) => outbox.appendAll(manager, events));
        written += size;
        remaining -= size;
        turn++;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));

    // Killed while the writers still have most of their events to write, so rows reach the
    // outbox while the relay is down whatever the relative speeds (a slow consumer once let the
    // writers finish, and the relay drain everything, before a threshold on applied events).
    await eventually(() => expect(written).toBeGreaterThanOrEqual(EVENTS * 0.3), {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
    await kill(relay);
    // The relay may have been idle between two writes when it died; what matters is that rows
    // pile up while it is down and are relayed by its successor, so wait for some to arrive.
    await eventually(
      async () =>
        expect(await count(`SELECT count(*) AS n FROM "${schema}"."outbox"`)).toBeGreaterThan(0),
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    relay = await start('relay-process.ts');

    await appliedAtLeast(4_500);
    await kill(consumer);
    const appliedAtConsumerKill = await count(`SELECT count(*) AS n FROM "${schema}"."applied"`);
    consumer = await start('consumer-process.ts');

    await writing;
    await eventually(
      async () =>
        expect(await count(`SELECT count(*) AS n FROM "${schema}"."applied"`)).toBe(EVENTS),
      {
        timeoutMs: 120_000,
        intervalMs: 250,
      },
    );
    // The consumer died with work still in flight.
    expect(appliedAtConsumerKill).toBeLessThan(EVENTS);

    // Let any redelivery that is still coming arrive before checking nothing was applied twice.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await count(`SELECT count(*) AS n FROM "${schema}"."applied"`)).toBe(EVENTS);
    expect(await count(`SELECT count(DISTINCT "event_id") AS n FROM "${schema}"."applied"`)).toBe(
      EVENTS,
    );
    expect(await count(`SELECT count(*) AS n FROM "${schema}"."outbox"`)).toBe(0);

    const [{ checksum }] = (await dataSource.query(
      `SELECT md5(string_agg("key" || ':' || "sequence", ',' ORDER BY "key" COLLATE "C", "sequence")) AS checksum FROM "${schema}"."applied"`,
    )) as { checksum: string }[];
    const expectedChecksum = createHash('md5')
      .update([...expected].sort(compareKeyAndSequence).join(','))
      .digest('hex');
    expect(checksum).toBe(expectedChecksum);

    // Per key, the n-th applied event (by application order) is the n-th written.
    const outOfOrder = await count(`
      SELECT count(*) AS n FROM (
        SELECT "sequence", row_number() OVER (PARTITION BY "key" ORDER BY "id") AS position
        FROM "${schema}"."applied"
      ) applied_in_order WHERE "sequence" <> position`);
    expect(outOfOrder).toBe(0);
  });
});

/** The order of ORDER BY key COLLATE "C", sequence: byte order of keys, numeric sequences. */
function compareKeyAndSequence(a: string, b: string): number {
  const split = (value: string) => {
    const at = value.lastIndexOf(':');
    return [value.slice(0, at), Number(value.slice(at + 1))] as const;
  };
  const [keyA, seqA] = split(a);
  const [keyB, seqB] = split(b);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : seqA - seqB;
}
