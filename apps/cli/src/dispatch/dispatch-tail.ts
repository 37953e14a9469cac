import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import type { IncomingRecord, KafkaPort } from '@clement/messaging';
import { type EventLineOutput, eventLine, tailEventLines, type TailOptions } from '../topic-tail';

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
  return eventLine(topicCatalogue.dispatchEvents, record, formatDispatchEvent);
}

export type DispatchTailOptions = TailOptions;
export type DispatchTailOutput = EventLineOutput;

/** Follows dispatch.internal.events.v1 (see tailTopic); resolves with the lines printed. */
export function tailDispatchEvents(
  kafka: KafkaPort,
  options: DispatchTailOptions,
  output: DispatchTailOutput,
): Promise<number> {
  return tailEventLines(kafka, topicCatalogue.dispatchEvents, options, formatDispatchEvent, output);
}
