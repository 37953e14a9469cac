import type { KafkaPort } from '@clement/messaging';
import { kafkaFromEnv } from '../kafka-from-env';

/** What the crm commands touch outside themselves; tests replace any of it. */
export interface CrmIo {
  /** A line on stdout: results (summaries, tailed events). */
  readonly write: (line: string) => void;
  /** stderr: progress, rejected rows, warnings. `isTTY` picks a progress bar over lines. */
  readonly stderr: { readonly isTTY?: boolean; write(text: string): unknown };
  /** The process exit code when the command ends without an error (3: some rows rejected). */
  readonly setExitCode: (code: number) => void;
  readonly kafka: () => KafkaPort;
  /** Calls `handler` on Ctrl-C until the returned function is called. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

export function processCrmIo(write: (line: string) => void): CrmIo {
  return {
    write,
    stderr: process.stderr,
    setExitCode: (code) => {
      process.exitCode = code;
    },
    kafka: () => kafkaFromEnv(),
    onInterrupt: (handler) => {
      process.once('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}
