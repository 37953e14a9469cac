import { type DynamicModule, Global, Module } from '@nestjs/common';
import { IdempotencyModule } from '@clement/idempotency';
import { ServiceRuntimeModule } from '@clement/service-runtime';
import { AuthModule } from '@clement/staff-api';
import { CaseProjectionModule } from './case-projection/case-projection.module';
import { PaymentServiceConfig, SERVICE_NAME } from './config';
import { paymentServiceMigrations } from './migrations';
import { DirectDebitModule } from './direct-debit/direct-debit.module';
import { OffersModule } from './offers/offers.module';
import { PAYMENT_LISTENERS, type PaymentListener } from './payments/payment-listener';
import { PaymentsModule } from './payments/payments.module';
import { PlanPaymentListener } from './plans/plan-payment.listener';
import { PlansModule } from './plans/plans.module';
import { PromisePaymentListener } from './promises/promise-payment.listener';
import { PromisesModule } from './promises/promises.module';
import { PspModule } from './psp/psp.module';
import { type Clock, systemClock } from './shared/clock';
import { SharedModule } from './shared/shared.module';
import { loadPaymentTenants, PaymentTenants } from './tenants/payment-tenants';

export const CLOUDEVENTS_SOURCE = '/clement/payment-service';

export interface PaymentServiceOverrides {
  /** Tests drive a virtual clock (promise deadlines, missed instalments). */
  clock?: Clock;
}

/** What a payment's outcome also changes: plans first, then promises. */
@Global()
@Module({})
class PaymentListenersModule {
  static forRoot(): DynamicModule {
    return {
      module: PaymentListenersModule,
      providers: [
        {
          provide: PAYMENT_LISTENERS,
          inject: [PlanPaymentListener, PromisePaymentListener],
          useFactory: (
            plans: PlanPaymentListener,
            promises: PromisePaymentListener,
          ): PaymentListener[] => [plans, promises],
        },
      ],
      exports: [PAYMENT_LISTENERS],
    };
  }
}

/**
 * The service's composition root. Takes the config already validated by main.ts, so a bad
 * environment stops the process before any connection is attempted.
 */
@Module({})
export class AppModule {
  static forRoot(
    config: PaymentServiceConfig,
    overrides: PaymentServiceOverrides = {},
  ): DynamicModule {
    const schema = config.DATABASE_SCHEMA;
    const tenants = new PaymentTenants(
      loadPaymentTenants({ file: config.PAYMENT_TENANTS_FILE, json: config.PAYMENT_TENANTS_JSON }),
    );
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          serviceName: SERVICE_NAME,
          logLevel: config.LOG_LEVEL,
          databaseUrl: config.DATABASE_URL,
          schema,
          migrations: paymentServiceMigrations(schema),
          // Consumer, schedulers, relay, webhooks and the API.
          poolSize: 12,
          kafkaBrokers: config.kafkaBrokers,
          cloudEventsSource: CLOUDEVENTS_SOURCE,
        }),
        AuthModule.forRoot(config.staffAuth),
        // Every mutating endpoint takes an Idempotency-Key (scoped to the caller's tenant).
        IdempotencyModule.forRoot({ schema }),
        SharedModule.forRoot({ tenants, clock: overrides.clock ?? systemClock }),
        PspModule.forRoot(config),
        PlansModule.forRoot({ schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS }),
        PromisesModule.forRoot({ schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS }),
        DirectDebitModule.forRoot({
          schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS,
          collectionLeadDays: config.COLLECTION_LEAD_DAYS,
        }),
        PaymentListenersModule.forRoot(),
        OffersModule,
        CaseProjectionModule,
        PaymentsModule,
      ],
      providers: [{ provide: PaymentServiceConfig, useValue: config }],
      exports: [PaymentServiceConfig],
    };
  }
}
