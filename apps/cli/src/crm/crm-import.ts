import { crmV1 } from '@clement/contracts';
import type { OutgoingRecord, RecordProducer } from '@clement/messaging';
import type { ImportProgress } from './import-progress';
import {
  PortfolioImportPlanner,
  type ImportContext,
  type RejectedRow,
} from './portfolio-import-plan';
import type { SourceLine } from './portfolio-reader';

/** Rejections and warnings printed on stderr; all of them go to `--report`. */
export const PRINTED_REJECTIONS = 20;

export interface ImportRun {
  readonly context: ImportContext;
  readonly lines: AsyncIterable<SourceLine>;
  readonly bytesRead: () => number;
  /** Absent for a dry run: rows are validated, nothing is published. */
  readonly producer?: Pick<RecordProducer, 'send'>;
  /** Records per `send`. */
  readonly batchSize: number;
  readonly progress: ImportProgress;
  /** Receives every rejected row, in file order (the `--report` file). */
  readonly onRejected?: (row: RejectedRow) => void;
}

export interface ImportSummary {
  readonly rows: number;
  readonly acceptedRows: number;
  readonly debtorsUpserted: number;
  readonly accountsPlaced: number;
  /** Records acknowledged by the broker (0 for a dry run). */
  readonly published: number;
  readonly rejected: number;
  /** The first {@link PRINTED_REJECTIONS} rejections, as `line <n>: <reason>`. */
  readonly firstRejections: readonly string[];
  readonly warnings: number;
  readonly firstWarnings: readonly string[];
}

/**
 * Reads a portfolio file row by row, turns each valid row into CRM inbound records and publishes
 * them in batches. Rejected rows are reported and skipped; memory holds one batch plus a small
 * per-debtor and per-account index.
 */
export async function importPortfolio(run: ImportRun): Promise<ImportSummary> {
  const planner = new PortfolioImportPlanner(run.context);
  const pending: OutgoingRecord[] = [];
  const firstRejections: string[] = [];
  const firstWarnings: string[] = [];
  let rows = 0;
  let acceptedRows = 0;
  let debtorsUpserted = 0;
  let accountsPlaced = 0;
  let published = 0;
  let rejected = 0;
  let warnings = 0;

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    if (!run.producer) return;
    try {
      await run.producer.send(batch);
    } catch (error) {
      throw new Error(
        `publishing failed after ${published} records were acknowledged; importing the file ` +
          `again is safe (same ids and source versions): ${(error as Error).message}`,
        { cause: error },
      );
    }
    published += batch.length;
  };

  for await (const source of run.lines) {
    rows += 1;
    const planned =
      'error' in source
        ? planner.reject(source.line, {}, source.error)
        : planner.plan(source.line, source.record);
    if (planned.accepted) {
      acceptedRows += 1;
      for (const record of planned.records) {
        pending.push(record);
        if (record.headers['ce_type'] === crmV1.DebtorUpsertedSchema.typeName) debtorsUpserted += 1;
        else accountsPlaced += 1;
        // Sends are sequential, so a debtor's records stay in order across batches.
        if (pending.length >= run.batchSize) await flush();
      }
      if (planned.warning !== undefined) {
        warnings += 1;
        if (firstWarnings.length < PRINTED_REJECTIONS)
          firstWarnings.push(`line ${planned.line}: ${planned.warning}`);
      }
    } else {
      rejected += 1;
      if (firstRejections.length < PRINTED_REJECTIONS)
        firstRejections.push(`line ${planned.line}: ${planned.reason}`);
      run.onRejected?.(planned);
    }
    if (rows % 100 === 0) run.progress.update(run.bytesRead(), rows);
  }
  await flush();
  run.progress.update(run.bytesRead(), rows);
  run.progress.stop();

  return {
    rows,
    acceptedRows,
    debtorsUpserted,
    accountsPlaced,
    published,
    rejected,
    firstRejections,
    warnings,
    firstWarnings,
  };
}
