import { type DynamicModule, Module } from '@nestjs/common';
import { assertServiceSchemaName } from '@clement/persistence';
import { DataSource } from 'typeorm';
import { PostgresIdempotencyRepository } from '../persistence/idempotency.repository';
import { IdempotencyPurgeScheduler } from './idempotency-purge.scheduler';
import { type IdempotencyModuleOptions, resolveIdempotencySettings } from './idempotency-settings';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_REPOSITORY, IDEMPOTENCY_SETTINGS } from './idempotency.tokens';

/**
 * Idempotency-Key support for `@Idempotent()` routes, with keys in the service's schema (list
 * `idempotencyMigrations(schema)` among its migrations). Global, so any feature module's
 * controller may use `@Idempotent()`; uses the DataSource `TypeOrmModule.forRoot[Async]`
 * registers. Expired keys are purged every `purgeIntervalMs` until the application shuts down.
 *
 * ```ts
 * @Module({
 *   imports: [
 *     TypeOrmModule.forRootAsync({ ... }),
 *     AuthModule.forRoot({ ... }),
 *     IdempotencyModule.forRoot({ schema: 'payment' }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyModuleOptions): DynamicModule {
    // Fail at boot, not on the first request.
    assertServiceSchemaName(options.schema);
    const settings = resolveIdempotencySettings(options);
    return {
      module: IdempotencyModule,
      global: true,
      providers: [
        { provide: IDEMPOTENCY_SETTINGS, useValue: settings },
        {
          provide: IDEMPOTENCY_REPOSITORY,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new PostgresIdempotencyRepository(dataSource, options.schema),
        },
        IdempotencyInterceptor,
        IdempotencyPurgeScheduler,
      ],
      exports: [IDEMPOTENCY_SETTINGS, IDEMPOTENCY_REPOSITORY, IdempotencyInterceptor],
    };
  }
}
