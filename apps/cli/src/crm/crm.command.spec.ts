import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../kafka-from-env';
import { buildProgram } from '../program';
import { validRecord } from './__fixtures__/portfolio-record';
import { PORTFOLIO_COLUMNS } from './portfolio-columns';
import { csvHeader, csvRow, type PortfolioValues } from './portfolio-generator';

/** The program with stdout, stderr and the exit code captured, and no Kafka. */
function program() {
  const stdout: string[] = [];
  let stderr = '';
  let exitCode: number | undefined;
  const cli = buildProgram((line) => stdout.push(line), {
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
    setExitCode: (code) => (exitCode = code),
    kafka: () => {
      throw new Error('no Kafka in unit tests');
    },
  });
  return {
    run: (...args: string[]) => cli.parseAsync(['node', 'clement', ...args]),
    stdout,
    stderr: () => stderr,
    exitCode: () => exitCode,
  };
}

const values = (overrides: Record<string, string> = {}) =>
  Object.fromEntries(
    PORTFOLIO_COLUMNS.map((column) => [column, String(validRecord(overrides)[column] ?? '')]),
  ) as PortfolioValues;

describe('clement crm (without a broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clement-crm-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('validates a file on --dry-run, reports rejected rows and exits 3', async () => {
    const path = file(
      'portfolio.csv',
      [
        csvHeader(),
        csvRow(values()),
        csvRow(values({ account_reference: 'A-1001-2', current_balance_minor: '-5' })),
        csvRow(values({ creditor_debtor_id: 'C-1002', account_reference: 'A-1002-1' })),
      ].join('\n'),
    );
    const report = join(dir, 'rejected.csv');
    const cli = program();
    await cli.run('crm', 'import', path, '--tenant', 'acme-bank', '--dry-run', '--report', report);

    expect(cli.exitCode()).toBe(3);
    expect(cli.stdout[0]).toMatch(/^read 3 row\(s\) from .* 2 accepted, 1 rejected$/);
    expect(cli.stdout[1]).toBe(
      'dry run: nothing published (a real run would publish 2 DebtorUpserted, 2 AccountPlaced)',
    );
    expect(cli.stderr()).toContain('line 3: current_balance_minor: must not be negative');
    expect(readFileSync(report, 'utf8')).toBe(
      'line,creditor_debtor_id,account_reference,reason\n' +
        '3,C-1001,A-1001-2,current_balance_minor: must not be negative\n',
    );
    // References and reasons only: no names, phones or emails.
    expect(readFileSync(report, 'utf8') + cli.stderr()).not.toMatch(/Lucía|\+34|example\.com/);
  });

  it('exits 0 when every row is valid', async () => {
    const path = file('ok.jsonl', `${JSON.stringify(validRecord())}\n`);
    utimesSync(path, new Date('2026-11-24T08:30:00Z'), new Date('2026-11-24T08:30:00Z'));
    const cli = program();
    await cli.run('crm', 'import', path, '--tenant', 'acme-bank', '--dry-run');
    expect(cli.exitCode()).toBe(0);
  });

  it.each([
    [['crm', 'import', 'x.csv'], "required option '--tenant <id>' not specified"],
    [['crm', 'import', 'x.csv', '--tenant', 'Acme Bank'], '--tenant must be 2 to 63'],
    [['crm', 'import', 'x.xlsx', '--tenant', 'acme'], 'cannot tell the format of x.xlsx'],
    [
      ['crm', 'import', '/nonexistent/x.csv', '--tenant', 'acme'],
      'cannot read /nonexistent/x.csv: ENOENT',
    ],
    [['crm', 'import', 'x.csv', '--tenant', 'acme', '--batch-size', '0'], '--batch-size must be'],
    [
      ['crm', 'import', 'x.csv', '--tenant', 'acme', '--source-version', 'soon'],
      '--source-version must be a positive integer',
    ],
    [['crm', 'import', 'x.csv', '--tenant', 'acme', '--bogus'], "unknown option '--bogus'"],
    [['crm', 'tail', '--max', '0'], '--max must be a positive integer'],
  ])('treats %j as a usage error (exit 2)', async (args, message) => {
    const cli = program();
    const error = await cli.run(...args).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });

  it('refuses a CSV whose header does not fit, before reading rows', async () => {
    const path = file('bad-header.csv', 'creditor_debtor_id,nickname\nC-1,Lu\n');
    const cli = program();
    await expect(cli.run('crm', 'import', path, '--tenant', 'acme', '--dry-run')).rejects.toThrow(
      'unknown column(s) nickname; missing column(s) account_reference',
    );
  });
});
