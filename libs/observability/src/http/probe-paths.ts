/** Paths served by ObservabilityModule; kept out of traces and request logs. */
export const LIVENESS_PATH = '/health/live';
export const READINESS_PATH = '/health/ready';
export const METRICS_PATH = '/metrics';

const PROBE_PATHS: ReadonlySet<string> = new Set([LIVENESS_PATH, READINESS_PATH, METRICS_PATH]);

export function isProbePath(url: string | undefined): boolean {
  return url !== undefined && PROBE_PATHS.has(stripQuery(url));
}

/** Query strings may carry tokens or personal data, so they never reach logs. */
export function stripQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** For `app.setGlobalPrefix('api', { exclude: OBSERVABILITY_ROUTES })`: probes stay at the root. */
export const OBSERVABILITY_ROUTES: string[] = [LIVENESS_PATH, READINESS_PATH, METRICS_PATH].map(
  (path) => path.slice(1),
);
