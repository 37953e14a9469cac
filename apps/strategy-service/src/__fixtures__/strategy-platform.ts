import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  allTopicDefinitions,
  type dispatchV1,
  type strategyV1,
  topicCatalogue,
} from '@clement/contracts';
import {
  createKafkajsPort,
  decodeRecord,
  eventRecord,
  type KafkaPort,
  type OutgoingRecord,
  provisionTopics,
  type RecordConsumer,
} from '@clement/messaging';
import { requiredEnv, uniqueName } from '@clement/testing';

export interface SeenEvent<M = unknown> {
  type: string;
  key: string | null;
  message: M;
}

/** An outbound record of this tenant, decoded; `type` without its package. */
type Seen = SeenEvent<Record<string, unknown>>;

/**
 * What the tests need around strategy-service: a tenant of their own, publishing case,
 * dispatch, payment and portal events as their services do, and a recorder of the commands
 * and strategy events the service emits for the tenant.
 */
export class StrategyTestPlatform {
  readonly tenant = uniqueName('tenant-strat')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  kafka!: KafkaPort;
  private recorder: RecordConsumer | undefined;
  private readonly seen: { commands: Seen[]; strategy: Seen[] } = { commands: [], strategy: [] };

  async start(): Promise<this> {
    this.kafka = createKafkajsPort({
      clientId: `strategy-platform-${this.tenant}`,
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
    });
    const admin = await this.kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
    const topics = [topicCatalogue.dispatchCommands, topicCatalogue.strategyEvents];
    this.recorder = this.kafka.consumer({
      groupId: `recorder-${this.tenant}`,
      topics: topics.map((t) => t.name),
      fromBeginning: true,
    });
    void this.recorder.run(async (batch) => {
      for (const record of batch.records) {
        batch.markProcessed(record.offset);
        if (record.headers['ce_tenantid'] !== this.tenant) continue;
        const topic = topics.find((t) => t.name === record.topic);
        if (!topic) continue;
        const event = decodeRecord(topic, record);
        const seen: Seen = {
          type: event.envelope.type.replace(/^clement\.\w+\.v1\./, ''),
          key: record.key,
          message: event.message as unknown as Record<string, unknown>,
        };
        if (topic === topicCatalogue.dispatchCommands) this.seen.commands.push(seen);
        else this.seen.strategy.push(seen);
      }
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.recorder?.disconnect();
  }

  /** SendMessage commands so far, optionally for one case. */
  sends(caseId?: string): dispatchV1.SendMessage[] {
    return this.seen.commands
      .filter((e) => e.type === 'SendMessage')
      .map((e) => e.message as unknown as dispatchV1.SendMessage)
      .filter((m) => caseId === undefined || m.caseId === caseId);
  }

  /** CancelMessage commands so far. */
  cancels(): dispatchV1.CancelMessage[] {
    return this.seen.commands
      .filter((e) => e.type === 'CancelMessage')
      .map((e) => e.message as unknown as dispatchV1.CancelMessage);
  }

  decisions(caseId?: string): strategyV1.DecisionMade[] {
    return this.seen.strategy
      .filter((e) => e.type === 'DecisionMade')
      .map((e) => e.message as unknown as strategyV1.DecisionMade)
      .filter((m) => caseId === undefined || m.caseId === caseId);
  }

  commandKeys(): (string | null)[] {
    return this.seen.commands.map((e) => e.key);
  }

  /** Events about one debtor, in order, each keyed `<tenant>:<debtor>` like their services do. */
  async publish(
    topic: string,
    debtorId: string,
    events: { schema: DescMessage; init: MessageInitShape<DescMessage>; source?: string }[],
  ): Promise<void> {
    await this.publishAll(events.map((e) => this.record(topic, debtorId, e.schema, e.init)));
  }

  record<S extends DescMessage>(
    topic: string,
    debtorId: string,
    schema: S,
    init: MessageInitShape<S>,
  ): OutgoingRecord {
    return eventRecord(topic, schema, init, {
      tenantId: this.tenant,
      partitionKey: `${this.tenant}:${debtorId}`,
      source: `/clement/${topic.split('.')[0]}-service`,
    });
  }

  async publishAll(records: readonly OutgoingRecord[]): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      for (let i = 0; i < records.length; i += 500) await producer.send(records.slice(i, i + 500));
    } finally {
      await producer.disconnect();
    }
  }
}
