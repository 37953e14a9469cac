import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulationReport } from '@clement/strategy-engine';
import { validRecord } from '../crm/__fixtures__/portfolio-record';
import { PORTFOLIO_COLUMNS } from '../crm/portfolio-columns';
import { csvHeader, csvRow, type PortfolioValues } from '../crm/portfolio-generator';
import { UsageError } from '../kafka-from-env';
import { buildProgram } from '../program';

const ROOT = join(__dirname, '../../../..');
const EARLY = join(ROOT, 'deploy/strategies/early-digital-first.yaml');
const LATE = join(ROOT, 'deploy/strategies/late-stage-escalation.yaml');
const SAMPLE = join(ROOT, 'deploy/demo/portfolio.sample.csv');

/** The program with stdout and stderr captured, and no Kafka. */
function program() {
  const stdout: string[] = [];
  let stderr = '';
  const cli = buildProgram((line) => stdout.push(line), {
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
    kafka: () => {
      throw new Error('no Kafka in unit tests');
    },
  });
  return {
    run: (...args: string[]) => cli.parseAsync(['node', 'clement', ...args]),
    stdout,
    stderr: () => stderr,
  };
}

const simulate = async (...args: string[]) => {
  const cli = program();
  await cli.run('strategy', 'simulate', '--start', '2026-12-01T00:00:00Z', '--json', ...args);
  return { report: JSON.parse(cli.stdout.join('\n')) as SimulationReport, stderr: cli.stderr() };
};

const failure = async (...args: string[]) => {
  const error = await program()
    .run(...args)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
};

