import { statSync } from 'node:fs';
import { Command } from 'commander';
import { topicCatalogue } from '@clement/contracts';
import type { RecordProducer } from '@clement/messaging';
import { UsageError } from '../kafka-from-env';
import type { CrmIo } from './crm-io';
import { importPortfolio, PRINTED_REJECTIONS, type ImportSummary } from './crm-import';
import { importProgress } from './import-progress';
import { columnsHelp } from './portfolio-columns';
import { formatOfFile, openPortfolio } from './portfolio-reader';
import { parseSourceVersion } from './portfolio-row';
import { RejectionReportFile } from './rejection-report';

/** Exit code when some rows were rejected and the others published (or valid, for a dry run). */
export const EXIT_ROWS_REJECTED = 3;
export const DEFAULT_BATCH_SIZE = 500;
/** Tenant ids as case-service accepts them (apps/case-service/src/tenancy/tenant-scope.ts). */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

interface ImportOptions {
  tenant: string;
  sourceVersion?: bigint;
  report?: string;
  dryRun?: boolean;
  batchSize: number;
}

const HELP = `
Each row is one account of a debtor; a debtor with several accounts has several rows that
repeat the debtor columns. CSV files need a header line with these names; JSONL files (one JSON
object per line) use them as keys. Columns:

${columnsHelp()}

Every valid row becomes CRM inbound events on ${topicCatalogue.crmInbound.name}, in CloudEvents
binary mode (docs/integrators.md): a DebtorUpserted for the debtor's first valid row (with the
row's mobile, email and postal address as the debtor's contact points) and an AccountPlaced
for every row. Kafka key and ce_partitionkey are <tenant>:<creditor_debtor_id>, ce_source is
/crm/<tenant>/import. When later rows of a debtor differ in the debtor columns, the first row's
values are used and the rows are listed as warnings.

Source versions: a row's source_version column, else --source-version, else the file's
modification time in epoch milliseconds. Event ids are derived from tenant, event type, the
debtor or account reference and the source version, so importing the same file again publishes
the same ids and versions: Clement treats them as duplicates and changes nothing. To apply
changed data, give it a higher version (edit the file, or pass a higher --source-version).

Rows are checked column by column and against the contract (docs/crm-import.md); a rejected
row is not published and is reported as "line <n>: <reason>" (the first ${PRINTED_REJECTIONS} on stderr, all of
them in --report). Reports carry line numbers, references and reasons, never personal data.

Exit codes: 0 every row published; 3 some rows rejected, the others published; 2 usage error;
1 any other failure (importing again after a failure is safe).

Example:
  KAFKA_BROKERS=localhost:9092 clement crm import portfolio.csv --tenant acme-bank \\
    --report rejected.csv`;

/** `clement crm import`: publish a portfolio file as CRM inbound events. */
export function crmImportCommand(io: CrmIo): Command {
  return new Command('import')
    .description('publish a portfolio file (CSV or JSONL) as CRM inbound events')
    .argument('<file>', 'portfolio file: .csv, or .jsonl / .ndjson')
    .requiredOption('--tenant <id>', 'tenant id (lower-case letters, digits, hyphens)')
    .option(
      '--source-version <n>',
      'source version for rows without a source_version column (default: file modification time in epoch ms)',
      (value: string) => {
        const version = parseSourceVersion(value);
        if (version === undefined)
          throw new UsageError(`--source-version must be a positive integer, got ${value}`);
        return version;
      },
    )
    .option('--report <rejected.csv>', 'write every rejected row to this CSV file')
    .option('--dry-run', 'validate only; publish nothing')
    .option('--batch-size <n>', 'records per send', parseBatchSize, DEFAULT_BATCH_SIZE)
    .addHelpText('after', HELP)
    .action((file: string, options: ImportOptions) => runImport(io, file, options));
}

async function runImport(io: CrmIo, file: string, options: ImportOptions): Promise<void> {
  if (!TENANT_ID_PATTERN.test(options.tenant)) {
    throw new UsageError(
      `--tenant must be 2 to 63 lower-case letters, digits or hyphens, got "${options.tenant}"`,
    );
  }
  const format = formatOfFile(file);
  const stats = fileStats(file);
  const started = Date.now();
  const report = options.report ? openReport(options.report) : undefined;
  let producer: RecordProducer | undefined;
  try {
    if (!options.dryRun) {
      producer = io.kafka().producer();
      await producer.connect();
    }
    const source = openPortfolio(file, format);
    const summary = await importPortfolio({
      context: {
        tenant: options.tenant,
        sourceVersion: options.sourceVersion,
        fileModifiedMs: stats.mtimeMs,
      },
      lines: source.lines,
      bytesRead: source.bytesRead,
      producer,
      batchSize: options.batchSize,
      progress: importProgress(stats.size, io.stderr),
      onRejected: (row) => report?.add(row),
    });
    printSummary(io, file, options, summary, Date.now() - started);
    io.setExitCode(summary.rejected > 0 ? EXIT_ROWS_REJECTED : 0);
  } finally {
    report?.close();
    await producer?.disconnect();
  }
}

function printSummary(
  io: CrmIo,
  file: string,
  options: ImportOptions,
  summary: ImportSummary,
  elapsedMs: number,
): void {
  const errorLine = (line: string) => io.stderr.write(`${line}\n`);
  if (summary.warnings > 0) {
    errorLine(
      `${summary.warnings} row(s) repeat a debtor with different debtor columns; the debtor's first row was used:`,
    );
    summary.firstWarnings.forEach(errorLine);
    if (summary.warnings > summary.firstWarnings.length)
      errorLine(`... and ${summary.warnings - summary.firstWarnings.length} more`);
  }
  if (summary.rejected > 0) {
    errorLine(`${summary.rejected} row(s) rejected:`);
    summary.firstRejections.forEach(errorLine);
    const more = summary.rejected - summary.firstRejections.length;
    if (options.report) errorLine(`every rejected row is in ${options.report}`);
    else if (more > 0) errorLine(`... and ${more} more (pass --report <file> to list them all)`);
  }

  const events = `${summary.debtorsUpserted} DebtorUpserted, ${summary.accountsPlaced} AccountPlaced`;
  io.write(
    `read ${summary.rows} row(s) from ${file} in ${(elapsedMs / 1000).toFixed(1)} s: ` +
      `${summary.acceptedRows} accepted, ${summary.rejected} rejected`,
  );
  io.write(
    options.dryRun
      ? `dry run: nothing published (a real run would publish ${events})`
      : `published ${summary.published} record(s) to ${topicCatalogue.crmInbound.name} for tenant ${options.tenant} (${events})`,
  );
}

function fileStats(file: string): { size: number; mtimeMs: number } {
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new UsageError(`${file} is not a file`);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

function openReport(path: string): RejectionReportFile {
  try {
    return new RejectionReportFile(path);
  } catch (error) {
    throw new UsageError(
      `cannot write --report ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

function parseBatchSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100_000)
    throw new UsageError(`--batch-size must be an integer from 1 to 100000, got ${value}`);
  return Number(value);
}
