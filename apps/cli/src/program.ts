import { Command } from 'commander';
import { dlqCommand } from './dlq/dlq.command';

export function buildProgram(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Command {
  return new Command('clement')
    .description('Clement command line: operate the platform and integrate with it')
    .addCommand(dlqCommand(write));
}
