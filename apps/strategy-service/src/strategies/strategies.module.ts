import { Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import './strategy-error-statuses';
import { StrategiesController, StrategySchemaController } from './strategies.controller';
import { StrategiesRepository } from './strategies.repository';
import { StrategyActivation } from './strategy-activation';
import { CachedStrategyCatalogue, STRATEGY_CATALOGUE } from './strategy-catalogue';
import { StrategyVersions } from './strategy-versions';

/**
 * Strategies as versioned data: the staff API and the catalogue the engine reads
 * (`STRATEGY_CATALOGUE`). Relies on the global TypeORM DataSource, Outbox (MessagingModule) and
 * AuthModule; the service's schema is the outbox's.
 */
@Module({
  controllers: [StrategiesController, StrategySchemaController],
  providers: [
    {
      provide: StrategiesRepository,
      inject: [Outbox],
      useFactory: (outbox: Outbox) => new StrategiesRepository(outbox.schema),
    },
    {
      provide: CachedStrategyCatalogue,
      inject: [DataSource, StrategiesRepository],
      useFactory: (dataSource: DataSource, repository: StrategiesRepository) =>
        new CachedStrategyCatalogue(dataSource, repository),
    },
    { provide: STRATEGY_CATALOGUE, useExisting: CachedStrategyCatalogue },
    {
      provide: StrategyVersions,
      inject: [DataSource, StrategiesRepository],
      useFactory: (dataSource: DataSource, repository: StrategiesRepository) =>
        new StrategyVersions(dataSource, repository),
    },
    {
      provide: StrategyActivation,
      inject: [DataSource, StrategiesRepository, Outbox, CachedStrategyCatalogue],
      useFactory: (
        dataSource: DataSource,
        repository: StrategiesRepository,
        outbox: Outbox,
        catalogue: CachedStrategyCatalogue,
      ) => new StrategyActivation(dataSource, repository, outbox, catalogue),
    },
  ],
  exports: [STRATEGY_CATALOGUE, CachedStrategyCatalogue],
})
export class StrategiesModule {}
