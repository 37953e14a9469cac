import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@clement/service-runtime';
import { AuthModule } from '@clement/staff-api';
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
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          serviceName: SERVICE_NAME,
          logLevel: config.LOG_LEVEL,
          databaseUrl: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          migrations: caseServiceMigrations(config.DATABASE_SCHEMA),
          kafkaBrokers: config.kafkaBrokers,
          cloudEventsSource: CLOUDEVENTS_SOURCE,
        }),
        AuthModule.forRoot(config.staffAuth),
        CaseManagementModule.forRoot(config),
      ],
      providers: [{ provide: CaseServiceConfig, useValue: config }],
      exports: [CaseServiceConfig],
    };
  }
}
