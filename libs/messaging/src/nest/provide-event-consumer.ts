import type { FactoryProvider, Provider } from '@nestjs/common';
import type { EventTopic } from '../cloudevents/event-topic';
import type { EventConsumer } from '../consumer/event-consumer';
import type { TopicHandlers } from '../consumer/event-handlers';
import { type ConsumerSettings, MessagingRuntime } from './messaging-runtime';

export interface EventConsumerProviderOptions extends ConsumerSettings {
  /** Providers handed to `subscriptions`, in order (same as a Nest factory provider). */
  readonly inject?: FactoryProvider['inject'];
  // never[] lets callers type their parameters (e.g. `(consumer: PaymentsConsumer) => ...`).
  readonly subscriptions: (
    ...dependencies: never[]
  ) => readonly TopicHandlers<EventTopic>[] | Promise<readonly TopicHandlers<EventTopic>[]>;
}

/**
 * A provider declaring one consumer group: put it in a feature module's `providers`, next to the
 * use cases its handlers call. The group starts when the application bootstraps and stops when it
 * closes; needs `MessagingModule.forRootAsync` in the app.
 */
export function provideEventConsumer(options: EventConsumerProviderOptions): Provider {
  const { inject = [], subscriptions, ...settings } = options;
  const factory = subscriptions as (
    ...dependencies: unknown[]
  ) => readonly TopicHandlers<EventTopic>[] | Promise<readonly TopicHandlers<EventTopic>[]>;
  return {
    provide: Symbol(`clement.messaging.consumer.${settings.groupId}`),
    inject: [MessagingRuntime, ...inject],
    useFactory: async (
      runtime: MessagingRuntime,
      ...dependencies: unknown[]
    ): Promise<EventConsumer> => runtime.addConsumer(settings, await factory(...dependencies)),
  };
}
