import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { DataSource, QueryRunner } from 'typeorm';
import type { OutgoingRecord, RecordHeaders, RecordProducer } from '../kafka/kafka-port';
import { silentLogger, type MessagingLogger } from '../logger';
import { sleep } from '../sleep';
import { assertSqlIdentifier } from '../sql-identifier';
import { MessagingMetrics } from '../telemetry/messaging-metrics';
import {
  extractTraceContext,
  injectTraceHeaders,
  startPublishSpan,
} from '../telemetry/trace-context';

export interface OutboxRelayOptions {
  readonly dataSource: DataSource;
  readonly schema: string;
  readonly producer: RecordProducer;
  readonly batchSize?: number;
  /** How long to wait after finding less than a full batch. */
  readonly pollIntervalMs?: number;
  readonly logger?: MessagingLogger;
  readonly metrics?: MessagingMetrics;
}

interface OutboxRow {
  id: string;
  topic: string;
  partition_key: string;
  event_type: string;
  headers: RecordHeaders;
  payload: Buffer;
}

const TRACE_HEADERS = ['traceparent', 'tracestate'];
const BACKLOG_SAMPLE_MS = 5_000;

/**
 * Publishes outbox rows to Kafka, at least once, in commit order. One relay per schema holds a
 * PostgreSQL advisory lock, so extra replicas wait as hot standbys instead of reordering events.
 * A row is deleted only after Kafka acknowledged it; a crash in between republishes it and the
 * consumers' inbox drops the duplicate.
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: MessagingLogger;
  private readonly metrics: MessagingMetrics;
  private runner: QueryRunner | null = null;
  private loop: Promise<void> | null = null;
  private abort = new AbortController();
  private lastBacklogSample = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.table = `"${assertSqlIdentifier(options.schema)}"."outbox"`;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 10;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new MessagingMetrics();
  }

  get isLeader(): boolean {
    return this.runner !== null;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    await this.options.producer.connect();
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Finishes the batch in flight, releases the lock and disconnects the producer. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = null;
    await this.releaseLeadership();
    await this.options.producer.disconnect();
  }

  /** Publishes one batch if this instance is (or can become) the leader; returns rows published. */
  async publishBatch(): Promise<number> {
    const runner = await this.acquireLeadership();
    if (!runner) return 0;
    const rows = (await runner.query(
      `SELECT "id", "topic", "partition_key", "event_type", "headers", "payload" FROM ${this.table}
        WHERE "txid" < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY "id" LIMIT $1`,
      [this.batchSize],
    )) as OutboxRow[];
    if (rows.length > 0) {
      await this.publish(rows);
      await runner.query(`DELETE FROM ${this.table} WHERE "id" = ANY($1::bigint[])`, [
        rows.map((row) => row.id),
      ]);
      this.metrics.published.add(rows.length);
    }
    await this.sampleBacklog(runner);
    return rows.length;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const published = await this.publishBatch();
        if (!this.runner) await sleep(1_000, signal);
        else if (published < this.batchSize) await sleep(this.pollIntervalMs, signal);
      } catch (error) {
        this.logger.error(
          { err: error, schema: this.options.schema },
          'outbox relay failed; retrying',
        );
        // The lock may have gone with the connection; re-acquire before publishing again.
        await this.releaseLeadership();
        await sleep(1_000, signal);
      }
    }
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    const spans: Span[] = [];
    const records: OutgoingRecord[] = rows.map((row) => {
      const parent = extractTraceContext(row.headers);
      const span = startPublishSpan(row.topic, row.event_type, parent);
      spans.push(span);
      const headers: RecordHeaders = {};
      for (const [name, value] of Object.entries(row.headers)) {
        if (!TRACE_HEADERS.includes(name)) headers[name] = value;
      }
      injectTraceHeaders(headers, trace.setSpan(parent, span));
      return { topic: row.topic, key: row.partition_key, value: row.payload, headers };
    });
    try {
      await this.options.producer.send(records);
    } catch (error) {
      for (const span of spans) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async acquireLeadership(): Promise<QueryRunner | null> {
    if (this.runner) return this.runner;
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS "locked"',
        [`clement.outbox-relay.${this.options.schema}`],
      )) as { locked: boolean }[];
      if (!locked) {
        await runner.release();
        return null;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    this.logger.info({ schema: this.options.schema }, 'outbox relay is the leader');
    this.runner = runner;
    return runner;
  }

  private async releaseLeadership(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    if (!runner) return;
    try {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [
        `clement.outbox-relay.${this.options.schema}`,
      ]);
    } catch {
      // A dead connection already released the lock.
    }
    await runner.release().catch(() => undefined);
  }

  private async sampleBacklog(runner: QueryRunner): Promise<void> {
    const now = Date.now();
    if (now - this.lastBacklogSample < BACKLOG_SAMPLE_MS) return;
    this.lastBacklogSample = now;
    const [{ count }] = (await runner.query(
      `SELECT count(*)::int AS "count" FROM ${this.table}`,
    )) as { count: number }[];
    this.metrics.recordOutboxBacklog(this.options.schema, count);
  }
}
