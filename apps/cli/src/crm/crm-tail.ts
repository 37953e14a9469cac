import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { contractsRegistry, topicCatalogue } from '@clement/contracts';
import {
  decodeRecord,
  MalformedEventError,
  type IncomingRecord,
  type KafkaPort,
} from '@clement/messaging';
import { tailTopic, type TailOptions } from '../topic-tail';

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

export type { TailOptions };

export interface TailOutput {
  readonly event: (event: TailedEvent) => void;
  readonly skipped: (record: IncomingRecord, reason: string) => void;
}

/** Follows crm.outbound.events.v1 (see tailTopic); resolves with the number of events printed. */
export function tailOutbound(
  kafka: KafkaPort,
  options: TailOptions,
  output: TailOutput,
): Promise<number> {
  return tailTopic(
    kafka,
    topicCatalogue.crmOutbound.name,
    options,
    (record) => {
      const decoded = tailedEvent(record);
      return 'skipped' in decoded ? decoded : { value: decoded.event };
    },
    { value: output.event, skipped: output.skipped },
  );
}