describe('clement strategy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clement-strategy-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('validates both example strategies', async () => {
    for (const strategy of [EARLY, LATE]) {
      const cli = program();
      await cli.run('strategy', 'validate', strategy);
      expect(cli.stdout).toEqual([
        expect.stringMatching(/: valid strategy ".+" \(\d+ segments, \d+ paths\)$/),
      ]);
    }
  });

  it('lists every problem of an invalid strategy with its JSON pointer', async () => {
    const bad = file(
      'bad.yaml',
      [
        'schemaVersion: 1',
        'name: Broken',
        'reactions: { vulnerability: { path: supportive } }',
        'segments: [{ id: all, path: nowhere }]',
        'paths:',
        '  supportive:',
        '    steps:',
        '      - { id: a, send: { channels: [pigeon], template: t, purpose: reminder } }',
      ].join('\n'),
    );
    const message = await failure('strategy', 'validate', bad);
    expect(message).toMatch(/bad\.yaml is not a valid strategy:\n/);
    expect(message).toMatch(/^ {2}\/paths\/supportive\/steps\/0\/send\/channels\/0: /m);
    const simulated = await failure(
      'strategy',
      'simulate',
      '--strategy',
      bad,
      '--portfolio',
      SAMPLE,
    );
    expect(simulated).toMatch(/bad\.yaml is not a valid strategy/);
  });

  it.each([
    [
      'a missing strategy',
      ['strategy', 'validate', '/no/such.yaml'],
      /no such strategy file: \/no\/such\.yaml/,
    ],
    [
      'a missing portfolio',
      ['strategy', 'simulate', '--strategy', EARLY, '--portfolio', '/no/such.csv'],
      /no such portfolio file/,
    ],
    [
      'a portfolio of another format',
      ['strategy', 'simulate', '--strategy', EARLY, '--portfolio', EARLY],
      /cannot tell the format/,
    ],
    [
      'no --portfolio',
      ['strategy', 'simulate', '--strategy', EARLY],
      /--portfolio <file>' not specified/,
    ],
    [
      '--days 0',
      ['strategy', 'simulate', '--strategy', EARLY, '--portfolio', SAMPLE, '--days', '0'],
      /--days must be a whole number/,
    ],
    [
      'a bad --start',
      ['strategy', 'simulate', '--strategy', EARLY, '--portfolio', SAMPLE, '--start', 'tomorrow'],
      /--start must be an ISO instant/,
    ],
    [
      'an unknown --policy',
      ['strategy', 'simulate', '--strategy', EARLY, '--portfolio', SAMPLE, '--policy', 'MARS'],
      /--policy must be one of/,
    ],
  ])('refuses %s as bad usage', async (_label, args, message) => {
    expect(await failure(...args)).toMatch(message);
  });

  it('simulates the early-stage example over the sample portfolio', async () => {
    const { report, stderr } = await simulate('--strategy', EARLY, '--portfolio', SAMPLE);
    // The sample holds 200 debtors and a few deliberately broken rows, reported on stderr.
    expect(report.cases).toBe(200);
    expect(stderr).toMatch(/skipped line \d+: /);
    expect(report.unassignedCases).toBe(0);
    expect(report.strategy).toMatchObject({ strategyId: 'early-digital-first', version: 1 });
    expect(report.jurisdiction).toBe('UK_FCA');
    expect(report.byDay).toHaveLength(30);
    expect(report.totals.channels.whatsapp.messages).toBeGreaterThan(0);
    expect(report.totals.channels.sms.messages).toBeGreaterThan(0);
    expect(report.totals.channels.email.messages).toBeGreaterThan(0);
    expect(report.totals.escalationQueues['vulnerability-review']).toBeGreaterThan(0);
    expect(report.totals.payments.count).toBeGreaterThan(0);
  });

  it('simulates the late-stage example with escalations to agents', async () => {
    const { report } = await simulate(
      '--strategy',
      LATE,
      '--portfolio',
      SAMPLE,
      '--days',
      '30',
      '--seed',
      '42',
    );
    expect(report.cases).toBe(200);
    expect(report.unassignedCases).toBe(0);
    expect(report.jurisdiction).toBe('EU_ES');
    expect(report.totals.escalations).toBeGreaterThan(0);
    expect(report.totals.escalationQueues['collections']).toBeGreaterThan(0);
    expect(report.totals.escalationQueues['pre-legal-review']).toBeGreaterThan(0);
    // Fewer digital touches than cases times two.
    expect(report.totals.messages).toBeLessThan(2 * report.cases);
  });

  it('prints the same table for the same seed, and a policy preset changes it', async () => {
    const table = async (...extra: string[]) => {
      const cli = program();
      await cli.run(
        'strategy',
        'simulate',
        '--strategy',
        EARLY,
        '--portfolio',
        SAMPLE,
        '--days',
        '7',
        '--start',
        '2026-12-01T00:00:00Z',
        ...extra,
      );
      return cli.stdout.join('\n');
    };
    const first = await table();
    expect(first).toMatch(
      /^Strategy early-digital-first v1 \(Early stage, digital first\): 200 cases, 7 days/,
    );
    expect(first).toMatch(/^total\s+\d+/m);
    expect(await table()).toBe(first);
    // Spain allows no messages before 09:00: the 08:30 reminders are deferred.
    const spain = await table('--policy', 'EU_ES');
    expect(spain).toMatch(/policy EU_ES/);
    expect(spain).toMatch(/^(sms|whatsapp|email): \d+ sent; [1-9]\d* deferred \(quiet_hours \d+/m);
  });

  it('reads JSONL portfolios, groups accounts by debtor and applies a behaviour file', async () => {
    const row = (overrides: Record<string, string>) =>
      Object.fromEntries(
        PORTFOLIO_COLUMNS.map((c) => [c, String(validRecord(overrides)[c] ?? '')]),
      ) as PortfolioValues;
    const csv = file(
      'two.csv',
      [
        csvHeader(),
        csvRow(row({ days_past_due: '10' })),
        csvRow(row({ account_reference: 'A-1001-2', days_past_due: '45' })),
        csvRow(row({ creditor_debtor_id: 'C-1002', account_reference: 'A-1002-1' })),
      ].join('\n'),
    );
    const jsonl = file(
      'two.jsonl',
      [
        validRecord({ days_past_due: '10' }),
        validRecord({ account_reference: 'A-1001-2', days_past_due: '45' }),
        validRecord({ creditor_debtor_id: 'C-1002', account_reference: 'A-1002-1' }),
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const fromCsv = await simulate('--strategy', LATE, '--portfolio', csv, '--days', '5');
    const fromJsonl = await simulate('--strategy', LATE, '--portfolio', jsonl, '--days', '5');
    expect(fromCsv.report.cases).toBe(2);
    expect(fromJsonl.report).toEqual(fromCsv.report);

    const everyonePays = file(
      'pay.yaml',
      'channels:\n  sms: { pay: 1, click: 0, reply: 0, stop: 0, promise: 0, delivered: 1 }\n  email: { pay: 1, click: 0, reply: 0, stop: 0, promise: 0, delivered: 1 }\n  whatsapp: { pay: 1, click: 0, reply: 0, stop: 0, promise: 0, delivered: 1 }\nvulnerableShare: 0\n',
    );
    const paying = await simulate(
      '--strategy',
      LATE,
      '--portfolio',
      csv,
      '--days',
      '5',
      '--behaviour',
      everyonePays,
    );
    expect(paying.report.totals.payments.count).toBe(paying.report.totals.messages);
    expect(paying.report.totals.payments.count).toBeGreaterThan(0);

    const badBehaviour = file('bad-behaviour.json', '{"channels": {"sms": {"pay": 3}}}');
    expect(
      await failure(
        'strategy',
        'simulate',
        '--strategy',
        LATE,
        '--portfolio',
        csv,
        '--behaviour',
        badBehaviour,
      ),
    ).toMatch(
      /bad-behaviour\.json is not a valid behaviour model:\n {2}\/channels\/sms\/pay: must be a share/,
    );
  });
});
