import { type DynamicModule, Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { OffersRepository } from '../offers/offers.repository';
import { PaymentsRepository } from '../payments/payments.repository';
import { type Clock, PAYMENT_CLOCK } from '../shared/clock';
import { PaymentTenants } from '../tenants/payment-tenants';
import { CaseContexts } from '../shared/case-context';
import { PeriodicTask } from '../shared/periodic-task';
import { PlanEvaluation } from './plan-evaluation';
import { PlanPaymentListener } from './plan-payment.listener';
import { PlansController } from './plans.controller';
import { PlansRepository } from './plans.repository';
import { CancelPlan } from './use-cases/cancel-plan.use-case';
import { ChangePlan } from './use-cases/change-plan.use-case';
import { CreatePlan } from './use-cases/create-plan.use-case';
import { PlanQueries } from './use-cases/plan-queries';

export interface SchedulerOptions {
  /** How often the scheduler looks for due work; 0 disables it (tests drive evaluateDue). */
  schedulerIntervalMs: number;
}

const PLAN_SCHEDULER = Symbol('payment-service.plan-scheduler');

/**
 * Payment plans: the API, PlanPaymentListener (exported, for PAYMENT_LISTENERS) and the
 * scheduler that finds missed instalments (PlanEvaluation, exported for tests). Relies on
 * SharedModule, the global DataSource and Outbox.
 */
@Module({})
export class PlansModule {
  static forRoot(options: SchedulerOptions): DynamicModule {
    return {
      module: PlansModule,
      // Global, so PaymentsModule and the composition root see what it exports.
      global: true,
      controllers: [PlansController],
      providers: [
        {
          provide: PlansRepository,
          inject: [Outbox],
          useFactory: (outbox: Outbox) => new PlansRepository(outbox.schema),
        },
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
          provide: CreatePlan,
          inject: [DataSource, CaseContexts, PlansRepository, Outbox],
          useFactory: (
            dataSource: DataSource,
            contexts: CaseContexts,
            plans: PlansRepository,
            outbox: Outbox,
          ) =>
            new CreatePlan(
              dataSource,
              contexts,
              new OffersRepository(outbox.schema),
              plans,
              outbox,
            ),
        },
        {
          provide: ChangePlan,
          inject: [DataSource, CaseContexts, PlansRepository, Outbox],
          useFactory: (
            dataSource: DataSource,
            contexts: CaseContexts,
            plans: PlansRepository,
            outbox: Outbox,
          ) => new ChangePlan(dataSource, contexts, plans, outbox),
        },
        {
          provide: CancelPlan,
          inject: [DataSource, PlansRepository, Outbox, PAYMENT_CLOCK],
          useFactory: (
            dataSource: DataSource,
            plans: PlansRepository,
            outbox: Outbox,
            clock: Clock,
          ) => new CancelPlan(dataSource, plans, outbox, clock),
        },
        {
          provide: PlanQueries,
          inject: [DataSource, PlansRepository, CaseProjectionRepository],
          useFactory: (
            dataSource: DataSource,
            plans: PlansRepository,
            cases: CaseProjectionRepository,
          ) => new PlanQueries(dataSource, plans, cases),
        },
        {
          provide: PlanPaymentListener,
          inject: [
            PlansRepository,
            CaseProjectionRepository,
            PaymentsRepository,
            PaymentTenants,
            PAYMENT_CLOCK,
          ],
          useFactory: (
            plans: PlansRepository,
            cases: CaseProjectionRepository,
            payments: PaymentsRepository,
            tenants: PaymentTenants,
            clock: Clock,
          ) => new PlanPaymentListener(plans, cases, payments, tenants, clock),
        },
        {
          provide: PlanEvaluation,
          inject: [DataSource, PlansRepository, PaymentTenants, Outbox],
          useFactory: (
            dataSource: DataSource,
            plans: PlansRepository,
            tenants: PaymentTenants,
            outbox: Outbox,
          ) => new PlanEvaluation(dataSource, plans, tenants, outbox),
        },
        {
          provide: PLAN_SCHEDULER,
          inject: [PlanEvaluation, PAYMENT_CLOCK],
          useFactory: (evaluation: PlanEvaluation, clock: Clock) =>
            new PeriodicTask('PlanScheduler', evaluation, clock, options.schedulerIntervalMs),
        },
      ],
      exports: [PlanPaymentListener, PlanEvaluation],
    };
  }
}
