import { Controller, Get, Module, Param } from '@nestjs/common';
import type { Counter } from '@opentelemetry/api';
import { metricsMeter, ObservabilityModule } from '../../src';

@Controller('cases')
class CasesController {
  private readonly reads: Counter = metricsMeter('clement.example').createCounter(
    'clement.example.case_reads',
  );

  @Get(':id')
  read(@Param('id') id: string): { id: string } {
    this.reads.add(1);
    return { id };
  }
}

@Module({
  imports: [ObservabilityModule.forRoot({ serviceName: 'example-service' })],
  controllers: [CasesController],
})
export class AppModule {}
