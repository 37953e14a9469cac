import type { OutgoingRecord } from '@clement/messaging';
import { validRecord } from './__fixtures__/portfolio-record';
import { importPortfolio, type ImportRun } from './crm-import';
import { lineProgress } from './import-progress';
import type { RejectedRow } from './portfolio-import-plan';
import type { SourceLine } from './portfolio-reader';
import { csvField, reportLine } from './rejection-report';

async function* linesOf(items: SourceLine[]): AsyncIterable<SourceLine> {
  yield* items;
}

/** n debtors, each with `accounts` rows. */
function portfolio(debtors: number, accounts = 1): SourceLine[] {
  const lines: SourceLine[] = [];
  for (let debtor = 1; debtor <= debtors; debtor += 1) {
    for (let account = 1; account <= accounts; account += 1) {
      lines.push({
        line: lines.length + 2,
        record: validRecord({
          creditor_debtor_id: `C-${debtor}`,
          account_reference: `A-${debtor}-${account}`,
        }),
      });
    }
  }
  return lines;
}

function run(lines: SourceLine[], overrides: Partial<ImportRun> = {}) {
  const sent: OutgoingRecord[][] = [];
  const rejected: RejectedRow[] = [];
  const progress: string[] = [];
  const summary = importPortfolio({
    context: { tenant: 'acme-bank', fileModifiedMs: Date.UTC(2026, 10, 24) },
    lines: linesOf(lines),
    bytesRead: () => 1000,
    producer: { send: async (records) => void sent.push([...records]) },
    batchSize: 500,
    progress: lineProgress(1000, (line) => progress.push(line)),
    onRejected: (row) => rejected.push(row),
    ...overrides,
  });
  return { summary, sent, rejected, progress };
}

describe('importing a portfolio', () => {
  it('publishes every record in batches of the batch size, in file order', async () => {
    const { summary, sent } = run(portfolio(300, 2), { batchSize: 200 });
    expect(await summary).toMatchObject({
      rows: 600,
      acceptedRows: 600,
      debtorsUpserted: 300,
      accountsPlaced: 600,
      published: 900,
      rejected: 0,
      warnings: 0,
    });
    expect(sent.map((batch) => batch.length)).toEqual([200, 200, 200, 200, 100]);
    const first = sent.flat().slice(0, 3);
    expect(first.map((record) => record.headers['ce_type'])).toEqual([
      'clement.crm.v1.DebtorUpserted',
      'clement.crm.v1.AccountPlaced',
      'clement.crm.v1.AccountPlaced',
    ]);
  });

  it('skips rejected rows, reports them all and prints the first 20', async () => {
    const lines = portfolio(30).map((line, index) =>
      index % 2 === 0 && 'record' in line
        ? { line: line.line, record: { ...line.record, currency: 'EURO' } }
        : line,
    );
    lines.push({ line: 99, error: 'the line is not valid JSON' });
    const { summary, sent, rejected } = run(lines);
    const result = await summary;
    expect(result).toMatchObject({ rows: 31, acceptedRows: 15, rejected: 16, published: 30 });
    expect(result.firstRejections).toHaveLength(16);
    expect(result.firstRejections[0]).toBe(
      'line 2: currency: must be an ISO 4217 currency code, e.g. GBP',
    );
    expect(rejected.at(-1)).toMatchObject({ line: 99, reason: 'the line is not valid JSON' });
    expect(sent.flat()).toHaveLength(30);
  });

  it('keeps only the first 20 rejections for the screen', async () => {
    const lines = portfolio(25).map((line) =>
      'record' in line ? { line: line.line, record: { ...line.record, currency: '' } } : line,
    );
    const { summary, rejected } = run(lines);
    const result = await summary;
    expect(result.rejected).toBe(25);
    expect(result.firstRejections).toHaveLength(20);
    expect(rejected).toHaveLength(25);
  });

  it('counts rows that contradict their debtor as warnings', async () => {
    const lines = portfolio(1, 3);
    lines[2] = {
      line: 4,
      record: { ...(lines[2] as { record: object }).record, locality: 'Sevilla' },
    };
    const result = await run(lines).summary;
    expect(result).toMatchObject({ acceptedRows: 3, debtorsUpserted: 1, warnings: 1 });
    expect(result.firstWarnings).toEqual([
      'line 4: debtor columns differ from line 2; the values on line 2 are used',
    ]);
  });

  it('publishes nothing on a dry run', async () => {
    const { summary, sent } = run(portfolio(10), { producer: undefined });
    expect(await summary).toMatchObject({ acceptedRows: 10, published: 0, debtorsUpserted: 10 });
    expect(sent).toEqual([]);
  });

  it('says how far it got when publishing fails, and that a re-run is safe', async () => {
    let calls = 0;
    const { summary } = run(portfolio(30), {
      batchSize: 20,
      producer: {
        send: async () => {
          calls += 1;
          if (calls === 2) throw new Error('broker unreachable');
        },
      },
    });
    await expect(summary).rejects.toThrow(
      'publishing failed after 20 records were acknowledged; importing the file again is safe (same ids and source versions): broker unreachable',
    );
  });

  it('reports progress in tenths of the file', () => {
    const lines: string[] = [];
    const progress = lineProgress(1000, (line) => lines.push(line));
    progress.update(50, 10);
    progress.update(150, 30);
    progress.update(160, 31);
    progress.update(520, 100);
    progress.update(1000, 200);
    expect(lines).toEqual([
      'progress: 10% of the file read, 30 rows',
      'progress: 50% of the file read, 100 rows',
    ]);
  });

  it('writes report lines as CSV with references and reasons only', () => {
    expect(
      reportLine({
        accepted: false,
        line: 7,
        creditorDebtorId: 'C-1',
        accountReference: 'A,1',
        reason: 'currency: must be an ISO 4217 currency code, e.g. GBP',
      }),
    ).toBe('7,C-1,"A,1","currency: must be an ISO 4217 currency code, e.g. GBP"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
  });
});
