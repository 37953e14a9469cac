import { create, fromBinary } from '@bufbuild/protobuf';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { MoneySchema, ProbeEmittedSchema, topicCatalogue } from '@clement/contracts';
import type { SqlExecutor } from '../sql-identifier';
import { Outbox, pendingEvent } from './outbox';

class RecordingExecutor implements SqlExecutor {
  readonly statements: { sql: string; parameters: unknown[] }[] = [];
  async query(sql: string, parameters: unknown[] = []): Promise<unknown> {
    this.statements.push({ sql, parameters });
    return [];
  }
}

const outbox = new Outbox({
  schema: 'case_service',
  source: '/clement/case-service',
  clock: () => new Date('2026-11-23T08:30:00Z'),
});
const metadata = { tenantId: 'tenant-a', partitionKey: 'tenant-a:debtor-1', subject: 'case/c-1' };

describe('Outbox', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    context.disable();
    propagation.disable();
  });

  it('writes the CloudEvent headers, the key and the protobuf payload in the caller transaction', async () => {
    const executor = new RecordingExecutor();
    const envelope = await outbox.append(
      executor,
      topicCatalogue.platformProbes,
      ProbeEmittedSchema,
      create(ProbeEmittedSchema, { sequence: 3n }),
      metadata,
    );

    expect(executor.statements).toHaveLength(1);
    const [{ sql, parameters }] = executor.statements;
    expect(sql).toContain('INSERT INTO "case_service"."outbox"');
    const [topic, key, eventId, eventType, headers, payload] = parameters as [
      string,
      string,
      string,
      string,
      string,
      Buffer,
    ];
    expect({ topic, key, eventId, eventType }).toEqual({
      topic: 'platform.internal.probes.v1',
      key: 'tenant-a:debtor-1',
      eventId: envelope.id,
      eventType: 'clement.platform.v1.ProbeEmitted',
    });
    expect(JSON.parse(headers)).toMatchObject({
      ce_id: envelope.id,
      ce_source: '/clement/case-service',
      ce_time: '2026-11-23T08:30:00.000Z',
      ce_subject: 'case/c-1',
      ce_correlationid: envelope.id,
    });
    expect(fromBinary(ProbeEmittedSchema, payload).sequence).toBe(3n);
  });

  it('stores the trace context of the writer so the relay can continue the trace', async () => {
    const tracer = new BasicTracerProvider().getTracer('test');
    const executor = new RecordingExecutor();
    const span = tracer.startSpan('use case');
    await context.with(trace.setSpan(context.active(), span), () =>
      outbox.append(
        executor,
        topicCatalogue.platformProbes,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema),
        metadata,
      ),
    );
    span.end();
    const headers = JSON.parse(executor.statements[0].parameters[4] as string) as Record<
      string,
      string
    >;
    expect(headers['traceparent']).toBe(
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
  });

  it('writes many events with one statement, in order', async () => {
    const executor = new RecordingExecutor();
    const events = [1n, 2n, 3n].map((sequence) =>
      pendingEvent(
        topicCatalogue.platformProbes,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, { sequence }),
        metadata,
      ),
    );
    await outbox.appendAll(executor, events);
    expect(executor.statements).toHaveLength(1);
    const payloads = executor.statements[0].parameters.filter((value): value is Buffer =>
      Buffer.isBuffer(value),
    );
    expect(payloads.map((payload) => fromBinary(ProbeEmittedSchema, payload).sequence)).toEqual([
      1n,
      2n,
      3n,
    ]);
  });

  it('refuses events without tenant or partition key', async () => {
    const executor = new RecordingExecutor();
    await expect(
      outbox.append(
        executor,
        topicCatalogue.platformProbes,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema),
        { ...metadata, partitionKey: '' },
      ),
    ).rejects.toThrow('partitionKey');
    expect(executor.statements).toHaveLength(0);
  });

  it('does not compile a payload that the topic does not carry', async () => {
    const executor = new RecordingExecutor();
    await expect(
      outbox.append(
        executor,
        topicCatalogue.platformProbes,
        // @ts-expect-error Money is not an event type of platform.internal.probes.v1
        MoneySchema,
        create(MoneySchema),
        metadata,
      ),
    ).rejects.toThrow(
      'clement.common.v1.Money is not an event type of platform.internal.probes.v1',
    );
    expect(executor.statements).toHaveLength(0);
  });

  it('rejects schema names that are not plain identifiers', () => {
    expect(() => new Outbox({ schema: 'x"; drop table y; --', source: '/s' })).toThrow(
      'not a valid schema name',
    );
  });
});
