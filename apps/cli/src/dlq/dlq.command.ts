import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DeadLetterTools, dlqTopicName, type DeadLetter } from '@clement/messaging';
import { kafkaFromEnv, UsageError } from '../kafka-from-env';
import { encodeCorrectedPayload, parseHeaderOptions } from './corrected-payload';

/** `clement dlq list|replay`: inspect dead letters and put them back on their topic. */
export function dlqCommand(write: (line: string) => void): Command {
  const dlq = new Command('dlq').description('inspect and replay dead letters');

  dlq
    .command('list')
    .description('list the dead letters of a topic')
    .argument('<topic>', 'a topic or its .dlq twin')
    .option('--json', 'one JSON object per line instead of a table')
    .action(async (topic: string, options: { json?: boolean }) => {
      const letters = await new DeadLetterTools(kafkaFromEnv()).list(asDlqTopic(topic));
      if (options.json) {
        for (const letter of letters) write(JSON.stringify(summary(letter)));
        return;
      }
      write(`${letters.length} dead letter(s) on ${asDlqTopic(topic)}`);
      for (const letter of letters) {
        const s = summary(letter);
        write(
          `${s.partition}/${s.offset}  ${s.failedAt}  ${s.eventType ?? '-'}  ${s.eventId ?? '-'}  ` +
            `${s.errorType} after ${s.attempts} attempt(s): ${s.reason}`,
        );
      }
    });

  dlq
    .command('replay')
    .description('re-publish one dead letter to its original topic, optionally corrected')
    .argument('<topic>', 'a topic or its .dlq twin')
    .requiredOption('--partition <n>', 'partition of the dead letter', parseNonNegativeInteger)
    .requiredOption('--offset <n>', 'offset of the dead letter')
    .addOption(
      new Option(
        '--payload-json <file>',
        'corrected payload as protobuf JSON of the event type',
      ).conflicts('payloadFile'),
    )
    .option('--payload-file <file>', 'corrected payload as raw bytes')
    .option(
      '--header <name=value>',
      'set or correct a header (repeatable)',
      collect,
      [] as string[],
    )
    .action(
      async (
        topic: string,
        options: {
          partition: number;
          offset: string;
          payloadJson?: string;
          payloadFile?: string;
          header: string[];
        },
      ) => {
        if (!/^\d+$/.test(options.offset))
          throw new UsageError(`--offset must be a number, got ${options.offset}`);
        const headers = parseHeaderOptions(options.header);
        const tools = new DeadLetterTools(kafkaFromEnv());
        const letters = await tools.list(asDlqTopic(topic));
        const letter = letters.find(
          (item) => item.partition === options.partition && item.offset === options.offset,
        );
        if (!letter) {
          throw new UsageError(
            `no dead letter at ${asDlqTopic(topic)} ${options.partition}/${options.offset}`,
          );
        }
        const eventType = headers['ce_type'] ?? letter.eventType;
        const value = options.payloadJson
          ? encodeCorrectedPayload(eventType, options.payloadJson)
          : options.payloadFile
            ? readFileSync(options.payloadFile)
            : undefined;
        await tools.replay({
          dlqTopic: letter.dlqTopic,
          partition: letter.partition,
          offset: letter.offset,
          value,
          headers,
        });
        write(
          `replayed ${letter.dlqTopic} ${letter.partition}/${letter.offset} to ${letter.originalTopic}`,
        );
      },
    );

  return dlq;
}

function asDlqTopic(topic: string): string {
  return topic.endsWith('.dlq') ? topic : dlqTopicName(topic);
}

function summary(letter: DeadLetter) {
  return {
    partition: letter.partition,
    offset: letter.offset,
    originalTopic: letter.originalTopic,
    originalPartition: letter.originalPartition,
    originalOffset: letter.originalOffset,
    eventType: letter.eventType,
    eventId: letter.eventId,
    errorType: letter.errorType,
    reason: letter.reason,
    attempts: letter.attempts,
    consumerGroup: letter.consumerGroup,
    failedAt: letter.failedAt,
  };
}

function parseNonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`expected a non-negative integer, got ${value}`);
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
