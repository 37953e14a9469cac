import { metrics } from '@opentelemetry/api';
import type { IngestOutcome } from './crm-ingestion';

/** CRM events applied or skipped as stale, by event type (no tenant or debtor labels: cardinality and PII). */
export class IngestionMetrics {
  private readonly events = metrics
    .getMeter('case-service')
    .createCounter('case.crm_inbound.events', {
      description: 'CRM inbound events handled, by type and outcome (applied, stale)',
    });

  record(type: string, outcome: IngestOutcome): void {
    this.events.add(1, { 'event.type': type, outcome });
  }
}
