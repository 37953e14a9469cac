import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ExcludeFromOpenApi } from './swagger-exclude';
import type { ReadinessReport } from '../health/readiness';
import { ReadinessRegistry } from './readiness.registry';

/** The part of express' / fastify's response we use, so the controller stays platform-neutral. */
interface StatusResponse {
  status(code: number): unknown;
}

const SERVICE_UNAVAILABLE = 503;

@ExcludeFromOpenApi()
@Controller('health')
export class HealthController {
  constructor(@Inject(ReadinessRegistry) private readonly registry: ReadinessRegistry) {}

  /** Liveness: answers as long as the event loop does; never looks at dependencies. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 with the failing checks named, so Kubernetes stops routing traffic here. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: StatusResponse): Promise<ReadinessReport> {
    const report = await this.registry.report();
    if (report.status !== 'ok') {
      response.status(SERVICE_UNAVAILABLE);
    }
    return report;
  }
}
