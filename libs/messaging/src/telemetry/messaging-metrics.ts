import { metrics, type Attributes } from '@opentelemetry/api';

/**
 * Instruments every service gets from the messaging library. Created lazily through the global
 * MeterProvider so they bind to whatever the service's telemetry registered at start-up.
 */
export class MessagingMetrics {
  private readonly meter = metrics.getMeter('clement.messaging');
  private readonly lagByPartition = new Map<string, { lag: number; attributes: Attributes }>();
  private readonly backlogBySchema = new Map<string, number>();

  readonly handlerDuration = this.meter.createHistogram('messaging.process.duration', {
    description: 'Time spent handling one event, including its database transaction',
    unit: 's',
  });
  readonly endToEndLatency = this.meter.createHistogram('messaging.event.latency', {
    description: 'From the event time to the end of its handling',
    unit: 's',
  });
  readonly retries = this.meter.createCounter('messaging.process.retries', {
    description: 'Handler attempts that failed with a transient error and were retried',
  });
  readonly deadLettered = this.meter.createCounter('messaging.dlq.messages', {
    description: 'Records sent to a dead-letter topic',
  });
  readonly duplicates = this.meter.createCounter('messaging.inbox.duplicates', {
    description: 'Redelivered events skipped because the inbox had them',
  });
  readonly rebalances = this.meter.createCounter('messaging.consumer.rebalances', {
    description: 'Times a consumer joined its group; a rising count means members come and go',
  });
  readonly published = this.meter.createCounter('messaging.outbox.published', {
    description: 'Events the outbox relay published to Kafka',
  });

  constructor() {
    this.meter
      .createObservableGauge('messaging.consumer.lag', {
        description: 'Records between the last fetched offset and the high watermark',
      })
      .addCallback((result) => {
        for (const { lag, attributes } of this.lagByPartition.values())
          result.observe(lag, attributes);
      });
    this.meter
      .createObservableGauge('messaging.outbox.backlog', {
        description: 'Outbox rows waiting for the relay',
      })
      .addCallback((result) => {
        for (const [schema, backlog] of this.backlogBySchema)
          result.observe(backlog, { 'db.schema': schema });
      });
  }

  recordLag(groupId: string, topic: string, partition: number, lag: number): void {
    this.lagByPartition.set(`${groupId}/${topic}/${partition}`, {
      lag,
      attributes: {
        'messaging.consumer.group.name': groupId,
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
      },
    });
  }

  recordOutboxBacklog(schema: string, backlog: number): void {
    this.backlogBySchema.set(schema, backlog);
  }
}
