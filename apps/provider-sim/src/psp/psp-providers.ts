import type { Provider } from '@nestjs/common';
import { type ProviderSimConfig, publicUrl, pspWebhookSecrets } from '../config';
import { PSP_SECRET_KEY, PspApiController } from './psp-api.controller';
import { PspControlController } from './psp-control.controller';
import { PspHostedController } from './psp-hosted.controller';
import { PspSandbox } from './psp-sandbox';
import { PspState } from './psp-state';
import { PSP_WEBHOOK_SECRETS, PspWebhooks } from './psp-webhooks';

export const PSP_CONTROLLERS = [PspApiController, PspHostedController, PspControlController];

/** The sandbox PSP's parts; SimState, Scheduler and WebhookClient come from the app module. */
export function pspProviders(config: ProviderSimConfig): Provider[] {
  return [
    { provide: PspState, useValue: new PspState(publicUrl(config)) },
    { provide: PSP_SECRET_KEY, useValue: config.PSP_SECRET_KEY },
    { provide: PSP_WEBHOOK_SECRETS, useValue: pspWebhookSecrets(config) },
    PspWebhooks,
    PspSandbox,
  ];
}
