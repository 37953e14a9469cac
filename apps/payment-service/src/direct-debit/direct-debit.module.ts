import { type DynamicModule, Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PaymentsRepository } from '../payments/payments.repository';
import { CaseContexts } from '../shared/case-context';
import { PeriodicTask } from '../shared/periodic-task';
import type { SchedulerOptions } from '../plans/plans.module';
import { PlansRepository } from '../plans/plans.repository';
import { ChangePlan } from '../plans/use-cases/change-plan.use-case';
import { DIRECT_DEBIT_PSP, MANDATE_WEBHOOK_HANDLER } from '../psp/mandate-webhooks';
import type { DirectDebitProvider } from '../psp/psp-port';
import { type Clock, PAYMENT_CLOCK } from '../shared/clock';
import { PaymentTenants } from '../tenants/payment-tenants';
import { CollectionSubmission } from './collection-submission';
import { CollectionsRepository } from './collections.repository';
import { MandateWebhooks } from './mandate-webhooks';
import { MandatesController } from './mandates.controller';
import { MandatesRepository } from './mandates.repository';
import { CancelMandate } from './use-cases/cancel-mandate.use-case';
import { ChangeCollectionDay } from './use-cases/change-collection-day.use-case';
import { SetUpMandate } from './use-cases/set-up-mandate.use-case';

export interface DirectDebitOptions extends SchedulerOptions {
  /** Days before an instalment's due date its collection is submitted. */
  collectionLeadDays: number;
}

const COLLECTION_SCHEDULER = Symbol('payment-service.collection-scheduler');

/**
 * Direct debit: the mandates API, the mandate webhook handler (exported under
 * MANDATE_WEBHOOK_HANDLER) and the scheduler that submits collections (CollectionSubmission,
 * exported for tests). Needs DIRECT_DEBIT_PSP from the application, plus SharedModule, the
 * global DataSource and Outbox. Plan re-scheduling uses its own ChangePlan over the same tables.
 */
@Module({})
export class DirectDebitModule {
  static forRoot(options: DirectDebitOptions): DynamicModule {
    const bySchema = <T>(type: new (schema: string) => T) => ({
      provide: type,
      inject: [Outbox],
      useFactory: (outbox: Outbox) => new type(outbox.schema),
    });
    return {
      module: DirectDebitModule,
      // Global, so PaymentsModule and the composition root see what it exports.
      global: true,
      controllers: [MandatesController],
      providers: [
        bySchema(MandatesRepository),
        bySchema(PlansRepository),
        bySchema(CollectionsRepository),
        {
          provide: CaseContexts,
          inject: [PaymentTenants, CaseProjectionRepository, LedgerRepository, PAYMENT_CLOCK],
          useFactory: (
            tenants: PaymentTenants,
            cases: CaseProjectionRepository,
            ledger: LedgerRepository,
            clock: Clock,
          ) => new CaseContexts(tenants, cases, ledger, clock),
        },
        {
          provide: SetUpMandate,
          inject: [
            DataSource,
            CaseContexts,
            MandatesRepository,
            PlansRepository,
            DIRECT_DEBIT_PSP,
            PAYMENT_CLOCK,
          ],
          useFactory: (
            dataSource: DataSource,
            contexts: CaseContexts,
            mandates: MandatesRepository,
            plans: PlansRepository,
            psp: DirectDebitProvider | null,
            clock: Clock,
          ) => new SetUpMandate(dataSource, contexts, mandates, plans, psp, clock),
        },
        {
          provide: ChangeCollectionDay,
          inject: [
            DataSource,
            CaseContexts,
            MandatesRepository,
            PlansRepository,
            DIRECT_DEBIT_PSP,
            Outbox,
            PAYMENT_CLOCK,
          ],
          useFactory: (
            dataSource: DataSource,
            contexts: CaseContexts,
            mandates: MandatesRepository,
            plans: PlansRepository,
            psp: DirectDebitProvider | null,
            outbox: Outbox,
            clock: Clock,
          ) =>
            new ChangeCollectionDay(
              dataSource,
              mandates,
              plans,
              new ChangePlan(dataSource, contexts, plans, outbox),
              psp,
              outbox,
              clock,
            ),
        },
        {
          provide: CancelMandate,
          inject: [
            DataSource,
            MandatesRepository,
            PlansRepository,
            DIRECT_DEBIT_PSP,
            Outbox,
            PAYMENT_CLOCK,
          ],
          useFactory: (
            dataSource: DataSource,
            mandates: MandatesRepository,
            plans: PlansRepository,
            psp: DirectDebitProvider | null,
            outbox: Outbox,
            clock: Clock,
          ) => new CancelMandate(dataSource, mandates, plans, psp, outbox, clock),
        },
        {
          provide: MANDATE_WEBHOOK_HANDLER,
          inject: [MandatesRepository, PlansRepository],
          useFactory: (mandates: MandatesRepository, plans: PlansRepository) =>
            new MandateWebhooks(mandates, plans),
        },
        {
          provide: CollectionSubmission,
          inject: [
            DataSource,
            CollectionsRepository,
            PaymentsRepository,
            PaymentTenants,
            DIRECT_DEBIT_PSP,
            Outbox,
          ],
          useFactory: (
            dataSource: DataSource,
            collections: CollectionsRepository,
            payments: PaymentsRepository,
            tenants: PaymentTenants,
            psp: DirectDebitProvider | null,
            outbox: Outbox,
          ) =>
            new CollectionSubmission(
              dataSource,
              collections,
              payments,
              tenants,
              psp,
              outbox,
              options.collectionLeadDays,
            ),
        },
        {
          provide: COLLECTION_SCHEDULER,
          inject: [CollectionSubmission, PAYMENT_CLOCK],
          useFactory: (submission: CollectionSubmission, clock: Clock) =>
            new PeriodicTask('CollectionScheduler', submission, clock, options.schedulerIntervalMs),
        },
      ],
      exports: [MANDATE_WEBHOOK_HANDLER, CollectionSubmission],
    };
  }
}
