import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@clement/service-runtime';
import { AuthModule } from '@clement/staff-api';
import { SERVICE_NAME, StrategyServiceConfig } from './config';
import { JourneysModule, type JourneysOverrides } from './journeys/journeys.module';
import { strategyServiceMigrations } from './migrations';
import { StrategiesModule } from './strategies/strategies.module';
import { CaseJourneysModule } from './case-journeys/case-journeys.module';
import { TasksModule } from './tasks/tasks.module';

export const CLOUDEVENTS_SOURCE = '/clement/strategy-service';

/**
 * The service's composition root. Takes the config already validated by main.ts, so a bad
 * environment stops the process before any connection is attempted.
 */
@Module({})
export class AppModule {
  static forRoot(config: StrategyServiceConfig, overrides: JourneysOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          serviceName: SERVICE_NAME,
          logLevel: config.LOG_LEVEL,
          databaseUrl: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          migrations: strategyServiceMigrations(config.DATABASE_SCHEMA),
          // The consumer's partitions, the timer poller, the relay, the catalogue and HTTP.
          poolSize: config.EVENT_PARTITION_CONCURRENCY + 6,
          kafkaBrokers: config.kafkaBrokers,
          cloudEventsSource: CLOUDEVENTS_SOURCE,
        }),
        AuthModule.forRoot(config.staffAuth),
        StrategiesModule,
        TasksModule,
        CaseJourneysModule,
        JourneysModule.forRoot(config, overrides),
      ],
      providers: [{ provide: StrategyServiceConfig, useValue: config }],
      exports: [StrategyServiceConfig],
    };
  }
}
