import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@clement/messaging/nest';
import { ObservabilityModule } from '@clement/observability';
import { databaseReadinessCheck, serviceDataSourceOptions } from '@clement/persistence';
import { DataSource } from 'typeorm';
import { DispatchServiceConfig, SERVICE_NAME } from './config';
import { ContactProjectionModule } from './contact-projection/contact-projection.module';
import { dispatchServiceMigrations } from './migrations';
import { ProviderEventRecorder } from './provider-events/provider-event-recorder';
import { SendingModule, type SendingOverrides } from './sending/sending.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export const CLOUDEVENTS_SOURCE = '/clement/dispatch-service';

/**
 * The service's composition root. Takes the config already validated by main.ts, so a bad
 * environment stops the process before any connection is attempted.
 */
@Module({})
export class AppModule {
  static forRoot(config: DispatchServiceConfig, overrides: SendingOverrides = {}): DynamicModule {
    const schema = config.DATABASE_SCHEMA;
    const sending = SendingModule.forRoot(config, overrides);
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
              migrations: dispatchServiceMigrations(schema),
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
        ContactProjectionModule.forRoot(config),
        sending,
        WebhooksModule.forRoot({
          publicBaseUrl: config.WEBHOOK_PUBLIC_BASE_URL,
          twilioAuthToken: config.TWILIO_AUTH_TOKEN,
          sendgridPublicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY,
          // SendingModule is global: importing it here too would build a second dispatcher.
          sink: { useExisting: ProviderEventRecorder },
        }),
      ],
      providers: [{ provide: DispatchServiceConfig, useValue: config }],
      exports: [DispatchServiceConfig],
    };
  }
}
