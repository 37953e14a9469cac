import { Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { CaseContexts } from '../shared/case-context';
import { type Clock, PAYMENT_CLOCK } from '../shared/clock';
import { PaymentTenants } from '../tenants/payment-tenants';
import { MakeOffer } from './make-offer.use-case';
import { OffersController } from './offers.controller';
import { OffersRepository } from './offers.repository';

/**
 * Offers: POST /v1/cases/{caseId}/offers and GET /v1/offers/{offerId}. Relies on SharedModule
 * (tenants, clock, case projection, ledger), the global DataSource and Outbox.
 */
@Module({
  controllers: [OffersController],
  providers: [
    {
      provide: MakeOffer,
      inject: [
        DataSource,
        Outbox,
        PaymentTenants,
        CaseProjectionRepository,
        LedgerRepository,
        PAYMENT_CLOCK,
      ],
      useFactory: (
        dataSource: DataSource,
        outbox: Outbox,
        tenants: PaymentTenants,
        cases: CaseProjectionRepository,
        ledger: LedgerRepository,
        clock: Clock,
      ) =>
        new MakeOffer(
          dataSource,
          new CaseContexts(tenants, cases, ledger, clock),
          new OffersRepository(outbox.schema),
          outbox,
        ),
    },
  ],
})
export class OffersModule {}
