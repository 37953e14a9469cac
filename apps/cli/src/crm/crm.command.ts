import { Command, type CommanderError } from 'commander';
import { UsageError } from '../kafka-from-env';
import { crmImportCommand } from './crm-import.command';
import type { CrmIo } from './crm-io';
import { crmTailCommand } from './crm-tail.command';

/** `clement crm import|tail`: the integrator's side of the CRM topics. */
export function crmCommand(io: CrmIo): Command {
  const crm = new Command('crm').description(
    'integrate a CRM: import a portfolio file, follow outbound events',
  );
  for (const command of [crm, crmImportCommand(io), crmTailCommand(io)]) {
    // Commander's own usage errors (missing option, unknown flag) exit 2 like ours, via main.ts.
    command.exitOverride(asUsageError).configureOutput({ outputError: () => undefined });
    if (command !== crm) crm.addCommand(command);
  }
  return crm;
}

function asUsageError(error: CommanderError): void {
  // --help ends the process with 0 (commander exits after this returns).
  if (error.exitCode === 0) return;
  // `clement crm` alone: commander has printed the help already.
  if (error.code === 'commander.help') throw new UsageError('expected a command: import or tail');
  throw new UsageError(error.message.replace(/^error: /, ''));
}
