import { randomUUID } from 'node:crypto';
import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { contractsRegistry, topicCatalogue } from '@clement/contracts';
import {
  CloudEventHeader,
  decodeRecord,
  MalformedEventError,
  type IncomingRecord,
  type KafkaPort,
} from '@clement/messaging';

/** One outbound event as `clement crm tail` prints it (one JSON object per line). */
export interface TailedEvent {
  readonly time: string;
  readonly type: string;
  readonly tenant: string;
  readonly key: string | null;
  /** The payload in the protobuf JSON mapping, as integrators see it in the AsyncAPI document. */
  readonly data: JsonValue;
}

/**
 * Decodes a record of crm.outbound.events.v1: the event, or why it is not one (a record that
 * does not decode is reported and skipped, not fatal).
 */
export function tailedEvent(
  record: IncomingRecord,
): { readonly event: TailedEvent } | { readonly skipped: string } {
  try {
    const { envelope, schema, message } = decodeRecord(topicCatalogue.crmOutbound, record);
    return {
      event: {
        time: envelope.time,
        type: envelope.type,
        tenant: envelope.tenantId,
        key: record.key,
        data: toJson(schema, message, { registry: contractsRegistry }),
      },
    };
  } catch (error) {
    if (error instanceof MalformedEventError) return { skipped: error.message };
    throw error;
  }
}

export interface TailOptions {
  readonly tenant?: string;
  readonly fromBeginning: boolean;
  /** Stop after this many printed events. */
  readonly max?: number;
  /** Stop when no event was printed for this long (counted from the start, joining included). */
  readonly idleTimeoutMs?: number;
  /** Stops the tail (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export interface TailOutput {
  readonly event: (event: TailedEvent) => void;
  readonly skipped: (record: IncomingRecord, reason: string) => void;
}

/**
 * Follows crm.outbound.events.v1 with a throw-away consumer group (deleted afterwards, so it
 * leaves no committed offsets behind) until --max events, --idle-timeout or the signal.
 * Resolves with the number of events printed.
 */
export async function tailOutbound(
  kafka: KafkaPort,
  options: TailOptions,
  output: TailOutput,
): Promise<number> {
  const groupId = `clement-cli-tail-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    topics: [topicCatalogue.crmOutbound.name],
    fromBeginning: options.fromBeginning,
  });
  let printed = 0;
  let stopped = false;
  let stop: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    stop = () => {
      stopped = true;
      resolve();
    };
  });
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdleTimer = () => {
    if (options.idleTimeoutMs === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, options.idleTimeoutMs);
  };
  const onAbort = () => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop();
  if (options.max === 0) stop();
  armIdleTimer();

  try {
    if (!stopped) {
      await consumer.run(async (batch) => {
        for (const record of batch.records) {
          if (stopped) return;
          batch.markProcessed(record.offset);
          // Other tenants' records are not ours to report on, even broken ones.
          const tenant = record.headers[CloudEventHeader.tenantId];
          if (options.tenant !== undefined && tenant !== options.tenant) continue;
          const decoded = tailedEvent(record);
          if ('skipped' in decoded) {
            output.skipped(record, decoded.skipped);
            continue;
          }
          output.event(decoded.event);
          printed += 1;
          armIdleTimer();
          if (options.max !== undefined && printed >= options.max) stop();
        }
      });
      await done;
    }
  } finally {
    clearTimeout(idleTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect();
    const admin = await kafka.admin();
    await admin.deleteGroup(groupId).catch(() => undefined);
    await admin.disconnect();
  }
  return printed;
}
