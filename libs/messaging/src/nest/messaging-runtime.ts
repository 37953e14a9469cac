import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReadinessCheck } from '@clement/observability';
import type { EventTopic } from '../cloudevents/event-topic';
import { EventConsumer, type EventConsumerOptions } from '../consumer/event-consumer';
import type { TopicHandlers } from '../consumer/event-handlers';
import { describeError } from '../errors';
import type { KafkaPort } from '../kafka/kafka-port';
import { kafkaReadinessCheck } from '../kafka/kafka-readiness';
import type { MessagingLogger } from '../logger';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MessagingMetrics } from '../telemetry/messaging-metrics';
import { ClosableAdmins } from './closable-admins';
import type { MessagingModuleOptions } from './messaging-module-options';
import { nestMessagingLogger } from './nest-messaging-logger';
import { KAFKA_PORT, MESSAGING_OPTIONS } from './messaging.tokens';

/** What a consumer declaration may tune; the connections come from the module. */
export type ConsumerSettings = Omit<
  EventConsumerOptions,
  'kafka' | 'dataSource' | 'outbox' | 'subscriptions' | 'logger' | 'metrics'
>;

interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

type State = 'created' | 'running' | 'stopped';

/**
 * The process's long-running Kafka work: the outbox relay and every declared consumer. Starts
 * them on application bootstrap and stops them in `beforeApplicationShutdown`, which Nest runs
 * for every module before any `onApplicationShutdown`; so consumers finish, commit and leave
 * their groups, then the relay finishes its batch and releases its lock, all while TypeORM's
 * DataSource (destroyed in TypeOrmModule's onApplicationShutdown) is still open.
 */
@Injectable()
export class MessagingRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: MessagingLogger;
  private readonly consumers: { groupId: string; consumer: Lifecycle }[] = [];
  private readonly admins: ClosableAdmins;
  private readonly relayEnabled: boolean;
  private state: State = 'created';

  constructor(
    @Inject(MESSAGING_OPTIONS) options: MessagingModuleOptions,
    @Inject(KAFKA_PORT) private readonly kafka: KafkaPort,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OutboxRelay) private readonly relay: Lifecycle,
    @Inject(MessagingMetrics) private readonly metrics: MessagingMetrics,
  ) {
    this.logger = options.logger ?? nestMessagingLogger();
    this.relayEnabled = options.relay?.enabled ?? true;
    this.admins = new ClosableAdmins(kafka);
  }

  /** Builds a consumer on the module's connections; it starts with the application. */
  addConsumer(
    settings: ConsumerSettings,
    subscriptions: readonly TopicHandlers<EventTopic>[],
  ): EventConsumer {
    if (this.state !== 'created') {
      throw new Error(
        `consumer group ${settings.groupId} was declared after the application bootstrapped`,
      );
    }
    if (subscriptions.length === 0) {
      throw new Error(`consumer group ${settings.groupId} subscribes to no topic`);
    }
    if (this.consumers.some((entry) => entry.groupId === settings.groupId)) {
      throw new Error(`consumer group ${settings.groupId} is declared twice`);
    }
    const consumer = new EventConsumer({
      ...settings,
      kafka: this.kafka,
      dataSource: this.dataSource,
      outbox: this.outbox,
      subscriptions,
      logger: this.logger,
      metrics: this.metrics,
    });
    this.consumers.push({ groupId: settings.groupId, consumer });
    return consumer;
  }

  /** Named `kafka`; its admin connection is closed on shutdown and refused afterwards. */
  readinessCheck(): ReadinessCheck {
    const kafka = this.kafka;
    return kafkaReadinessCheck({
      producer: () => kafka.producer(),
      consumer: (options) => kafka.consumer(options),
      admin: () => this.admins.admin(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.state !== 'created') return;
    this.state = 'running';
    try {
      if (this.relayEnabled) await this.relay.start();
      const started = await Promise.allSettled(
        this.consumers.map(({ consumer }) => consumer.start()),
      );
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      // Nest does not run shutdown hooks for an app whose bootstrap failed; clean up here.
      this.logger.error({ err: describeError(error) }, 'messaging failed to start');
      await this.stopAll();
      throw error;
    }
    this.logger.info(
      { relay: this.relayEnabled, consumerGroups: this.consumers.map((entry) => entry.groupId) },
      'messaging started',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      await this.admins.close();
      return;
    }
    await this.stopAll();
    this.logger.info({}, 'messaging stopped');
  }

  /** Consumers first (they may still append follow-ups), then the relay, then admin clients. */
  private async stopAll(): Promise<void> {
    this.state = 'stopped';
    await Promise.all(
      this.consumers.map(({ groupId, consumer }) =>
        this.stopQuietly(() => consumer.stop(), { consumerGroup: groupId }),
      ),
    );
    if (this.relayEnabled) await this.stopQuietly(() => this.relay.stop(), { component: 'relay' });
    await this.admins.close();
  }

  // A failed stop is logged, not thrown: throwing would abort Nest's close before the
  // DataSource and the HTTP server are closed.
  private async stopQuietly(stop: () => Promise<void>, fields: Record<string, unknown>) {
    try {
      await stop();
    } catch (error) {
      this.logger.error({ ...fields, err: describeError(error) }, 'messaging failed to stop');
    }
  }
}
