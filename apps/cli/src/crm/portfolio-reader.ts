import { createReadStream, type ReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { UsageError } from '../kafka-from-env';
import { PORTFOLIO_COLUMNS, REQUIRED_COLUMNS } from './portfolio-columns';

export type PortfolioFormat = 'csv' | 'jsonl';

/** One line of a portfolio file: a record keyed by column, or why the line is not one. */
export type SourceLine =
  | { readonly line: number; readonly record: Readonly<Record<string, unknown>> }
  | { readonly line: number; readonly error: string };

/** The format a file name says: `.csv`, or `.jsonl` / `.ndjson`. */
export function formatOfFile(file: string): PortfolioFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  throw new UsageError(`cannot tell the format of ${file}: use a .csv, .jsonl or .ndjson file`);
}

/**
 * Streams a portfolio file line by line, never holding more than the parser's buffer. Line
 * numbers are the file's (a CSV header is line 1). `bytesRead()` is for progress reporting.
 */
export function openPortfolio(
  file: string,
  format: PortfolioFormat,
): { lines: AsyncIterable<SourceLine>; bytesRead: () => number } {
  const stream = createReadStream(file);
  return {
    lines: format === 'csv' ? csvLines(stream) : jsonLines(stream),
    bytesRead: () => stream.bytesRead,
  };
}

/** Checks a CSV header: every name a known column, no repeats, the required columns present. */
export function checkCsvHeader(header: readonly string[]): void {
  const known = new Set<string>(PORTFOLIO_COLUMNS);
  const unknown = header.filter((name) => !known.has(name));
  const repeated = header.filter((name, index) => header.indexOf(name) !== index);
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  const problems = [
    unknown.length > 0 ? `unknown column(s) ${unknown.join(', ')}` : '',
    repeated.length > 0 ? `repeated column(s) ${repeated.join(', ')}` : '',
    missing.length > 0 ? `missing column(s) ${missing.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new UsageError(
      `the CSV header does not fit the portfolio format: ${problems.join('; ')} ` +
        '(see clement crm import --help)',
    );
  }
}

async function* csvLines(stream: ReadStream | Readable): AsyncIterable<SourceLine> {
  const skipped: SourceLine[] = [];
  const parser = stream.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      // A broken row (stray quote, wrong number of fields) is reported, not fatal.
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error)
          skipped.push({ line: Number(error['lines'] ?? 0), error: csvErrorReason(error) });
        return undefined;
      },
    }),
  );
  stream.on('error', (error: Error) => parser.destroy(error));
  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // The parser reports broken lines as it meets them, ahead of the records before them.
    yield* takeSkippedBefore(skipped, item.info.lines);
    if (header === undefined) {
      header = item.record;
      checkCsvHeader(header);
      continue;
    }
    const record: Record<string, string> = {};
    header.forEach((name, index) => (record[name] = item.record[index] ?? ''));
    yield { line: item.info.lines, record };
  }
  yield* skipped.splice(0);
  if (header === undefined) throw new UsageError('the CSV file is empty (no header line)');
}

function takeSkippedBefore(skipped: SourceLine[], line: number): SourceLine[] {
  const before = skipped.filter((item) => item.line < line);
  skipped.splice(0, skipped.length, ...skipped.filter((item) => item.line >= line));
  return before;
}

function csvErrorReason(error: CsvError): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return 'the line does not have as many fields as the header';
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return 'the line does not have as many fields as the header';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is not closed';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a quote in the middle of a field (quote the field and double the quote)';
    default:
      return `malformed CSV (${error.code})`;
  }
}

async function* jsonLines(stream: ReadStream | Readable): AsyncIterable<SourceLine> {
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of reader) {
    line += 1;
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      // JSON.parse messages quote the text around the error, which may be personal data.
      yield { line, error: 'the line is not valid JSON' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: 'the line is not a JSON object' };
      continue;
    }
    yield { line, record: value as Record<string, unknown> };
  }
}
