import { create, type DescMessage } from '@bufbuild/protobuf';
import { MoneySchema } from './gen/clement/common/v1/money_pb';
import { ProbeEmittedSchema } from './gen/clement/platform/v1/probe_pb';
import { schemaForType } from './registry';
import {
  DAY_MS,
  DLQ_RETENTION_MS,
  DLQ_SUFFIX,
  TOPIC_NAME_PATTERN,
  allTopicDefinitions,
  defineTopic,
  dlqTopicOf,
  findTopic,
  schemaForMessage,
  topicCatalogue,
  type CatalogueTopicName,
  type EventTypeOf,
  type MessageOf,
  type TopicDefinition,
} from './topics';

const catalogued: readonly TopicDefinition[] = Object.values(topicCatalogue);
const probes = topicCatalogue.platformProbes;

describe('topicCatalogue', () => {
  it('keys every topic by a camelCase id', () => {
    for (const id of Object.keys(topicCatalogue)) {
      expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    }
  });

  it('names every topic <domain>.<visibility>.<entity>.v<N>', () => {
    for (const topic of catalogued) {
      expect(topic.name).toMatch(TOPIC_NAME_PATTERN);
    }
  });

  it('declares the probe topic with its partitions, retention and schema', () => {
    expect(probes).toEqual({
      name: 'platform.internal.probes.v1',
      partitions: 6,
      retentionMs: DAY_MS,
      cleanupPolicy: 'delete',
      acceptsJson: false,
      description: expect.any(String) as string,
      messages: [ProbeEmittedSchema],
    });
  });

  it('resolves every message type of every topic in the registry', () => {
    for (const topic of allTopicDefinitions()) {
      for (const schema of topic.messages) {
        expect(schemaForType(schema.typeName)).toBe(schema);
      }
    }
  });
});

