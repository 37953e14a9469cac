import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ExcludeFromOpenApi } from './swagger-exclude';
import { PROMETHEUS_CONTENT_TYPE, PrometheusMetrics } from './prometheus-metrics';

@ExcludeFromOpenApi()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PrometheusMetrics) private readonly metrics: PrometheusMetrics) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
