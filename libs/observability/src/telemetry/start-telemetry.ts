import { context, metrics, propagation, trace } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { isProbePath } from '../http/probe-paths';
import { resolveOtlpEndpoints } from './otlp-env';

type Instrumentation = Exclude<NodeSDKConfiguration['instrumentations'][number], unknown[]>;

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /** Extra exporter, batched. OTLP is added on top of it when an endpoint is configured. */
  readonly traceExporter?: SpanExporter;
  /** Extra span processors, e.g. `new SimpleSpanProcessor(new InMemorySpanExporter())` in tests. */
  readonly spanProcessors?: SpanProcessor[];
  /** Extra metric readers; the Prometheus reader (and OTLP when configured) are always present. */
  readonly metricReaders?: IMetricReader[];
  /** Auto-instrument http, express, pg and Nest (default true). kafkajs is never instrumented. */
  readonly instrumentations?: boolean;
  /** Read OTEL_* settings from here instead of process.env (used to pick exporters and URLs). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface TelemetryHandle {
  readonly serviceName: string;
  /** Pull-based reader behind GET /metrics; never starts its own HTTP server. */
  readonly prometheus: PrometheusExporter;
  /** Flushes and stops exporters and unregisters the global providers; safe to call twice. */
  shutdown(): Promise<void>;
}

const ACTIVE_TELEMETRY = Symbol.for('clement.observability.telemetry');

type TelemetryGlobal = typeof globalThis & { [ACTIVE_TELEMETRY]?: TelemetryHandle };

/** The handle of the running telemetry, if `startTelemetry` was called in this process. */
export function getActiveTelemetry(): TelemetryHandle | undefined {
  return (globalThis as TelemetryGlobal)[ACTIVE_TELEMETRY];
}

function setActiveTelemetry(handle: TelemetryHandle | undefined): void {
  (globalThis as TelemetryGlobal)[ACTIVE_TELEMETRY] = handle;
}

/**
 * Starts the OpenTelemetry SDK. Call it before Nest, express or pg are loaded (first import of
 * main.ts), otherwise their auto-instrumentation cannot patch them.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  const running = getActiveTelemetry();
  if (running) {
    throw new Error(
      `Telemetry is already running for "${running.serviceName}"; call shutdown() before starting it again`,
    );
  }
  const env = options.env ?? process.env;
  const prometheus = new PrometheusExporter({ preventServerStart: true });

  if (isTrue(env['OTEL_SDK_DISABLED'])) {
    return {
      serviceName: options.serviceName,
      prometheus,
      shutdown: () => prometheus.shutdown(),
    };
  }

  const endpoints = resolveOtlpEndpoints(env);
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.traceExporter) {
    spanProcessors.push(new BatchSpanProcessor(options.traceExporter, endpoints.spanBatch));
  }
  if (endpoints.traces) {
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoints.traces }), endpoints.spanBatch),
    );
  }
  if (spanProcessors.length === 0) {
    // Without any processor NodeSDK registers no tracer provider and logs would lose trace ids.
    spanProcessors.push(new NoopSpanProcessor());
  }

  const metricReaders: IMetricReader[] = [prometheus, ...(options.metricReaders ?? [])];
  if (endpoints.metrics) {
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: endpoints.metrics }),
        exportIntervalMillis: endpoints.metricExportIntervalMs,
      }),
    );
  }

  const instrumentations = options.instrumentations === false ? [] : defaultInstrumentations();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
      }),
    ),
    spanProcessors,
    metricReaders,
    // Logs stay on stdout as pino JSON; an empty list stops NodeSDK defaulting to an OTLP log exporter.
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations,
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    serviceName: options.serviceName,
    prometheus,
    shutdown: () => {
      stopping ??= (async () => {
        for (const instrumentation of instrumentations) {
          instrumentation.disable();
        }
        try {
          await sdk.shutdown();
        } finally {
          trace.disable();
          metrics.disable();
          propagation.disable();
          context.disable();
          if (getActiveTelemetry() === handle) {
            setActiveTelemetry(undefined);
          }
        }
      })();
      return stopping;
    },
  };
  setActiveTelemetry(handle);
  return handle;
}

// kafkajs is deliberately absent: @clement/messaging creates producer/consumer spans and carries
// traceparent per outbox row itself (see docs/adr/0006-observability.md).
function defaultInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      // Probes hit these every few seconds; tracing them only buries real requests.
      ignoreIncomingRequestHook: (request) => isProbePath(request.url),
    }),
    new ExpressInstrumentation(),
    new NestInstrumentation(),
    // No parent, no span: keeps pollers and probes out of traces. Query parameters are never recorded.
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
  ];
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
