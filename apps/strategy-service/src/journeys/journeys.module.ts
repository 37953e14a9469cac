import { type DynamicModule, Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { provideEventConsumer } from '@clement/messaging/nest';
import { DataSource } from 'typeorm';
import type { StrategyServiceConfig } from '../config';
import { STRATEGY_CATALOGUE, type StrategyCatalogue } from '../strategies/strategy-catalogue';
import { StrategiesModule } from '../strategies/strategies.module';
import { AgentTaskWriter } from '../tasks/agent-task-writer';
import { TasksModule } from '../tasks/tasks.module';
import { AdvanceJourney } from './advance-journey.use-case';
import { type Clock, STRATEGY_CLOCK, systemClock } from './clock';
import { JourneyEventsConsumer } from './journey-events.consumer';
import { JourneysRepository } from './journeys.repository';
import { TimerPoller } from './timer-poller';

export const JOURNEY_EVENTS_GROUP = 'strategy-service.journeys';

/** What tests may replace: the clock, and whether the timer poller starts by itself. */
export interface JourneysOverrides {
  clock?: Clock;
  autoStartTimers?: boolean;
}

/**
 * The engine at work: journeys fed by case, dispatch, payment and portal events, and the timer
 * poller. Providers are built by factories (tsx emits no decorator metadata), top to bottom.
 */
@Module({})
export class JourneysModule {
  static forRoot(config: StrategyServiceConfig, overrides: JourneysOverrides = {}): DynamicModule {
    const schema = config.DATABASE_SCHEMA;
    const clock = overrides.clock ?? systemClock;
    return {
      module: JourneysModule,
      imports: [StrategiesModule, TasksModule],
      providers: [
        { provide: STRATEGY_CLOCK, useValue: clock },
        { provide: JourneysRepository, useFactory: () => new JourneysRepository(schema) },
        {
          provide: AdvanceJourney,
          inject: [JourneysRepository, STRATEGY_CATALOGUE, Outbox, AgentTaskWriter],
          useFactory: (
            journeys: JourneysRepository,
            catalogue: StrategyCatalogue,
            outbox: Outbox,
            tasks: AgentTaskWriter,
          ) => new AdvanceJourney({ journeys, catalogue, outbox, tasks, clock }),
        },
        {
          provide: TimerPoller,
          inject: [DataSource, JourneysRepository, AdvanceJourney],
          useFactory: (
            dataSource: DataSource,
            journeys: JourneysRepository,
            advance: AdvanceJourney,
          ) =>
            new TimerPoller(dataSource, journeys, advance, clock, {
              intervalMs: config.TIMER_POLL_INTERVAL_MS,
              batchSize: config.TIMER_BATCH_SIZE,
              retryDelayMs: config.TIMER_RETRY_DELAY_MS,
              autoStart: overrides.autoStartTimers ?? true,
            }),
        },
        {
          provide: JourneyEventsConsumer,
          inject: [AdvanceJourney],
          useFactory: (advance: AdvanceJourney) => new JourneyEventsConsumer(advance, clock),
        },
        provideEventConsumer({
          groupId: JOURNEY_EVENTS_GROUP,
          transactionBatchSize: config.EVENT_BATCH_SIZE,
          partitionsConsumedConcurrently: config.EVENT_PARTITION_CONCURRENCY,
          inject: [JourneyEventsConsumer],
          subscriptions: (consumer: JourneyEventsConsumer) => consumer.subscriptions(),
        }),
      ],
      exports: [AdvanceJourney, JourneysRepository, TimerPoller, STRATEGY_CLOCK],
    };
  }
}
