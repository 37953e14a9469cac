import { Command } from 'commander';
import { crmCommand } from './crm/crm.command';
import { processCrmIo, type CrmIo } from './crm/crm-io';
import { dispatchCommand } from './dispatch/dispatch.command';
import { dlqCommand } from './dlq/dlq.command';
import { strategyCommand } from './strategy/strategy.command';

/**
 * The `clement` program. `write` prints a result line; `io` lets tests replace the rest of what
 * the crm and dispatch commands touch (stderr, exit code, Kafka, Ctrl-C).
 */
export function buildProgram(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  io: Partial<CrmIo> = {},
): Command {
  return new Command('clement')
    .description('Clement command line: operate the platform and integrate with it')
    .addCommand(dlqCommand(write))
    .addCommand(crmCommand({ ...processCrmIo(write), ...io }))
    .addCommand(dispatchCommand({ ...processCrmIo(write), ...io }))
    .addCommand(strategyCommand({ ...processCrmIo(write), ...io }));
}
