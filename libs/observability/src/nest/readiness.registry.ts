import { Inject, Injectable } from '@nestjs/common';
import { type ReadinessCheck, type ReadinessReport, runReadinessChecks } from '../health/readiness';
import type { ObservabilityModuleOptions } from './observability.options';
import { OBSERVABILITY_OPTIONS, READINESS_CHECKS } from './tokens';

/** Every readiness check of the process; modules add theirs with `provideReadinessCheck`. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly timeoutMs: number | undefined;

  constructor(
    @Inject(READINESS_CHECKS) initialChecks: readonly ReadinessCheck[],
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityModuleOptions,
  ) {
    this.timeoutMs = options.readinessTimeoutMs;
    initialChecks.forEach((check) => this.register(check));
  }

  /** Adds a check; returns a function that removes it again. Names must be unique. */
  register(check: ReadinessCheck): () => void {
    if (this.checks.has(check.name)) {
      throw new Error(`A readiness check named "${check.name}" is already registered`);
    }
    this.checks.set(check.name, check);
    return () => {
      if (this.checks.get(check.name) === check) {
        this.checks.delete(check.name);
      }
    };
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  report(): Promise<ReadinessReport> {
    return runReadinessChecks([...this.checks.values()], this.timeoutMs);
  }
}
