import { type DynamicModule, Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PaymentsRepository } from '../payments/payments.repository';
import { CaseContexts } from '../shared/case-context';
import { PeriodicTask } from '../shared/periodic-task';
import type { SchedulerOptions } from '../plans/plans.module';
import { type Clock, PAYMENT_CLOCK } from '../shared/clock';
import { PaymentTenants } from '../tenants/payment-tenants';
import { PromiseEvaluation } from './promise-evaluation';
import { PromisePaymentListener } from './promise-payment.listener';
import { PromisesController } from './promises.controller';
import { PromisesRepository } from './promises.repository';
import { CancelPromise } from './use-cases/cancel-promise.use-case';
import { MakePromise } from './use-cases/make-promise.use-case';
import { PromiseQueries } from './use-cases/promise-queries';

const PROMISE_SCHEDULER = Symbol('payment-service.promise-scheduler');

/**
 * Promises to pay: the API, PromisePaymentListener (exported, for PAYMENT_LISTENERS) and the
 * scheduler that breaks promises at their deadline (PromiseEvaluation, exported for tests).
 */
@Module({})
export class PromisesModule {
  static forRoot(options: SchedulerOptions): DynamicModule {
    return {
      module: PromisesModule,
      // Global, so PaymentsModule and the composition root see what it exports.
      global: true,
      controllers: [PromisesController],
      providers: [
        {
          provide: PromisesRepository,
          inject: [Outbox],
          useFactory: (outbox: Outbox) => new PromisesRepository(outbox.schema),
        },
        {
          provide: MakePromise,
          inject: [
            DataSource,
            Outbox,
            PromisesRepository,
            PaymentTenants,
            CaseProjectionRepository,
            LedgerRepository,
            PAYMENT_CLOCK,
          ],
          useFactory: (
            dataSource: DataSource,
            outbox: Outbox,
            promises: PromisesRepository,
            tenants: PaymentTenants,
            cases: CaseProjectionRepository,
            ledger: LedgerRepository,
            clock: Clock,
          ) =>
            new MakePromise(
              dataSource,
              new CaseContexts(tenants, cases, ledger, clock),
              promises,
              outbox,
            ),
        },
        {
          provide: CancelPromise,
          inject: [DataSource, PromisesRepository, PAYMENT_CLOCK],
          useFactory: (dataSource: DataSource, promises: PromisesRepository, clock: Clock) =>
            new CancelPromise(dataSource, promises, clock),
        },
        {
          provide: PromiseQueries,
          inject: [DataSource, PromisesRepository, CaseProjectionRepository],
          useFactory: (
            dataSource: DataSource,
            promises: PromisesRepository,
            cases: CaseProjectionRepository,
          ) => new PromiseQueries(dataSource, promises, cases),
        },
        {
          provide: PromisePaymentListener,
          inject: [PromisesRepository, PaymentsRepository],
          useFactory: (promises: PromisesRepository, payments: PaymentsRepository) =>
            new PromisePaymentListener(promises, payments),
        },
        {
          provide: PromiseEvaluation,
          inject: [DataSource, PromisesRepository, Outbox],
          useFactory: (dataSource: DataSource, promises: PromisesRepository, outbox: Outbox) =>
            new PromiseEvaluation(dataSource, promises, outbox),
        },
        {
          provide: PROMISE_SCHEDULER,
          inject: [PromiseEvaluation, PAYMENT_CLOCK],
          useFactory: (evaluation: PromiseEvaluation, clock: Clock) =>
            new PeriodicTask('PromiseScheduler', evaluation, clock, options.schedulerIntervalMs),
        },
      ],
      exports: [PromisePaymentListener, PromiseEvaluation],
    };
  }
}
