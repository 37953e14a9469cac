import { Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { provideEventConsumer } from '@clement/messaging/nest';
import { LedgerRepository } from '../ledger/ledger.repository';
import { CaseEventsConsumer } from './case-events.consumer';
import { CaseProjection } from './case-projection';
import { CaseProjectionRepository } from './case-projection.repository';

export const CASE_EVENTS_GROUP = 'payment-service.case-events';

/**
 * The cases payment-service may take payments on, fed by case events; the ledger's openings and
 * the creditor's adjustments. Repositories come from SharedModule.
 */
@Module({
  providers: [
    {
      provide: CaseProjection,
      inject: [CaseProjectionRepository, LedgerRepository, Outbox],
      useFactory: (cases: CaseProjectionRepository, ledger: LedgerRepository, outbox: Outbox) =>
        new CaseProjection(cases, ledger, outbox),
    },
    {
      provide: CaseEventsConsumer,
      inject: [CaseProjection],
      useFactory: (projection: CaseProjection) => new CaseEventsConsumer(projection),
    },
    provideEventConsumer({
      groupId: CASE_EVENTS_GROUP,
      inject: [CaseEventsConsumer],
      subscriptions: (consumer: CaseEventsConsumer) => [consumer.handlers()],
    }),
  ],
})
export class CaseProjectionModule {}
