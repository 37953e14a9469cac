import { closeSync, openSync, writeSync } from 'node:fs';
import type { RejectedRow } from './portfolio-import-plan';

/** The `--report` file's columns: references and reasons only, never personal data. */
export const REPORT_HEADER = 'line,creditor_debtor_id,account_reference,reason';

/** One rejected row as a line of the report (RFC 4180 quoting). */
export function reportLine(row: RejectedRow): string {
  return [String(row.line), row.creditorDebtorId, row.accountReference, row.reason]
    .map(csvField)
    .join(',');
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/**
 * Writes rejected rows to a CSV file as they are found, so a file full of bad rows does not
 * pile up in memory. Synchronous writes: a few per rejected row, on a command-line tool.
 */
export class RejectionReportFile {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, `${REPORT_HEADER}\n`);
  }

  add(row: RejectedRow): void {
    writeSync(this.fd, `${reportLine(row)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}
