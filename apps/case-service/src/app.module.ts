import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@clement/messaging/nest';
import { ObservabilityModule } from '@clement/observability';
import { databaseReadinessCheck, serviceDataSourceOptions } from '@clement/persistence';
import { AuthModule } from '@clement/staff-api';
import { DataSource } from 'typeorm';
import { CaseServiceConfig, SERVICE_NAME } from './config';
import { CaseManagementModule } from './case-management.module';
import { caseServiceMigrations } from './migrations';
// Registers the case and debtor error codes with the shared HTTP error filter.
import './domain-error-statuses';

export const CLOUDEVENTS_SOURCE = '/clement/case-service';

/**
 * The service's composition root. Takes the config already validated by main.ts, so a bad
 * environment stops the process before any connection is attempted.
 */
@Module({})
export class AppModule {
  static forRoot(config: CaseServiceConfig): DynamicModule {
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
              migrations: caseServiceMigrations(schema),
              applicationName: SERVICE_NAME,
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
        CaseManagementModule.forRoot(config),
      ],
      providers: [{ provide: CaseServiceConfig, useValue: config }],
      exports: [CaseServiceConfig],
    };
  }
}
