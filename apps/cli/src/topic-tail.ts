import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import type { MessageOf, TopicDefinition } from '@clement/contracts';
import {
  CloudEventHeader,
  decodeRecord,
  type IncomingRecord,
  type KafkaPort,
  MalformedEventError,
} from '@clement/messaging';
import type { CrmIo } from './crm/crm-io';
import { UsageError } from './kafka-from-env';

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

export interface TopicTailOutput<T> {
  readonly value: (value: T) => void;
  readonly skipped: (record: IncomingRecord, reason: string) => void;
}

/** How a tail turns a record into what it prints, or says why it cannot. */
export type TailDecoder<T> = (record: IncomingRecord) => { value: T } | { skipped: string };

/** The CloudEvents attributes a tail line starts with. */
export interface TailedEnvelope {
  readonly time: string;
  readonly tenant: string;
  readonly type: string;
}

export interface EventLineOutput {
  readonly line: (line: string) => void;
  readonly skipped: (record: IncomingRecord, reason: string) => void;
}

/** Follows a catalogued topic (see tailTopic), printing each event as `format` writes it. */
export function tailEventLines<T extends TopicDefinition>(
  kafka: KafkaPort,
  topic: T,
  options: TailOptions,
  format: (event: TailedEnvelope, message: MessageOf<T>) => string,
  output: EventLineOutput,
): Promise<number> {
  return tailTopic(
    kafka,
    topic.name,
    options,
    (record) => {
      const decoded = eventLine(topic, record, format);
      return 'skipped' in decoded ? decoded : { value: decoded.line };
    },
    { value: output.line, skipped: output.skipped },
  );
}

/** Decodes a record of `topic` and formats it as a line, or says why it does not decode. */
export function eventLine<T extends TopicDefinition>(
  topic: T,
  record: IncomingRecord,
  format: (event: TailedEnvelope, message: MessageOf<T>) => string,
): { readonly line: string } | { readonly skipped: string } {
  try {
    const { envelope, message } = decodeRecord(topic, record);
    return {
      line: format(
        { time: envelope.time, tenant: envelope.tenantId, type: envelope.type },
        message as MessageOf<T>,
      ),
    };
  } catch (error) {
    if (error instanceof MalformedEventError) return { skipped: error.message };
    throw error;
  }
}

/**
 * Follows a topic with a throw-away consumer group (deleted afterwards, so it leaves no
 * committed offsets behind) until `max` events, `idleTimeoutMs` or the signal. Records of other
 * tenants are passed over, even broken ones: they are not ours to report on. Resolves with the
 * number of events printed.
 */
export async function tailTopic<T>(
  kafka: KafkaPort,
  topic: string,
  options: TailOptions,
  decode: TailDecoder<T>,
  output: TopicTailOutput<T>,
): Promise<number> {
  const groupId = `clement-cli-tail-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    topics: [topic],
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
          const decoded = decode(record);
          if ('skipped' in decoded) {
            output.skipped(record, decoded.skipped);
            continue;
          }
          output.value(decoded.value);
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

interface TailCommandOptions {
  tenant?: string;
  fromBeginning?: boolean;
  max?: number;
  idleTimeout?: number;
}

/**
 * A `tail` sub-command: the options every tail takes (tenant, from-beginning, max, idle
 * timeout), Ctrl-C to stop, skipped records reported on stderr. `follow` prints to `write`.
 */
export function tailCommand(
  io: CrmIo,
  description: string,
  help: string,
  follow: (
    kafka: KafkaPort,
    options: TailOptions,
    write: (line: string) => void,
    skipped: (record: IncomingRecord, reason: string) => void,
  ) => Promise<number>,
): Command {
  return new Command('tail')
    .description(description)
    .option('--tenant <id>', "only this tenant's events")
    .option('--from-beginning', 'start at the oldest retained event instead of new ones')
    .option('--max <n>', 'stop after n events', (value) => positiveInteger('--max', value))
    .option('--idle-timeout <ms>', 'stop when no event arrived for this long', (value) =>
      positiveInteger('--idle-timeout', value),
    )
    .addHelpText('after', help)
    .action(async (options: TailCommandOptions) => {
      const interrupt = new AbortController();
      const release = io.onInterrupt(() => interrupt.abort());
      try {
        await follow(
          io.kafka(),
          {
            tenant: options.tenant,
            fromBeginning: options.fromBeginning ?? false,
            max: options.max,
            idleTimeoutMs: options.idleTimeout,
            signal: interrupt.signal,
          },
          (line) => io.write(line),
          (record, reason) =>
            io.stderr.write(
              `skipped ${record.topic} ${record.partition}/${record.offset}: ${reason}\n`,
            ),
        );
      } finally {
        release();
      }
    });
}

export function positiveInteger(option: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${option} must be a positive integer, got ${value}`);
  return Number(value);
}
