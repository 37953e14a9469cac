import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { getActiveTelemetry } from '../telemetry/start-telemetry';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Renders the Prometheus exposition text for GET /metrics (built by a factory provider). */
export class PrometheusMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger(PrometheusMetrics.name);
  private readonly serializer = new PrometheusSerializer();
  private readonly exporter: PrometheusExporter;
  private readonly localProvider: MeterProvider | undefined;
  private readonly ownsGlobalProvider: boolean;

  constructor(serviceName: string) {
    const telemetry = getActiveTelemetry();
    if (telemetry) {
      this.exporter = telemetry.prometheus;
      this.localProvider = undefined;
      this.ownsGlobalProvider = false;
      return;
    }
    // Telemetry was not started (tests, tools): serve metrics from a provider of our own so the
    // endpoint still works, and make it the global one if nobody registered a provider yet.
    this.exporter = new PrometheusExporter({ preventServerStart: true });
    this.localProvider = new MeterProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
      readers: [this.exporter],
    });
    this.ownsGlobalProvider = metrics.setGlobalMeterProvider(this.localProvider);
  }

  async render(): Promise<string> {
    const { resourceMetrics, errors } = await this.exporter.collect();
    for (const error of errors) {
      this.logger.warn(`metric collection error: ${String(error)}`);
    }
    return this.serializer.serialize(resourceMetrics);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.localProvider) {
      return;
    }
    await this.localProvider.shutdown();
    if (this.ownsGlobalProvider) {
      metrics.disable();
    }
  }
}
