import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { ReadinessCheck } from '../health/readiness';
import { createLogger } from '../logging/create-logger';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import type { ObservabilityModuleOptions, ReadinessChecksFactory } from './observability.options';
import { PrometheusMetrics } from './prometheus-metrics';
import { ReadinessRegistry } from './readiness.registry';
import { requestLoggingOptions } from './request-logging';
import { TelemetryLifecycle } from './telemetry-lifecycle';
import { OBSERVABILITY_OPTIONS, READINESS_CHECKS } from './tokens';

/**
 * Health, metrics and structured logging for a service: GET /health/live, GET /health/ready,
 * GET /metrics, and nestjs-pino request logging. Import once, in the app module.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const logger = createLogger({
      name: options.serviceName,
      level: options.logLevel,
      destination: options.logDestination,
    });
    const checks = options.readinessChecks ?? [];
    const checksFactory = isFactory(checks) ? checks : undefined;

    const providers: Provider[] = [
      { provide: OBSERVABILITY_OPTIONS, useValue: options },
      checksFactory
        ? {
            provide: READINESS_CHECKS,
            inject: checksFactory.inject ?? [],
            useFactory: checksFactory.useFactory as (
              ...dependencies: unknown[]
            ) => ReadinessCheck[] | Promise<ReadinessCheck[]>,
          }
        : { provide: READINESS_CHECKS, useValue: checks },
      ReadinessRegistry,
      {
        provide: PrometheusMetrics,
        inject: [OBSERVABILITY_OPTIONS],
        useFactory: (resolved: ObservabilityModuleOptions) =>
          new PrometheusMetrics(resolved.serviceName),
      },
      TelemetryLifecycle,
    ];

    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot({ pinoHttp: requestLoggingOptions(logger) }),
        ...(checksFactory?.imports ?? []),
      ],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [ReadinessRegistry, PrometheusMetrics],
    };
  }
}

function isFactory(
  checks: readonly ReadinessCheck[] | ReadinessChecksFactory,
): checks is ReadinessChecksFactory {
  return !Array.isArray(checks);
}
