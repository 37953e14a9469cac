/**
 * Writes a synthetic, deterministic portfolio file for `clement crm import` (docs/crm-import.md):
 * Spanish and British debtors, about 1.3 accounts each, contact details that reach no one.
 *
 *   npx tsx tools/scripts/generate-portfolio.ts [--debtors 10000] [--invalid 0] [--seed 1]
 *       [--format csv|jsonl] [--out portfolio.csv]
 *
 * The format follows --out's extension unless --format says otherwise; without --out the file
 * goes to stdout. The malformed rows --invalid adds are listed on stderr with their line numbers.
 */
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import {
  csvHeader,
  csvRow,
  generatePortfolio,
  jsonRow,
} from '../../apps/cli/src/crm/portfolio-generator';

const USAGE =
  'usage: generate-portfolio.ts [--debtors <n>] [--invalid <n>] [--seed <n>] [--format csv|jsonl] [--out <file>]';

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value))
    throw new Error(`--${name} must be a whole number, got ${value}\n${USAGE}`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      debtors: { type: 'string' },
      invalid: { type: 'string' },
      seed: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const out = values.out;
  const format =
    values.format ?? (out && ['.jsonl', '.ndjson'].includes(extname(out)) ? 'jsonl' : 'csv');
  if (format !== 'csv' && format !== 'jsonl')
    throw new Error(`unknown --format ${format}\n${USAGE}`);
  const debtors = count('debtors', values.debtors, 10_000);
  const invalid = count('invalid', values.invalid, 0);
  const seed = count('seed', values.seed, 1);

  const sink = out ? createWriteStream(out) : process.stdout;
  const write = async (line: string) => {
    if (!sink.write(`${line}\n`)) await once(sink, 'drain');
  };
  let line = 0;
  let rows = 0;
  if (format === 'csv') {
    await write(csvHeader());
    line += 1;
  }
  const defects: string[] = [];
  for (const row of generatePortfolio({ debtors, invalid, seed })) {
    await write(format === 'csv' ? csvRow(row.values) : jsonRow(row.values));
    line += 1;
    rows += 1;
    if (row.defect) defects.push(`line ${line}: ${row.defect}`);
  }
  if (out) {
    sink.end();
    await once(sink, 'finish');
  }
  process.stderr.write(
    `${rows} rows for ${debtors} debtors (${invalid} malformed)${out ? ` written to ${out}` : ''}\n`,
  );
  for (const defect of defects) process.stderr.write(`  ${defect}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
