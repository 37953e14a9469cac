import {
  type ClassProvider,
  type DynamicModule,
  type ExistingProvider,
  type FactoryProvider,
  Module,
  type ModuleMetadata,
  type ValueProvider,
} from '@nestjs/common';
import { PROVIDER_EVENT_SINK, type ProviderEventSink } from './provider-event-sink';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';
import { WebhooksController } from './webhooks.controller';

/** How to build the sink: any Nest provider shape, without `provide`. */
export type ProviderEventSinkProvider =
  | Omit<ClassProvider<ProviderEventSink>, 'provide'>
  | Omit<ValueProvider<ProviderEventSink>, 'provide'>
  | Omit<FactoryProvider<ProviderEventSink>, 'provide'>
  | Omit<ExistingProvider<ProviderEventSink>, 'provide'>;

export interface WebhooksModuleOptions {
  /**
   * The public origin (plus any path prefix a proxy strips) providers are configured to call,
   * e.g. `https://hooks.clement.example`. Twilio signs the URL it called; Host is never trusted.
   */
  readonly publicBaseUrl: string;
  readonly twilioAuthToken: string;
  /** SendGrid Event Webhook verification key (base64 DER SPKI). */
  readonly sendgridPublicKey: string;
  /** Oldest (or furthest-future) SendGrid timestamp accepted; default 600 s. */
  readonly sendgridToleranceSeconds?: number;
  readonly sink: ProviderEventSinkProvider;
  /** Modules the sink's own dependencies come from. */
  readonly imports?: ModuleMetadata['imports'];
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_SENDGRID_TOLERANCE_SECONDS = 600;

/**
 * Provider webhooks (`/webhooks/twilio/status`, `/webhooks/twilio/inbound`,
 * `/webhooks/sendgrid/events`). Needs the Nest app created with `{ rawBody: true }`: both
 * signatures are checked on the bytes as received. Bad options throw here, at boot.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: WebhooksModuleOptions): DynamicModule {
    const verifier = new WebhookSignatureVerifier({
      publicBaseUrl: options.publicBaseUrl,
      twilioAuthToken: options.twilioAuthToken,
      sendgridPublicKey: options.sendgridPublicKey,
      sendgridToleranceSeconds:
        options.sendgridToleranceSeconds ?? DEFAULT_SENDGRID_TOLERANCE_SECONDS,
      now: options.now ?? Date.now,
    });
    return {
      module: WebhooksModule,
      imports: options.imports ?? [],
      controllers: [WebhooksController],
      providers: [
        { provide: WebhookSignatureVerifier, useValue: verifier },
        { ...options.sink, provide: PROVIDER_EVENT_SINK },
      ],
    };
  }
}
