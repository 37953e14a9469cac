import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { ReadinessCheck } from '../health/readiness';

export interface ReadinessChecksFactory {
  /** Modules that export what `inject` asks for. */
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: FactoryProvider['inject'];
  // never[] lets callers type their parameters (e.g. `(dataSource: DataSource) => ...`).
  readonly useFactory: (...dependencies: never[]) => ReadinessCheck[] | Promise<ReadinessCheck[]>;
}

export interface ObservabilityModuleOptions {
  /** Written as `service` on every log line. */
  readonly serviceName: string;
  /** pino level (default info). */
  readonly logLevel?: string;
  /** Where JSON log lines go (default stdout); tests pass an in-memory stream. */
  readonly logDestination?: DestinationStream;
  /** Checks behind GET /health/ready; other modules can add more with `provideReadinessCheck`. */
  readonly readinessChecks?: readonly ReadinessCheck[] | ReadinessChecksFactory;
  /** A check slower than this counts as down (default 2000 ms). */
  readonly readinessTimeoutMs?: number;
  /** Flush and stop the telemetry started by `startTelemetry` when the app closes (default true). */
  readonly shutdownTelemetryOnClose?: boolean;
}
