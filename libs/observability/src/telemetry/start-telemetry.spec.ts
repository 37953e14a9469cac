import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { getActiveTelemetry, startTelemetry, type TelemetryHandle } from './start-telemetry';

describe('startTelemetry', () => {
  let handle: TelemetryHandle | undefined;
  let spans: InMemorySpanExporter;
  let processor: SimpleSpanProcessor;

  const start = (serviceName = 'telemetry-spec'): TelemetryHandle => {
    handle = startTelemetry({
      serviceName,
      serviceVersion: '1.2.3',
      instrumentations: false,
      spanProcessors: [processor],
      env: {},
    });
    return handle;
  };

  // Export waits for asynchronously detected resource attributes (host id), hence the flush.
  const finishedSpans = async (): Promise<ReadableSpan[]> => {
    await processor.forceFlush();
    return spans.getFinishedSpans();
  };

  beforeEach(() => {
    spans = new InMemorySpanExporter();
    processor = new SimpleSpanProcessor(spans);
  });

  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
  });

  it('records spans with the service name and version on the resource', async () => {
    start();

    trace.getTracer('spec').startActiveSpan('work', (span) => span.end());

    const [span] = await finishedSpans();
    expect(span?.name).toBe('work');
    expect(span?.resource.attributes).toMatchObject({
      'service.name': 'telemetry-spec',
      'service.version': '1.2.3',
    });
  });

  it('creates real trace ids even when no exporter is configured', () => {
    handle = startTelemetry({ serviceName: 'no-export', instrumentations: false, env: {} });

    const spanContext = trace.getTracer('spec').startActiveSpan('work', (span) => {
      span.end();
      return span.spanContext();
    });

    expect(spanContext.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanContext.traceId).not.toBe('00000000000000000000000000000000');
  });

  it('exposes counters through the Prometheus reader', async () => {
    const telemetry = start();
    metrics.getMeter('clement.spec').createCounter('clement.spec.events').add(3, { kind: 'a' });

    const { resourceMetrics } = await telemetry.prometheus.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);

    expect(text).toMatch(/^clement_spec_events_total\{[^}]*kind="a"[^}]*\} 3$/m);
  });

  it('propagates W3C trace context and baggage', async () => {
    start();
    const carrier: Record<string, string> = {};

    trace.getTracer('spec').startActiveSpan('publish', (span) => {
      const withBaggage = propagation.setBaggage(
        context.active(),
        propagation.createBaggage({ tenant: { value: 't-1' } }),
      );
      propagation.inject(withBaggage, carrier);
      span.end();
    });

    const [span] = await finishedSpans();
    expect(carrier['traceparent']).toBe(
      `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`,
    );
    expect(carrier['baggage']).toBe('tenant=t-1');
  });

  it('refuses a second start while running and can start again after shutdown', async () => {
    const first = start('first');
    expect(getActiveTelemetry()).toBe(first);
    expect(() => start('second')).toThrow(/already running for "first"/);

    await first.shutdown();
    expect(getActiveTelemetry()).toBeUndefined();

    // Shutdown also stopped the first processor; a restart brings its own.
    spans = new InMemorySpanExporter();
    processor = new SimpleSpanProcessor(spans);
    const second = start('second');
    trace.getTracer('spec').startActiveSpan('again', (span) => span.end());
    expect((await finishedSpans()).map((span) => span.resource.attributes['service.name'])).toEqual(
      ['second'],
    );
    expect(getActiveTelemetry()).toBe(second);
  });

  it('does not register anything when OTEL_SDK_DISABLED=true', async () => {
    handle = startTelemetry({
      serviceName: 'disabled',
      instrumentations: false,
      spanProcessors: [processor],
      env: { OTEL_SDK_DISABLED: 'true' },
    });

    trace.getTracer('spec').startActiveSpan('ignored', (span) => span.end());

    expect(await finishedSpans()).toHaveLength(0);
    expect(getActiveTelemetry()).toBeUndefined();
  });
});
