import type { InjectionToken, OptionalFactoryDependency, Provider } from '@nestjs/common';
import type { ReadinessCheck } from '../health/readiness';
import { ReadinessRegistry } from './readiness.registry';

export interface ReadinessCheckProviderOptions {
  /** Dependencies handed to `useFactory`, in order (same as a Nest factory provider). */
  readonly inject?: Array<InjectionToken | OptionalFactoryDependency>;
  // never[] lets callers type their parameters (e.g. `(dataSource: DataSource) => ...`).
  readonly useFactory: (...dependencies: never[]) => ReadinessCheck | Promise<ReadinessCheck>;
}

let sequence = 0;

/**
 * A provider that builds a readiness check and registers it with the global ReadinessRegistry.
 * Put it in any module's `providers`; without ObservabilityModule in the app it is a no-op.
 */
export function provideReadinessCheck(options: ReadinessCheckProviderOptions): Provider {
  sequence += 1;
  const factory = options.useFactory as (
    ...dependencies: unknown[]
  ) => ReadinessCheck | Promise<ReadinessCheck>;
  return {
    provide: Symbol(`clement.observability.readiness-check.${sequence}`),
    inject: [{ token: ReadinessRegistry, optional: true }, ...(options.inject ?? [])],
    useFactory: async (registry: ReadinessRegistry | undefined, ...dependencies: unknown[]) => {
      const check = await factory(...dependencies);
      registry?.register(check);
      return check;
    },
  };
}
