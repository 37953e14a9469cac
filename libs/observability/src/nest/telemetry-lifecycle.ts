import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { getActiveTelemetry } from '../telemetry/start-telemetry';
import type { ObservabilityModuleOptions } from './observability.options';
import { OBSERVABILITY_OPTIONS } from './tokens';

/** Flushes spans and metrics when Nest closes (enableShutdownHooks turns SIGTERM into a close). */
@Injectable()
export class TelemetryLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityModuleOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.options.shutdownTelemetryOnClose === false) {
      return;
    }
    await getActiveTelemetry()?.shutdown();
  }
}
