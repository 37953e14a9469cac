import { Command } from 'commander';
import { topicCatalogue } from '@clement/contracts';
import { UsageError } from '../kafka-from-env';
import type { CrmIo } from './crm-io';
import { tailOutbound } from './crm-tail';

interface TailCommandOptions {
  tenant?: string;
  fromBeginning?: boolean;
  max?: number;
  idleTimeout?: number;
}

const HELP = `
Prints one JSON object per event: {"time", "type", "tenant", "key", "data"}, where data is the
payload in the protobuf JSON mapping (docs/asyncapi/crm.asyncapi.yaml). Records that do not
decode are reported on stderr and skipped. The consumer group is a throw-away one
(clement-cli-tail-<random>), deleted on exit: tailing never moves another reader's offsets.

Example:
  KAFKA_BROKERS=localhost:9092 clement crm tail --tenant acme-bank --from-beginning --max 10`;

/** `clement crm tail`: follow the outbound events Clement publishes for CRMs. */
export function crmTailCommand(io: CrmIo): Command {
  return new Command('tail')
    .description(`print the events on ${topicCatalogue.crmOutbound.name} as JSON lines`)
    .option('--tenant <id>', "only this tenant's events")
    .option('--from-beginning', 'start at the oldest retained event instead of new ones')
    .option('--max <n>', 'stop after n events', (value) => positiveInteger('--max', value))
    .option('--idle-timeout <ms>', 'stop when no event arrived for this long', (value) =>
      positiveInteger('--idle-timeout', value),
    )
    .addHelpText('after', HELP)
    .action(async (options: TailCommandOptions) => {
      const kafka = io.kafka();
      const interrupt = new AbortController();
      const release = io.onInterrupt(() => interrupt.abort());
      try {
        await tailOutbound(
          kafka,
          {
            tenant: options.tenant,
            fromBeginning: options.fromBeginning ?? false,
            max: options.max,
            idleTimeoutMs: options.idleTimeout,
            signal: interrupt.signal,
          },
          {
            event: (event) => io.write(JSON.stringify(event)),
            skipped: (record, reason) =>
              io.stderr.write(
                `skipped ${record.topic} ${record.partition}/${record.offset}: ${reason}\n`,
              ),
          },
        );
      } finally {
        release();
      }
    });
}

function positiveInteger(option: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${option} must be a positive integer, got ${value}`);
  return Number(value);
}
