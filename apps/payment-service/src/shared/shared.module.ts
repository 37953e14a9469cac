import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PaymentsRepository } from '../payments/payments.repository';
import { PaymentTenants } from '../tenants/payment-tenants';
import { type Clock, PAYMENT_CLOCK } from './clock';

export interface SharedModuleOptions {
  tenants: PaymentTenants;
  clock: Clock;
}

/**
 * What every feature module of payment-service shares: tenants, the clock, and the repositories
 * of the case projection, the ledger and payments (the schema is the outbox's).
 */
@Global()
@Module({})
export class SharedModule {
  static forRoot(options: SharedModuleOptions): DynamicModule {
    const bySchema = <T>(type: new (schema: string) => T) => ({
      provide: type,
      inject: [Outbox],
      useFactory: (outbox: Outbox) => new type(outbox.schema),
    });
    return {
      module: SharedModule,
      providers: [
        { provide: PaymentTenants, useValue: options.tenants },
        { provide: PAYMENT_CLOCK, useValue: options.clock },
        bySchema(CaseProjectionRepository),
        bySchema(LedgerRepository),
        bySchema(PaymentsRepository),
      ],
      exports: [
        PaymentTenants,
        PAYMENT_CLOCK,
        CaseProjectionRepository,
        LedgerRepository,
        PaymentsRepository,
      ],
    };
  }
}
