import { type DynamicModule, Module } from '@nestjs/common';
import { provideEventConsumer } from '@clement/messaging/nest';
import type { DispatchServiceConfig } from '../config';
import { CaseEventsConsumer } from './case-events.consumer';
import {
  ContactProjection,
  DEBTOR_ERASURE_HOOK,
  type DebtorErasureHook,
} from './contact-projection';
import { ContactProjectionRepository } from './contact-projection.repository';

export const CASE_EVENTS_GROUP = 'dispatch-service.case-events';

/**
 * The contact projection fed by case events. Providers are built by factories (no constructor
 * metadata needed), so the wiring is explicit and reads top to bottom.
 */
@Module({})
export class ContactProjectionModule {
  static forRoot(config: DispatchServiceConfig): DynamicModule {
    const schema = config.DATABASE_SCHEMA;
    return {
      module: ContactProjectionModule,
      providers: [
        {
          provide: ContactProjectionRepository,
          useFactory: () => new ContactProjectionRepository(schema),
        },
        {
          provide: ContactProjection,
          inject: [ContactProjectionRepository, { token: DEBTOR_ERASURE_HOOK, optional: true }],
          useFactory: (repository: ContactProjectionRepository, onErased?: DebtorErasureHook) =>
            new ContactProjection(repository, onErased),
        },
        {
          provide: CaseEventsConsumer,
          inject: [ContactProjection],
          useFactory: (projection: ContactProjection) => new CaseEventsConsumer(projection),
        },
        provideEventConsumer({
          groupId: CASE_EVENTS_GROUP,
          inject: [CaseEventsConsumer],
          subscriptions: (consumer: CaseEventsConsumer) => [consumer.handlers()],
        }),
      ],
      exports: [ContactProjection, ContactProjectionRepository],
    };
  }
}
