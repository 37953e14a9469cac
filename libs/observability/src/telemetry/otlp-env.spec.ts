import { resolveOtlpEndpoints } from './otlp-env';

describe('resolveOtlpEndpoints', () => {
  it('exports nothing when no endpoint is configured', () => {
    expect(resolveOtlpEndpoints({})).toEqual({
      traces: undefined,
      metrics: undefined,
      metricExportIntervalMs: 60_000,
      spanBatch: {},
    });
  });

  it('appends the signal path to the generic endpoint', () => {
    expect(
      resolveOtlpEndpoints({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }),
    ).toMatchObject({
      traces: 'http://collector:4318/v1/traces',
      metrics: 'http://collector:4318/v1/metrics',
    });
  });

  it('uses signal-specific endpoints verbatim and prefers them', () => {
    const endpoints = resolveOtlpEndpoints({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:9000/custom',
    });
    expect(endpoints).toMatchObject({
      traces: 'http://collector:4318/v1/traces',
      metrics: 'http://metrics:9000/custom',
    });
  });

  it('honours OTEL_*_EXPORTER=none, the export interval and batch settings', () => {
    expect(
      resolveOtlpEndpoints({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
      }),
    ).toEqual({
      traces: undefined,
      metrics: 'http://collector:4318/v1/metrics',
      metricExportIntervalMs: 5000,
      spanBatch: { scheduledDelayMillis: 200 },
    });
  });

  it('treats blank values as unset', () => {
    expect(resolveOtlpEndpoints({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).traces).toBeUndefined();
  });
});
