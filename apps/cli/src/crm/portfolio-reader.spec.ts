import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../kafka-from-env';
import { REQUIRED_COLUMNS } from './portfolio-columns';
import { checkCsvHeader, formatOfFile, openPortfolio, type SourceLine } from './portfolio-reader';

describe('reading portfolio files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clement-portfolio-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const readAll = async (path: string): Promise<SourceLine[]> => {
    const lines: SourceLine[] = [];
    for await (const line of openPortfolio(path, formatOfFile(path)).lines) lines.push(line);
    return lines;
  };
  const header = REQUIRED_COLUMNS.join(',');
  const row = (debtor: string, account: string) =>
    `${debtor},${account},credit_card,EUR,100,90,3,2026-10-01`;

  it('tells the format by extension', () => {
    expect(formatOfFile('a/b.CSV')).toBe('csv');
    expect(formatOfFile('b.jsonl')).toBe('jsonl');
    expect(formatOfFile('b.ndjson')).toBe('jsonl');
    expect(() => formatOfFile('b.xlsx')).toThrow(UsageError);
  });

  it('streams CSV rows keyed by header, with file line numbers', async () => {
    const path = file(
      'ok.csv',
      `\uFEFF${header}\r\n${row('C-1', 'A-1')}\r\n\r\n${row('C-2', '"A-2, ""b"""')}\r\n`,
    );
    const lines = await readAll(path);
    expect(lines).toEqual([
      {
        line: 2,
        record: expect.objectContaining({ creditor_debtor_id: 'C-1', account_reference: 'A-1' }),
      },
      {
        line: 4,
        record: expect.objectContaining({
          creditor_debtor_id: 'C-2',
          account_reference: 'A-2, "b"',
        }),
      },
    ]);
  });

  it('reports broken CSV lines in order and carries on', async () => {
    const path = file(
      'broken.csv',
      [header, row('C-1', 'A-1'), 'C-2,A-2', row('C-3', 'A"3'), row('C-4', 'A-4')].join('\n'),
    );
    expect(await readAll(path)).toEqual([
      { line: 2, record: expect.objectContaining({ creditor_debtor_id: 'C-1' }) },
      { line: 3, error: 'the line does not have as many fields as the header' },
      {
        line: 4,
        error: 'a quote in the middle of a field (quote the field and double the quote)',
      },
      { line: 5, record: expect.objectContaining({ creditor_debtor_id: 'C-4' }) },
    ]);
  });

  it('refuses a CSV header that does not fit the format', async () => {
    await expect(readAll(file('unknown.csv', `${header},nickname\n`))).rejects.toThrow(
      'unknown column(s) nickname',
    );
    await expect(readAll(file('missing.csv', 'creditor_debtor_id\n'))).rejects.toThrow(
      'missing column(s) account_reference, product_type',
    );
    await expect(readAll(file('empty.csv', ''))).rejects.toThrow('the CSV file is empty');
    expect(() => checkCsvHeader([...REQUIRED_COLUMNS, 'currency'])).toThrow(
      'repeated column(s) currency',
    );
  });

  it('streams JSONL objects, reporting lines that are not objects without quoting them', async () => {
    const path = file(
      'rows.jsonl',
      [
        '{"creditor_debtor_id":"C-1","original_balance_minor":100}',
        '',
        '{"creditor_debtor_id":"Lucía García',
        '["C-3"]',
        '{"creditor_debtor_id":"C-4"}',
      ].join('\n'),
    );
    const lines = await readAll(path);
    expect(lines).toEqual([
      { line: 1, record: { creditor_debtor_id: 'C-1', original_balance_minor: 100 } },
      { line: 3, error: 'the line is not valid JSON' },
      { line: 4, error: 'the line is not a JSON object' },
      { line: 5, record: { creditor_debtor_id: 'C-4' } },
    ]);
  });

  it('counts the bytes read, for progress', async () => {
    const content = `${header}\n${row('C-1', 'A-1')}\n`;
    const source = openPortfolio(file('bytes.csv', content), 'csv');
    for await (const _ of source.lines) {
      // drain
    }
    expect(source.bytesRead()).toBe(Buffer.byteLength(content));
  });
});
