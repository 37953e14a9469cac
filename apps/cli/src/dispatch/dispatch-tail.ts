import { randomUUID } from 'node:crypto';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import {
  CloudEventHeader,
  decodeRecord,
  MalformedEventError,
  type IncomingRecord,
  type KafkaPort,
} from '@clement/messaging';

const TYPE_PREFIX = 'clement.dispatch.v1.';

/**
 * One dispatch event as a line: time, tenant, short type, dispatch id, then what the event adds
 * (deferred until + reason codes, blocked reason codes, cancel reason, provider id, failure code).
 * Events carry no personal data, so neither does the line.
 */
export function formatDispatchEvent(
  event: { time: string; tenant: string; type: string },
  message: unknown,
): string {
  const type = event.type.startsWith(TYPE_PREFIX)
    ? event.type.slice(TYPE_PREFIX.length)
    : event.type;
  const head = (dispatchId: string, ...details: string[]) =>
    [event.time, event.tenant, type, dispatchId || '-', ...details].join('  ');
  switch (type) {
    case 'MessageRequested': {
      const m = message as dispatchV1.MessageRequested;
      return head(m.dispatchId, `channel=${channelName(m.channel)}`, `case=${m.caseId}`);
    }
    case 'MessageDeferred': {
      const m = message as dispatchV1.MessageDeferred;
      return head(m.dispatchId, `until=${iso(m.until)}`, `reasons=${codes(m.reasons)}`);
    }
    case 'MessageBlocked': {
      const m = message as dispatchV1.MessageBlocked;
      return head(m.dispatchId, `reasons=${codes(m.reasons)}`);
    }
    case 'MessageCancelled': {
      const m = message as dispatchV1.MessageCancelled;
      return head(m.dispatchId, `reason=${m.reason || '-'}`);
    }
    case 'MessageSent': {
      const m = message as dispatchV1.MessageSent;
      return head(
        m.dispatchId,
        `provider=${providerName(m.provider)}`,
        `provider_id=${m.providerMessageId || '-'}`,
        `channel=${channelName(m.channel)}`,
      );
    }
    case 'MessageOutcomeUnknown': {
      const m = message as dispatchV1.MessageOutcomeUnknown;
      return head(m.dispatchId, `provider=${providerName(m.provider)}`, `reason=${m.reason}`);
    }
    case 'MessageFailed': {
      const m = message as dispatchV1.MessageFailed;
      return head(
        m.dispatchId,
        `code=${m.errorCode || '-'}`,
        m.permanent ? 'permanent' : 'transient',
      );
    }
    case 'ReplyReceived': {
      const m = message as dispatchV1.ReplyReceived;
      return head(
        m.inReplyToDispatchId,
        `channel=${channelName(m.channel)}`,
        `intent=${dispatchV1.ReplyIntent[m.intent]}`,
      );
    }
    case 'ContactOptedOut':
    case 'ContactOptedIn': {
      const m = message as dispatchV1.ContactOptedOut;
      return head(
        '-',
        `channel=${channelName(m.channel)}`,
        `method=${dispatchV1.ConsentChangeMethod[m.method]}`,
      );
    }
    default: {
      // Delivered, Read, LinkClicked and any later event: the dispatch id says it all.
      const m = message as { dispatchId?: string };
      return head(m.dispatchId ?? '-');
    }
  }
}

function codes(reasons: readonly dispatchV1.PolicyReason[]): string {
  return reasons.length > 0 ? reasons.map((reason) => reason.code).join(',') : '-';
}

function iso(timestamp: Timestamp | undefined): string {
  return timestamp ? timestampDate(timestamp).toISOString() : '-';
}

function channelName(channel: ContactChannel): string {
  return (ContactChannel[channel] ?? String(channel)).toLowerCase();
}

function providerName(provider: dispatchV1.Provider): string {
  return (dispatchV1.Provider[provider] ?? String(provider)).toLowerCase();
}

/** A record of dispatch.internal.events.v1 as a line, or why it does not decode. */
export function dispatchEventLine(
  record: IncomingRecord,
): { readonly line: string } | { readonly skipped: string } {
  try {
    const { envelope, message } = decodeRecord(topicCatalogue.dispatchEvents, record);
    return {
      line: formatDispatchEvent(
        { time: envelope.time, tenant: envelope.tenantId, type: envelope.type },
        message,
      ),
    };
  } catch (error) {
    if (error instanceof MalformedEventError) return { skipped: error.message };
    throw error;
  }
}

export interface DispatchTailOptions {
  readonly tenant?: string;
  readonly fromBeginning: boolean;
  /** Stop after this many printed events. */
  readonly max?: number;
  /** Stop when no event was printed for this long. */
  readonly idleTimeoutMs?: number;
  /** Stops the tail (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export interface DispatchTailOutput {
  readonly line: (line: string) => void;
  readonly skipped: (record: IncomingRecord, reason: string) => void;
}

/**
 * Follows dispatch.internal.events.v1 with a throw-away consumer group (deleted afterwards, as
 * `crm tail` does) until --max, --idle-timeout or the signal. Resolves with the lines printed.
 */
export async function tailDispatchEvents(
  kafka: KafkaPort,
  options: DispatchTailOptions,
  output: DispatchTailOutput,
): Promise<number> {
  const groupId = `clement-cli-tail-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    topics: [topicCatalogue.dispatchEvents.name],
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
  if (options.signal?.aborted || options.max === 0) stop();
  armIdleTimer();
  try {
    if (!stopped) {
      await consumer.run(async (batch) => {
        for (const record of batch.records) {
          if (stopped) return;
          batch.markProcessed(record.offset);
          const tenant = record.headers[CloudEventHeader.tenantId];
          if (options.tenant !== undefined && tenant !== options.tenant) continue;
          const decoded = dispatchEventLine(record);
          if ('skipped' in decoded) {
            output.skipped(record, decoded.skipped);
            continue;
          }
          output.line(decoded.line);
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
