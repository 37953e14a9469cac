import { Command, type CommanderError } from 'commander';
import { topicCatalogue } from '@clement/contracts';
import { UsageError } from '../kafka-from-env';
import { tailCommand } from '../topic-tail';
import type { CrmIo } from '../crm/crm-io';
import { tailDispatchEvents } from './dispatch-tail';
import {
  CHANNELS,
  DEFAULT_TEMPLATE_KEY,
  parseSendOptions,
  publishSendMessages,
  PURPOSES,
  TONES,
  type SendOptions,
} from './send-message';

const SEND_HELP = `
Publishes one clement.dispatch.v1.SendMessage command to ${topicCatalogue.dispatchCommands.name}
(binary protobuf, CloudEvents headers, key <tenant>:<debtor id>, ce_source /clement/cli) and
prints its dispatch id. The dispatch id is the idempotency key: sending the same id twice sends
at most one message. dispatch-service still applies the tenant's contact policy, so the message
may be deferred (quiet hours) or blocked (hold, opt-out); follow it with \`clement dispatch tail\`.

Example:
  KAFKA_BROKERS=localhost:9092 clement dispatch send --tenant demo-bank \\
    --debtor <debtor id> --case <case id> --channel sms`;

const TAIL_HELP = `
Prints one line per event: time, tenant, type, dispatch id, then what the event adds
(MessageDeferred: until= and reasons=; MessageBlocked: reasons=; MessageCancelled: reason=;
MessageSent: provider= and provider_id=; MessageFailed: code=). Records that do not decode are
reported on stderr and skipped. The consumer group is a throw-away one, deleted on exit.

Example:
  KAFKA_BROKERS=localhost:9092 clement dispatch tail --tenant demo-bank --from-beginning`;

/** `clement dispatch send|tail`: ask dispatch-service for a message and follow what happens. */
export function dispatchCommand(io: CrmIo): Command {
  const dispatch = new Command('dispatch').description(
    'send a message to a debtor through dispatch-service, follow dispatch events',
  );
  for (const command of [dispatch, sendCommand(io), dispatchTailCommand(io)]) {
    // Commander's own usage errors (missing option, unknown flag) exit 2 like ours, via main.ts.
    command.exitOverride(asUsageError).configureOutput({ outputError: () => undefined });
    if (command !== dispatch) dispatch.addCommand(command);
  }
  return dispatch;
}

function sendCommand(io: CrmIo): Command {
  return new Command('send')
    .description(`publish a SendMessage command on ${topicCatalogue.dispatchCommands.name}`)
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--debtor <id>', "Clement's debtor id")
    .requiredOption('--case <id>', "Clement's case id")
    .requiredOption('--channel <channel>', Object.keys(CHANNELS).join('|'))
    .option('--template <key>', 'template family', DEFAULT_TEMPLATE_KEY)
    .option('--purpose <purpose>', Object.keys(PURPOSES).join('|'), 'reminder')
    .option('--tone <tone>', Object.keys(TONES).join('|'), 'standard')
    .option('--dispatch-id <id>', 'idempotency key (default: cli-<uuid>)')
    .option('--not-before <ISO>', 'not before this instant, e.g. 2026-11-24T09:30:00Z')
    .option('--expires-at <ISO>', 'drop the message if still unsent at this instant')
    .option('--json', 'print {"dispatchId", "tenant", "key", "topic"} instead of the id')
    .addHelpText('after', SEND_HELP)
    .action(async (options: SendOptions & { json?: boolean }) => {
      const request = parseSendOptions(options);
      await publishSendMessages(io.kafka(), [request]);
      if (options.json) {
        io.write(
          JSON.stringify({
            dispatchId: request.dispatchId,
            tenant: request.tenant,
            key: `${request.tenant}:${request.debtorId}`,
            topic: topicCatalogue.dispatchCommands.name,
          }),
        );
      } else {
        io.write(request.dispatchId);
      }
    });
}

function dispatchTailCommand(io: CrmIo): Command {
  return tailCommand(
    io,
    `print the events on ${topicCatalogue.dispatchEvents.name}, one per line`,
    TAIL_HELP,
    (kafka, options, write, skipped) =>
      tailDispatchEvents(kafka, options, { line: write, skipped }),
  );
}

function asUsageError(error: CommanderError): void {
  // --help ends the process with 0 (commander exits after this returns).
  if (error.exitCode === 0) return;
  // `clement dispatch` alone: commander has printed the help already.
  if (error.code === 'commander.help') throw new UsageError('expected a command: send or tail');
  throw new UsageError(error.message.replace(/^error: /, ''));
}