describe('allTopicDefinitions', () => {
  const all = allTopicDefinitions();

  it('lists each catalogued topic followed by its dead-letter twin', () => {
    expect(all.map((topic) => topic.name)).toEqual(
      catalogued.flatMap((topic) => [topic.name, `${topic.name}.dlq`]),
    );
  });

  it('gives every dead-letter twin the same partitions and messages and its own retention', () => {
    for (const topic of catalogued) {
      const twin = findTopic(dlqTopicOf(topic.name));
      expect(twin).toMatchObject({
        partitions: topic.partitions,
        retentionMs: DLQ_RETENTION_MS,
        cleanupPolicy: 'delete',
        acceptsJson: topic.acceptsJson,
        messages: topic.messages,
      });
    }
  });

  it('declares no topic name twice', () => {
    const names = all.map((topic) => topic.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('declares nothing but catalogued topics and their twins', () => {
    for (const topic of all) {
      const base = topic.name.endsWith(DLQ_SUFFIX)
        ? topic.name.slice(0, -DLQ_SUFFIX.length)
        : topic.name;
      expect(base).toMatch(TOPIC_NAME_PATTERN);
    }
  });
});

describe('findTopic', () => {
  it('finds catalogued topics and dead-letter twins by name', () => {
    expect(findTopic('platform.internal.probes.v1')).toBe(probes);
    expect(findTopic('platform.internal.probes.v1.dlq')?.retentionMs).toBe(DLQ_RETENTION_MS);
  });

  it('returns undefined for an unknown topic', () => {
    expect(findTopic('platform.internal.unknown.v1')).toBeUndefined();
  });
});

describe('dlqTopicOf', () => {
  it('appends .dlq', () => {
    const twin: 'platform.internal.probes.v1.dlq' = dlqTopicOf('platform.internal.probes.v1');
    expect(twin).toBe('platform.internal.probes.v1.dlq');
  });

  it('refuses to dead-letter a dead-letter topic', () => {
    expect(() => dlqTopicOf('platform.internal.probes.v1.dlq')).toThrow(
      'platform.internal.probes.v1.dlq is already a dead-letter topic',
    );
  });
});

describe('defineTopic', () => {
  const valid = {
    name: 'test.inbound.things.v2',
    partitions: 3,
    retentionMs: 7 * DAY_MS,
    description: 'Things integrators send.',
    messages: [ProbeEmittedSchema],
  } as const;

  it('accepts JSON on inbound topics unless told otherwise', () => {
    expect(defineTopic(valid).acceptsJson).toBe(true);
    expect(defineTopic({ ...valid, acceptsJson: false }).acceptsJson).toBe(false);
    expect(defineTopic({ ...valid, name: 'test.internal.things.v2' }).acceptsJson).toBe(false);
  });

  it('defaults the cleanup policy to delete', () => {
    expect(defineTopic(valid).cleanupPolicy).toBe('delete');
    expect(defineTopic({ ...valid, cleanupPolicy: 'compact' }).cleanupPolicy).toBe('compact');
  });

  it('returns a frozen definition', () => {
    expect(Object.isFrozen(defineTopic(valid))).toBe(true);
  });

  it('rejects names the type allows but the convention does not', () => {
    expect(() => defineTopic({ ...valid, name: 'Test.inbound.Things.v2' })).toThrow(
      'invalid topic Test.inbound.Things.v2: name must match',
    );
    expect(() => defineTopic({ ...valid, name: 'test.inbound.things.v0' })).toThrow(
      'name must match',
    );
  });

  it('rejects impossible partitions and retention', () => {
    expect(() => defineTopic({ ...valid, partitions: 0 })).toThrow(
      'partitions must be a positive integer, got 0',
    );
    expect(() => defineTopic({ ...valid, retentionMs: 1.5 })).toThrow(
      'retentionMs must be a positive integer or RETAIN_FOREVER, got 1.5',
    );
    expect(defineTopic({ ...valid, retentionMs: -1 }).retentionMs).toBe(-1);
  });

  it('rejects an empty description and repeated schemas', () => {
    expect(() => defineTopic({ ...valid, description: ' ' })).toThrow(
      'description must not be empty',
    );
    expect(() =>
      defineTopic({ ...valid, messages: [ProbeEmittedSchema, ProbeEmittedSchema] }),
    ).toThrow('messages lists clement.platform.v1.ProbeEmitted more than once');
  });
});

// These tests are also compile-time tests: `tsc -p tsconfig.json` fails when a
// `@ts-expect-error` line stops being an error, i.e. when the type safety is lost.
describe('type safety', () => {
  const probe = create(ProbeEmittedSchema, { probeId: 'probe-1', sequence: 1n });
  const money = create(MoneySchema, { amountMinor: 1250n, currency: 'EUR' });

  it('gives the schema to encode an allowed message with', () => {
    const allowed: MessageOf<typeof probes> = probe;
    expect(schemaForMessage(probes, allowed)).toBe(ProbeEmittedSchema);
  });

  it('does not compile, and throws, when a message is published on the wrong topic', () => {
    const publishMoneyAsProbe = () =>
      // @ts-expect-error Money is not a message type of platform.internal.probes.v1
      schemaForMessage(probes, money);
    expect(publishMoneyAsProbe).toThrow(
      'clement.common.v1.Money is not a message type of topic platform.internal.probes.v1',
    );
  });

  it('does not let a wrong payload pass as a topic message', () => {
    // @ts-expect-error Money is not assignable to the probe topic's message union
    const wrong: MessageOf<typeof probes> = money;
    expect(wrong.$typeName).toBe('clement.common.v1.Money');
  });

  it('narrows event types and topic names to literals', () => {
    const eventType: EventTypeOf<typeof probes> = 'clement.platform.v1.ProbeEmitted';
    // @ts-expect-error only the topic's protobuf full names are event types of the topic
    const wrongType: EventTypeOf<typeof probes> = 'clement.common.v1.Money';
    const name: CatalogueTopicName = 'platform.internal.probes.v1';
    expect([eventType, wrongType, name]).toHaveLength(3);
  });

  it('does not compile a topic name without visibility and version', () => {
    const misnamed = () =>
      defineTopic({
        // @ts-expect-error names follow <domain>.<internal|inbound|outbound>.<entity>.v<N>
        name: 'platform.private.probes',
        partitions: 1,
        retentionMs: DAY_MS,
        description: 'Misnamed.',
        messages: [ProbeEmittedSchema],
      });
    expect(misnamed).toThrow('name must match');
  });

  it('does not compile a topic without message types', () => {
    const empty: readonly DescMessage[] = [];
    const withoutMessages = () =>
      defineTopic({
        name: 'platform.internal.empty.v1',
        partitions: 1,
        retentionMs: DAY_MS,
        description: 'No messages.',
        // @ts-expect-error a topic allows at least one message type
        messages: empty,
      });
    expect(withoutMessages).toThrow('messages must list at least one schema');
  });
});
