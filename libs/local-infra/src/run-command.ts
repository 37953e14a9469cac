import { spawn } from 'node:child_process';

const KEPT_OUTPUT_CHARS = 20_000;

/**
 * Runs a short-lived tool to completion. On failure the error carries the end of its output,
 * which is where Maven, Go and Kafka's tools say what went wrong.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    describeFailure: (exitCode: number | null) => string;
  },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolvePromise();
      reject(new Error(`${options.describeFailure(code)}:\n${output.trim()}`));
    });
  });
}
