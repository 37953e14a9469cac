import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@clement/messaging/nest';
import { ObservabilityModule } from '@clement/observability';
import { databaseReadinessCheck, serviceDataSourceOptions } from '@clement/persistence';
import { AuthModule } from '@clement/staff-api';
import { DataSource } from 'typeorm';
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
    const schema = config.DATABASE_SCHEMA;
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: SERVICE_NAME,
          logLevel: config.LOG_LEVEL,
          readinessChecks: {
            inject: [DataSource],
            useFactory: (dataSource: DataSource) => [databaseReadinessCheck(dataSource)],
          },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...serviceDataSourceOptions({
              url: config.DATABASE_URL,
              schema,
              migrations: strategyServiceMigrations(schema),
              applicationName: SERVICE_NAME,
              // The consumer's partitions, the timer poller, the relay, the catalogue and HTTP.
              poolSize: config.EVENT_PARTITION_CONCURRENCY + 6,
            }),
            // Fail the boot at once; Kubernetes restarts the pod, retrying here only hides it.
            retryAttempts: 0,
          }),
        }),
        MessagingModule.forRootAsync({
          useFactory: () => ({
            clientId: SERVICE_NAME,
            brokers: config.kafkaBrokers,
            schema,
            source: CLOUDEVENTS_SOURCE,
          }),
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
