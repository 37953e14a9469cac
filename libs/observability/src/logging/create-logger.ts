import { hostname } from 'node:os';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, REDACTED_LOG_KEYS, redactPii } from './redact';

export interface CreateLoggerOptions {
  /** Service (or component) name, written as `service` on every line. */
  readonly name: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent (default info). */
  readonly level?: string;
  /** Where JSON lines go (default stdout); tests pass an in-memory stream. */
  readonly destination?: DestinationStream;
}

/** pino options shared by `createLogger` and the Nest request logger. */
export function createLoggerOptions(
  options: Omit<CreateLoggerOptions, 'destination'>,
): LoggerOptions {
  return {
    level: options.level ?? 'info',
    base: { service: options.name, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceContextFields,
    // Exact top-level keys: cheap, and the only hook that also covers child-logger bindings.
    redact: { paths: [...REDACTED_LOG_KEYS], censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      // Nested keys, any depth and spelling. pino's wildcard paths match one level per `*` and
      // cost ~20x more per line (see docs/adr/0006-observability.md).
      log: (object) => redactPii(object),
    },
  };
}

/** Structured JSON logger that stamps the active trace and never writes personal data keys. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions = createLoggerOptions(options);
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/** trace_id/span_id of the span active when the line is written, so logs join traces. */
export function traceContextFields(): Record<string, string> {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) {
    return {};
  }
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags.toString(16).padStart(2, '0'),
  };
}
