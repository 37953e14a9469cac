// Telemetry: start first thing in main.ts (see docs/adr/0006-observability.md).
export {
  getActiveTelemetry,
  startTelemetry,
  type TelemetryHandle,
  type TelemetryOptions,
} from './telemetry/start-telemetry';
export {
  type OtlpEndpoints,
  resolveOtlpEndpoints,
  type SpanBatchSettings,
} from './telemetry/otlp-env';
export { metricsMeter } from './metrics/meter';

// Logging
export {
  createLogger,
  createLoggerOptions,
  type CreateLoggerOptions,
  traceContextFields,
} from './logging/create-logger';
export { isRedactedKey, REDACTED, REDACTED_LOG_KEYS, redactPii } from './logging/redact';

// Health
export {
  DEFAULT_READINESS_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessCheckResult,
  type ReadinessReport,
  runReadinessChecks,
} from './health/readiness';

// Nest integration
export { ObservabilityModule } from './nest/observability.module';
export type {
  ObservabilityModuleOptions,
  ReadinessChecksFactory,
} from './nest/observability.options';
export { ReadinessRegistry } from './nest/readiness.registry';
export {
  provideReadinessCheck,
  type ReadinessCheckProviderOptions,
} from './nest/provide-readiness-check';
export { PROMETHEUS_CONTENT_TYPE, PrometheusMetrics } from './nest/prometheus-metrics';
export { OBSERVABILITY_OPTIONS, READINESS_CHECKS } from './nest/tokens';
export {
  isProbePath,
  LIVENESS_PATH,
  METRICS_PATH,
  OBSERVABILITY_ROUTES,
  READINESS_PATH,
} from './http/probe-paths';

// Config
export { ConfigValidationError, loadConfig } from './config/load-config';
export { LOG_LEVELS, ServiceConfig, ServiceDatabaseConfig } from './config/service-config';

// Service process entry point (main.ts)
export { closeOnSignal, runService, type ServiceEntryPoint } from './nest/run-service';
