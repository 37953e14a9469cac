import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@clement/messaging/nest';
import { ObservabilityModule } from '@clement/observability';
import {
  databaseReadinessCheck,
  type ServiceDataSourceOptions,
  serviceDataSourceOptions,
} from '@clement/persistence';
import { DataSource } from 'typeorm';

export interface ServiceRuntimeOptions {
  /** Names the service in logs and metrics, in pg_stat_activity and as the Kafka client id. */
  readonly serviceName: string;
  /** pino level (default info). */
  readonly logLevel?: string;
  /** postgres://user:password@host:port/database */
  readonly databaseUrl: string;
  /** The service's own PostgreSQL schema: its tables, the outbox and the inbox live there. */
  readonly schema: string;
  /** Every migration of the service, oldest first, `messagingMigrations(schema)` included. */
  readonly migrations: ServiceDataSourceOptions['migrations'];
  /** Maximum pool connections (pg default 10). */
  readonly poolSize?: number;
  readonly kafkaBrokers: readonly string[];
  /** CloudEvents `source` of everything the service emits, e.g. `/clement/case-service`. */
  readonly cloudEventsSource: string;
}

/**
 * The infrastructure every service runs on: health, metrics and JSON logs (ObservabilityModule),
 * the service's DataSource (TypeORM) and the outbox, relay and consumers (MessagingModule). Each of
 * the three registers itself globally, so the service's feature modules inject DataSource, Outbox,
 * MessagingRuntime, ReadinessRegistry and the rest without importing anything. Import once, in
 * the app module, with config main.ts has already validated.
 */
@Module({})
export class ServiceRuntimeModule {
  static forRoot(options: ServiceRuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      imports: [
        ObservabilityModule.forRoot({
          serviceName: options.serviceName,
          logLevel: options.logLevel,
          readinessChecks: {
            inject: [DataSource],
            useFactory: (dataSource: DataSource) => [databaseReadinessCheck(dataSource)],
          },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...serviceDataSourceOptions({
              url: options.databaseUrl,
              schema: options.schema,
              migrations: options.migrations,
              applicationName: options.serviceName,
              poolSize: options.poolSize,
            }),
            // Fail the boot at once; Kubernetes restarts the pod, retrying here only hides it.
            retryAttempts: 0,
          }),
        }),
        MessagingModule.forRootAsync({
          useFactory: () => ({
            clientId: options.serviceName,
            brokers: options.kafkaBrokers,
            schema: options.schema,
            source: options.cloudEventsSource,
          }),
        }),
      ],
    };
  }
}
