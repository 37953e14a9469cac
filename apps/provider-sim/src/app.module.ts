import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@clement/observability';
import { ProviderSimConfig, SERVICE_NAME } from './config';
import { ControlController } from './control/control.controller';
import { DemoController } from './demo/demo.controller';
import { EventWebhookSigner } from './domain/sendgrid-signature';
import type { SimSettings } from './domain/settings';
import { PSP_CONTROLLERS, pspProviders } from './psp/psp-providers';
import { Scheduler } from './scheduler';
import { SENDGRID_API_KEY, SendGridController } from './sendgrid/sendgrid.controller';
import { SendGridSimulator } from './sendgrid/sendgrid-simulator';
import { SimState } from './sim-state';
import { HANG_MS, HungRequests } from './twilio/hung-requests';
import { TwilioController } from './twilio/twilio.controller';
import { TwilioCredentials } from './twilio/twilio-credentials';
import { TwilioSimulator } from './twilio/twilio-simulator';
import { WebhookClient } from './webhook-client';

export function initialSettings(config: ProviderSimConfig): SimSettings {
  return {
    twilioStatusDelayMs: config.TWILIO_STATUS_DELAY_MS,
    sendgridEventDelayMs: config.SENDGRID_EVENT_DELAY_MS,
    inboundWebhookUrl: config.INBOUND_WEBHOOK_URL ?? null,
    sendgridEventWebhookUrl: config.SENDGRID_EVENT_WEBHOOK_URL ?? null,
    pspWebhookUrl: config.PSP_WEBHOOK_URL ?? null,
    pspCollectionSettleAfterMs: config.PSP_COLLECTION_SETTLE_AFTER_MS,
    rates: {
      rateLimited: config.TWILIO_RATE_LIMITED_RATE,
      serverError: config.TWILIO_SERVER_ERROR_RATE,
      failed: config.TWILIO_FAILED_RATE,
      undelivered: config.TWILIO_UNDELIVERED_RATE,
      whatsappRead: config.WHATSAPP_READ_RATE,
      emailDropped: config.SENDGRID_DROPPED_RATE,
      emailBounce: config.SENDGRID_BOUNCE_RATE,
      emailOpen: config.SENDGRID_OPEN_RATE,
      emailClick: config.SENDGRID_CLICK_RATE,
      emailUnsubscribe: config.SENDGRID_UNSUBSCRIBE_RATE,
    },
  };
}

/** The simulator's composition root; takes the config main.ts already validated. */
@Module({})
export class AppModule {
  static forRoot(config: ProviderSimConfig): DynamicModule {
    const signer = config.SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY
      ? EventWebhookSigner.fromPkcs8Base64(config.SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY)
      : EventWebhookSigner.generate();
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ serviceName: SERVICE_NAME, logLevel: config.LOG_LEVEL }),
      ],
      controllers: [
        TwilioController,
        SendGridController,
        ControlController,
        DemoController,
        ...PSP_CONTROLLERS,
      ],
      providers: [
        { provide: ProviderSimConfig, useValue: config },
        { provide: SimState, useValue: new SimState(config.SIM_SEED, initialSettings(config)) },
        {
          provide: TwilioCredentials,
          useValue: new TwilioCredentials(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN),
        },
        { provide: SENDGRID_API_KEY, useValue: config.SENDGRID_API_KEY },
        { provide: EventWebhookSigner, useValue: signer },
        { provide: HANG_MS, useValue: config.TWILIO_HANG_MS },
        HungRequests,
        Scheduler,
        WebhookClient,
        TwilioSimulator,
        SendGridSimulator,
        ...pspProviders(config),
      ],
    };
  }
}
