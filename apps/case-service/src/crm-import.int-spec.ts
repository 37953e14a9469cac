import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicCatalogue } from '@clement/contracts';
import { readTopicToEnd } from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { parse } from 'csv-parse/sync';
import { type CaseServiceHarness, startCaseService } from './__fixtures__/case-service-harness';
import { CRM_INBOUND_GROUP } from './case-management.module';

// Acceptance: a 10,000-debtor portfolio imported with the integrator CLI (a real process, as an
// integrator runs it) into a running case-service, against the real Kafka and PostgreSQL.

jest.setTimeout(600_000);

const REPO_ROOT = join(__dirname, '..', '..', '..');
const DEBTORS = 10_000;
const INVALID_ROWS = 7;

let service: CaseServiceHarness;
const tenant = uniqueName('import')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');
const workDir = mkdtempSync(join(tmpdir(), 'clement-import-'));
const portfolio = join(workDir, 'portfolio.csv');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runTool(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAFKA_BROKERS: service.config.KAFKA_BROKERS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function crmImport(file: string, version: number, report: string): Promise<Run> {
  return runTool([
    'apps/cli/src/main.ts',
    'crm',
    'import',
    file,
    '--tenant',
    tenant,
    '--source-version',
    String(version),
    '--report',
    report,
  ]);
}

async function count(sql: string): Promise<number> {
  const [row] = await service.dataSource.query(
    sql.replaceAll('$schema', service.config.DATABASE_SCHEMA),
    [tenant],
  );
  return Number(row.count);
}

/** The case-service consumer group has committed everything on the CRM inbound topic. */
async function ingestionCaughtUp(): Promise<void> {
  const admin = await service.kafka.admin();
  try {
    await eventually(
      async () => {
        const ends = await admin.topicOffsets(topicCatalogue.crmInbound.name);
        const committed = await admin.groupOffsets(
          CRM_INBOUND_GROUP,
          topicCatalogue.crmInbound.name,
        );
        const behind = ends.filter((end) => {
          const at = committed.find((entry) => entry.partition === end.partition)?.offset ?? '-1';
          return BigInt(end.high) > BigInt(end.low) && BigInt(at) < BigInt(end.high);
        });
        expect(behind).toEqual([]);
      },
      { timeoutMs: 300_000, intervalMs: 500 },
    );
  } finally {
    await admin.disconnect();
  }
}

async function tables() {
  return {
    debtors: await count(`SELECT count(*) FROM "$schema"."debtors" WHERE "tenant_id" = $1`),
    accounts: await count(`SELECT count(*) FROM "$schema"."accounts" WHERE "tenant_id" = $1`),
    cases: await count(`SELECT count(*) FROM "$schema"."cases" WHERE "tenant_id" = $1`),
    events: await count(`SELECT count(*) FROM "$schema"."case_history" WHERE "tenant_id" = $1`),
  };
}

beforeAll(async () => {
  service = await startCaseService({
    schema: uniqueName('case_import')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
  });
  const admin = await service.token({ roles: ['platform-admin'] });
  const put = await service.request('PUT', `/v1/admin/tenants/${tenant}`, {
    token: admin,
    body: { displayName: 'Import acceptance' },
  });
  expect(put.status).toBe(200);
  const generated = await runTool([
    'tools/scripts/generate-portfolio.ts',
    '--debtors',
    String(DEBTORS),
    '--invalid',
    String(INVALID_ROWS),
    '--out',
    portfolio,
  ]);
  expect(generated.code).toBe(0);
});

afterAll(async () => {
  await service?.close();
});

describe('importing a 10,000-debtor portfolio with clement crm import', () => {
  let imported: Awaited<ReturnType<typeof tables>>;
  const rows = () => parse(readFileSync(portfolio), { columns: true }) as Record<string, string>[];

  it('creates debtors, cases, accounts and case events, and reports the malformed rows', async () => {
    const report = join(workDir, 'rejected-1.csv');
    const run = await crmImport(portfolio, 1, report);
    expect({ code: run.code, stderr: run.stderr.slice(-2_000) }).toMatchObject({ code: 3 });
    expect(run.stderr).toMatch(/7 row\(s\) rejected/);
    const rejected = parse(readFileSync(report), { columns: true }) as {
      line: string;
      reason: string;
    }[];
    expect(rejected).toHaveLength(INVALID_ROWS);
    for (const row of rejected) {
      expect(row.line).toMatch(/^\d+$/);
      expect(row.reason.length).toBeGreaterThan(5);
      expect(run.stderr).toContain(`line ${row.line}:`);
    }

    await ingestionCaughtUp();
    imported = await tables();
    const all = rows();
    const rejectedLines = new Set(rejected.map((row) => Number(row.line)));
    // CSV line n is data row n - 2 (line 1 is the header).
    const valid = all.filter((_, index) => !rejectedLines.has(index + 2));
    const debtorIds = new Set(valid.map((row) => row['creditor_debtor_id']));
    const openCases = new Set(
      valid.map((row) => `${row['creditor_debtor_id']}/${row['currency']}`),
    );
    expect(imported).toEqual({
      debtors: debtorIds.size,
      accounts: valid.length,
      cases: openCases.size,
      // Per debtor its contact points; per case CasePlaced; per further account BalanceChanged.
      events: debtorIds.size + openCases.size + (valid.length - openCases.size),
    });
    expect(debtorIds.size).toBeGreaterThan(DEBTORS - INVALID_ROWS - 1);

    // The relay deletes outbox rows once Kafka acknowledged them: every case event was published.
    await eventually(
      async () => {
        expect(
          await count(
            `SELECT count(*) FROM "$schema"."outbox" WHERE "headers"->>'ce_tenantid' = $1`,
          ),
        ).toBe(0);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    const onTopic = (
      await readTopicToEnd(service.kafka, topicCatalogue.caseEvents.name, 120_000)
    ).filter((record) => record.headers['ce_tenantid'] === tenant);
    expect(onTopic).toHaveLength(imported.events);
  });

  it('re-importing the same file adds no rows and no events', async () => {
    const run = await crmImport(portfolio, 1, join(workDir, 'rejected-2.csv'));
    expect(run.code).toBe(3);
    await ingestionCaughtUp();
    expect(await tables()).toEqual(imported);
  });

  it('keeps the newest data when an older export is imported after a newer one', async () => {
    const all = rows();
    const header = readFileSync(portfolio, 'utf8').split('\n')[0];
    const sample = all
      .slice(0, 50)
      .filter((row) => /^\d+$/.test(row['current_balance_minor'] ?? ''));
    const newer = sample.map((row) => ({
      ...row,
      current_balance_minor: '4242',
      days_past_due: '3',
    }));
    const columns = (header ?? '').split(',');
    const quote = (value: string) =>
      /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
    const csv = (records: Record<string, string>[]) =>
      [
        header,
        ...records.map((row) => columns.map((column) => quote(row[column] ?? '')).join(',')),
      ].join('\n');
    const newerFile = join(workDir, 'newer.csv');
    const olderFile = join(workDir, 'older.csv');
    writeFileSync(newerFile, `${csv(newer)}\n`);
    writeFileSync(
      olderFile,
      `${csv(sample.map((row) => ({ ...row, current_balance_minor: '1' })))}\n`,
    );

    expect((await crmImport(newerFile, 3, join(workDir, 'r3.csv'))).code).toBe(0);
    expect((await crmImport(olderFile, 2, join(workDir, 'r4.csv'))).code).toBe(0);
    await ingestionCaughtUp();

    const references = sample.map((row) => row['account_reference']);
    const balances = (await service.dataSource.query(
      `SELECT "account_reference", "current_balance_minor", "days_past_due", "source_version"
       FROM "${service.config.DATABASE_SCHEMA}"."accounts" WHERE "tenant_id" = $1 AND "account_reference" = ANY($2)`,
      [tenant, references],
    )) as { current_balance_minor: string; days_past_due: number; source_version: string }[];
    expect(balances).toHaveLength(sample.length);
    for (const account of balances) {
      expect(account).toMatchObject({
        current_balance_minor: '4242',
        days_past_due: 3,
        source_version: '3',
      });
    }
    const after = await tables();
    expect({ ...after, events: 0 }).toEqual({ ...imported, events: 0 });
    // The newer export: one BalanceChanged per account, and the debtors' contact points as a new
    // version; the older export changed nothing.
    const debtorsInSample = new Set(sample.map((row) => row['creditor_debtor_id'])).size;
    expect(after.events - imported.events).toBe(sample.length + debtorsInSample);
  });
});
