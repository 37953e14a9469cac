import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { PaymentServiceConfig } from '../config';
import { CARD_PSP, DIRECT_DEBIT_PSP } from './mandate-webhooks';
import type { PaymentServiceProvider, PspName } from './psp-port';
import { SandboxPsp } from './sandbox/sandbox-psp';
import { StripePsp } from './stripe/stripe-psp';

/** Every configured adapter by name: webhooks and refunds go to the PSP that took the payment. */
export const PSP_ADAPTERS = Symbol('payment-service.psp-adapters');

export function pspAdapters(config: PaymentServiceConfig): Map<PspName, PaymentServiceProvider> {
  const adapters = new Map<PspName, PaymentServiceProvider>();
  if (config.PSP_SANDBOX_URL) {
    adapters.set(
      'sandbox',
      new SandboxPsp({
        baseUrl: config.PSP_SANDBOX_URL,
        secretKey: config.PSP_SANDBOX_SECRET_KEY as string,
        webhookSecrets: config.secrets(config.PSP_SANDBOX_WEBHOOK_SECRETS),
        toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
      }),
    );
  }
  if (config.STRIPE_SECRET_KEY) {
    adapters.set(
      'stripe',
      new StripePsp({
        secretKey: config.STRIPE_SECRET_KEY,
        webhookSecrets: config.secrets(config.STRIPE_WEBHOOK_SECRETS),
        ...(config.STRIPE_API_URL ? { apiBaseUrl: config.STRIPE_API_URL } : {}),
        webhookToleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
      }),
    );
  }
  return adapters;
}

/**
 * The PSP adapters: card payments through the configured one (PSP), direct debit through the
 * sandbox adapter (the only one that offers it, ADR 0014).
 */
@Global()
@Module({})
export class PspModule {
  static forRoot(config: PaymentServiceConfig): DynamicModule {
    const adapters = pspAdapters(config);
    const card = adapters.get(config.PSP);
    if (!card) throw new Error(`PSP=${config.PSP} but that adapter is not configured`);
    const sandbox = adapters.get('sandbox');
    return {
      module: PspModule,
      providers: [
        { provide: PSP_ADAPTERS, useValue: adapters },
        { provide: CARD_PSP, useValue: card },
        { provide: DIRECT_DEBIT_PSP, useValue: sandbox ?? null },
      ],
      exports: [PSP_ADAPTERS, CARD_PSP, DIRECT_DEBIT_PSP],
    };
  }
}
