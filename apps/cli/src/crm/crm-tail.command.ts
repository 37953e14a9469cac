import type { Command } from 'commander';
import { topicCatalogue } from '@clement/contracts';
import { tailCommand } from '../topic-tail';
import type { CrmIo } from './crm-io';
import { tailOutbound } from './crm-tail';

const HELP = `
Prints one JSON object per event: {"time", "type", "tenant", "key", "data"}, where data is the
payload in the protobuf JSON mapping (docs/asyncapi/crm.asyncapi.yaml). Records that do not
decode are reported on stderr and skipped. The consumer group is a throw-away one
(clement-cli-tail-<random>), deleted on exit: tailing never moves another reader's offsets.

Example:
  KAFKA_BROKERS=localhost:9092 clement crm tail --tenant acme-bank --from-beginning --max 10`;

/** `clement crm tail`: follow the outbound events Clement publishes for CRMs. */
export function crmTailCommand(io: CrmIo): Command {
  return tailCommand(
    io,
    `print the events on ${topicCatalogue.crmOutbound.name} as JSON lines`,
    HELP,
    (kafka, options, write, skipped) =>
      tailOutbound(kafka, options, { event: (event) => write(JSON.stringify(event)), skipped }),
  );
}
