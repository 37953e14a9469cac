import { Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import { CaseJourneyReader } from './case-journey.reader';
import { CaseJourneysController } from './case-journeys.controller';

/** The staff API's read of journeys; the service's schema is the outbox's. */
@Module({
  controllers: [CaseJourneysController],
  providers: [
    {
      provide: CaseJourneyReader,
      inject: [DataSource, Outbox],
      useFactory: (dataSource: DataSource, outbox: Outbox) =>
        new CaseJourneyReader(dataSource, outbox.schema),
    },
  ],
})
export class CaseJourneysModule {}
