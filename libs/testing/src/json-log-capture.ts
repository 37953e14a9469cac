/**
 * An in-memory destination for a pino logger (structurally a pino DestinationStream) that hands
 * back what was logged as parsed JSON lines, so tests can assert on fields.
 */
export interface JsonLogCapture {
  write(chunk: string): void;
  lines(): Record<string, unknown>[];
}

export function captureJsonLog(): JsonLogCapture {
  const chunks: string[] = [];
  return {
    write: (chunk) => {
      chunks.push(chunk);
    },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
