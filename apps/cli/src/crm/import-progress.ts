import { SingleBar, Presets } from 'cli-progress';

/** How far an import has read through its file. */
export interface ImportProgress {
  update(bytesRead: number, rows: number): void;
  stop(): void;
}

/** A progress bar when stderr is a terminal; otherwise a line at every further ~10 %. */
export function importProgress(
  totalBytes: number,
  stderr: { isTTY?: boolean; write(text: string): unknown },
): ImportProgress {
  if (stderr.isTTY) return barProgress(totalBytes, stderr);
  return lineProgress(totalBytes, (line) => stderr.write(`${line}\n`));
}

function barProgress(totalBytes: number, stream: { write(text: string): unknown }): ImportProgress {
  const bar = new SingleBar(
    {
      format: 'importing [{bar}] {percentage}% | {rows} rows | {eta_formatted} left',
      stream: stream as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(totalBytes, 1), 0, { rows: 0 });
  return {
    update: (bytesRead, rows) => bar.update(Math.min(bytesRead, totalBytes), { rows }),
    stop: () => bar.stop(),
  };
}

/** Progress for logs and pipes: one line each time another tenth of the file is read. */
export function lineProgress(
  totalBytes: number,
  writeLine: (line: string) => void,
): ImportProgress {
  let reported = 0;
  return {
    update(bytesRead, rows) {
      const tenth = totalBytes === 0 ? 10 : Math.floor((bytesRead / totalBytes) * 10);
      if (tenth > reported && tenth < 10) {
        reported = tenth;
        writeLine(`progress: ${tenth * 10}% of the file read, ${rows} rows`);
      }
    },
    stop: () => undefined,
  };
}
