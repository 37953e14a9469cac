/** Default progress output: stderr, so stdout stays free for results (the CLI prints env there). */
export function logToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}
