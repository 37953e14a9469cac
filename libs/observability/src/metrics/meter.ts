import { type Meter, metrics } from '@opentelemetry/api';

/**
 * Meter for one component, e.g. `metricsMeter('clement.messaging')`. The metrics API has no proxy
 * provider: create instruments after `startTelemetry` ran (in constructors, not at module load),
 * otherwise they stay no-ops forever.
 */
export function metricsMeter(name: string, version?: string): Meter {
  return metrics.getMeter(name, version);
}
