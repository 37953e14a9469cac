/** Where OTLP data goes, derived from the standard OTEL_* variables; undefined means "do not export". */
export interface OtlpEndpoints {
  readonly traces?: string;
  readonly metrics?: string;
  readonly metricExportIntervalMs: number;
  /** OTEL_BSP_* settings for the batch span processor (unset ones keep the SDK defaults). */
  readonly spanBatch: SpanBatchSettings;
}

export interface SpanBatchSettings {
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxQueueSize?: number;
  readonly maxExportBatchSize?: number;
}

const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;

export function resolveOtlpEndpoints(env: NodeJS.ProcessEnv): OtlpEndpoints {
  const base = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  const traces =
    nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) ?? signalUrl(base, 'v1/traces');
  const metrics =
    nonEmpty(env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']) ?? signalUrl(base, 'v1/metrics');
  return {
    traces: exporterDisabled(env['OTEL_TRACES_EXPORTER']) ? undefined : traces,
    metrics: exporterDisabled(env['OTEL_METRICS_EXPORTER']) ? undefined : metrics,
    metricExportIntervalMs:
      positiveInt(env['OTEL_METRIC_EXPORT_INTERVAL']) ?? DEFAULT_METRIC_EXPORT_INTERVAL_MS,
    spanBatch: withoutUndefined({
      scheduledDelayMillis: positiveInt(env['OTEL_BSP_SCHEDULE_DELAY']),
      exportTimeoutMillis: positiveInt(env['OTEL_BSP_EXPORT_TIMEOUT']),
      maxQueueSize: positiveInt(env['OTEL_BSP_MAX_QUEUE_SIZE']),
      maxExportBatchSize: positiveInt(env['OTEL_BSP_MAX_EXPORT_BATCH_SIZE']),
    }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

// Per the OTLP spec the generic endpoint is a base URL and the signal path is appended to it.
function signalUrl(base: string | undefined, path: string): string | undefined {
  return base === undefined ? undefined : `${base.replace(/\/+$/, '')}/${path}`;
}

function exporterDisabled(value: string | undefined): boolean {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .includes('none');
}

function positiveInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
