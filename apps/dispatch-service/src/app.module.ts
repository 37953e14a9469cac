import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@clement/service-runtime';
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
    const sending = SendingModule.forRoot(config, overrides);
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          serviceName: SERVICE_NAME,
          logLevel: config.LOG_LEVEL,
          databaseUrl: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          migrations: dispatchServiceMigrations(config.DATABASE_SCHEMA),
          kafkaBrokers: config.kafkaBrokers,
          cloudEventsSource: CLOUDEVENTS_SOURCE,
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
