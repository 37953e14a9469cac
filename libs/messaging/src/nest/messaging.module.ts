/**
 * Nest wiring for `@clement/messaging`: `MessagingModule.forRootAsync` once in the app module,
 * `provideEventConsumer` once per consumer group in the feature module that owns its use cases.
 *
 * ```ts
 * @Module({
 *   imports: [
 *     ObservabilityModule.forRoot({ serviceName: 'case-service' }),
 *     TypeOrmModule.forRootAsync({ ... }), // the DataSource the outbox and inbox use
 *     MessagingModule.forRootAsync({
 *       inject: [CaseServiceConfig],
 *       useFactory: (config: CaseServiceConfig) => ({
 *         clientId: 'case-service',
 *         brokers: config.kafkaBrokers,
 *         schema: 'case_service',
 *         source: '/clement/case-service',
 *       }),
 *     }),
 *     PaymentsModule,
 *   ],
 * })
 * export class AppModule {}
 *
 * @Injectable() // payments.consumer.ts: the Kafka edge maps events to use cases, nothing more
 * export class PaymentsConsumer {
 *   constructor(private readonly recordPayment: RecordPaymentUseCase) {}
 *   subscriptions() {
 *     return [
 *       handlersFor(topicCatalogue.paymentEvents).on(PaymentReceivedSchema, (event, context) =>
 *         this.recordPayment.execute(event, context.manager),
 *       ),
 *     ];
 *   }
 * }
 *
 * @Module({
 *   providers: [
 *     RecordPaymentUseCase,
 *     PaymentsConsumer,
 *     provideEventConsumer({
 *       groupId: 'case-service.payments',
 *       inject: [PaymentsConsumer],
 *       subscriptions: (consumer: PaymentsConsumer) => consumer.subscriptions(),
 *     }),
 *   ],
 * })
 * export class PaymentsModule {}
 *
 * // Emitting: inject Outbox and DataSource; the row commits with the state change.
 * await dataSource.transaction((manager) => outbox.append(manager, topic, Schema, event, metadata));
 * ```
 *
 * Provides globally `KAFKA_PORT`, `Outbox`, `OutboxRelay`, `MessagingRuntime` and the readiness
 * check `kafka`. The relay and consumers start on application bootstrap and stop when the app
 * closes (`app.enableShutdownHooks()` turns SIGTERM into a close): consumers, then the relay, then
 * the readiness admin client, all before TypeORM destroys the DataSource. Migrations are not run
 * here: list `messagingMigrations(schema)` among the service's own and run them as usual.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { provideReadinessCheck } from '@clement/observability';
import { createKafkajsPort } from '../kafka/kafkajs-adapter';
import type { KafkaPort } from '../kafka/kafka-port';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MessagingMetrics } from '../telemetry/messaging-metrics';
import type {
  MessagingModuleAsyncOptions,
  MessagingModuleOptions,
} from './messaging-module-options';
import { MessagingRuntime } from './messaging-runtime';
import { nestMessagingLogger } from './nest-messaging-logger';
import { KAFKA_PORT, MESSAGING_OPTIONS } from './messaging.tokens';

/**
 * The service's DataSource is TypeORM's default one, injected by its class token as
 * `TypeOrmModule.forRoot[Async]` registers it (globally): the outbox joins transactions on that
 * DataSource and the inbox shares the handlers' transactions, so one DataSource per service is
 * the design, not a limitation to configure around.
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [...(options.imports ?? [])],
      providers: [
        {
          provide: MESSAGING_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory as (
            ...dependencies: unknown[]
          ) => MessagingModuleOptions | Promise<MessagingModuleOptions>,
        },
        {
          provide: KAFKA_PORT,
          inject: [MESSAGING_OPTIONS],
          useFactory: (resolved: MessagingModuleOptions): KafkaPort => {
            const logger = resolved.logger ?? nestMessagingLogger('Kafka');
            return createKafkajsPort({
              clientId: resolved.clientId,
              brokers: resolved.brokers,
              onLog: (level, message, extra) => logger[level](extra, message),
            });
          },
        },
        {
          provide: Outbox,
          inject: [MESSAGING_OPTIONS],
          useFactory: (resolved: MessagingModuleOptions) =>
            new Outbox({ schema: resolved.schema, source: resolved.source }),
        },
        { provide: MessagingMetrics, useFactory: () => new MessagingMetrics() },
        {
          provide: OutboxRelay,
          inject: [MESSAGING_OPTIONS, KAFKA_PORT, DataSource, MessagingMetrics],
          useFactory: (
            resolved: MessagingModuleOptions,
            kafka: KafkaPort,
            dataSource: DataSource,
            metrics: MessagingMetrics,
          ) =>
            new OutboxRelay({
              dataSource,
              schema: resolved.schema,
              producer: kafka.producer(),
              batchSize: resolved.relay?.batchSize,
              pollIntervalMs: resolved.relay?.pollIntervalMs,
              logger: resolved.logger ?? nestMessagingLogger(),
              metrics,
            }),
        },
        MessagingRuntime,
        provideReadinessCheck({
          inject: [MessagingRuntime],
          useFactory: (runtime: MessagingRuntime) => runtime.readinessCheck(),
        }),
      ],
      exports: [KAFKA_PORT, Outbox, OutboxRelay, MessagingRuntime],
    };
  }
}
