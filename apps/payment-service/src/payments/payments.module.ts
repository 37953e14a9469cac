import { Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import {
  CARD_PSP,
  MANDATE_WEBHOOK_HANDLER,
  type MandateWebhookHandler,
} from '../psp/mandate-webhooks';
import type { PaymentServiceProvider, PspName } from '../psp/psp-port';
import { PSP_ADAPTERS } from '../psp/psp.module';
import { type Clock, PAYMENT_CLOCK } from '../shared/clock';
import '../shared/payment-errors';
import { PaymentTenants } from '../tenants/payment-tenants';
import { PspWebhooks } from '../webhooks/psp-webhooks';
import { PspWebhooksController } from '../webhooks/psp-webhooks.controller';
import { PAYMENT_LISTENERS, type PaymentListener } from './payment-listener';
import { PaymentOutcomes } from './payment-outcomes';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { Refunds } from './refunds';
import { TakePayment } from './take-payment';

type Adapters = ReadonlyMap<PspName, PaymentServiceProvider>;

/**
 * Card payments, their webhooks, refunds and chargebacks. PAYMENT_LISTENERS (plans, promises)
 * and MANDATE_WEBHOOK_HANDLER come from the app's composition root.
 */
@Module({
  controllers: [PaymentsController, PspWebhooksController],
  providers: [
    {
      provide: PaymentOutcomes,
      inject: [
        PaymentsRepository,
        LedgerRepository,
        CaseProjectionRepository,
        PaymentTenants,
        Outbox,
        PAYMENT_LISTENERS,
      ],
      useFactory: (
        payments: PaymentsRepository,
        ledger: LedgerRepository,
        cases: CaseProjectionRepository,
        tenants: PaymentTenants,
        outbox: Outbox,
        listeners: readonly PaymentListener[],
      ) => new PaymentOutcomes(payments, ledger, cases, tenants, outbox, () => listeners),
    },
    {
      provide: TakePayment,
      inject: [
        Outbox,
        DataSource,
        CaseProjectionRepository,
        LedgerRepository,
        PaymentsRepository,
        PaymentOutcomes,
        PaymentTenants,
        CARD_PSP,
        PAYMENT_CLOCK,
      ],
      useFactory: (
        outbox: Outbox,
        dataSource: DataSource,
        cases: CaseProjectionRepository,
        ledger: LedgerRepository,
        payments: PaymentsRepository,
        outcomes: PaymentOutcomes,
        tenants: PaymentTenants,
        psp: PaymentServiceProvider,
        clock: Clock,
      ) =>
        new TakePayment(
          outbox.schema,
          dataSource,
          cases,
          ledger,
          payments,
          outcomes,
          tenants,
          psp,
          outbox,
          clock,
        ),
    },
    {
      provide: Refunds,
      inject: [DataSource, PaymentsRepository, PaymentOutcomes, PSP_ADAPTERS, PAYMENT_CLOCK],
      useFactory: (
        dataSource: DataSource,
        payments: PaymentsRepository,
        outcomes: PaymentOutcomes,
        adapters: Adapters,
        clock: Clock,
      ) => new Refunds(dataSource, payments, outcomes, adapters, clock),
    },
    {
      provide: PspWebhooks,
      inject: [
        Outbox,
        DataSource,
        PSP_ADAPTERS,
        PaymentsRepository,
        PaymentOutcomes,
        { token: MANDATE_WEBHOOK_HANDLER, optional: true },
      ],
      useFactory: (
        outbox: Outbox,
        dataSource: DataSource,
        adapters: Adapters,
        payments: PaymentsRepository,
        outcomes: PaymentOutcomes,
        mandates: MandateWebhookHandler | undefined,
      ) =>
        new PspWebhooks(outbox.schema, dataSource, adapters, payments, outcomes, mandates, outbox),
    },
  ],
  exports: [PaymentOutcomes],
})
export class PaymentsModule {}
