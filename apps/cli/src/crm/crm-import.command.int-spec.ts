import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { crmV1, HoldKind, topicCatalogue } from '@clement/contracts';
import {
  ContentType,
  createKafkajsPort,
  envelopeToHeaders,
  provisionTopics,
  readTopicToEnd,
  type IncomingRecord,
} from '@clement/messaging';
import { buildProgram } from '../program';
import { csvHeader, csvRow, generatePortfolio } from './portfolio-generator';

const INBOUND = topicCatalogue.crmInbound.name;
const OUTBOUND = topicCatalogue.crmOutbound.name;

/** The CLI in-process, against the broker in KAFKA_BROKERS, with its output captured. */
async function clement(...args: string[]) {
  const stdout: string[] = [];
  let stderr = '';
  let exitCode: number | undefined;
  await buildProgram((line) => stdout.push(line), {
    stderr: { isTTY: false, write: (text: string) => (stderr += text) },
    setExitCode: (code) => (exitCode = code),
  }).parseAsync(['node', 'clement', ...args]);
  return { stdout, stderr, exitCode };
}

describe('clement crm (the commands, against a real broker)', () => {
  const kafka = createKafkajsPort({
    clientId: 'cli-crm-test',
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  });
  const tenant = `cli-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'clement-crm-import-'));

  beforeAll(async () => {
    const admin = await kafka.admin();
    await provisionTopics(admin, [topicCatalogue.crmInbound, topicCatalogue.crmOutbound]);
    await admin.disconnect();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ofTenant = async (topic: string) =>
    (await readTopicToEnd(kafka, topic, 60_000)).filter(
      (record) => record.headers['ce_tenantid'] === tenant,
    );

  describe('import', () => {
    // 230 debtors make about 295 rows; 5 more are malformed.
    const rows = [...generatePortfolio({ debtors: 230, invalid: 5, seed: 42 })];
    const file = join(dir, 'portfolio.csv');
    const report = join(dir, 'rejected.csv');
    const defectLines = rows.flatMap((row, index) => (row.defect ? [index + 2] : []));
    const validRows = rows.filter((row) => row.defect === undefined);
    writeFileSync(file, [csvHeader(), ...rows.map((row) => csvRow(row.values))].join('\n'));

    let firstRun: IncomingRecord[] = [];

    it('publishes a DebtorUpserted per debtor and an AccountPlaced per valid row', async () => {
      const result = await clement('crm', 'import', file, '--tenant', tenant, '--report', report);
      expect(result.exitCode).toBe(3);
      expect(defectLines).toHaveLength(5);
      expect(result.stdout.join('\n')).toContain(
        `published ${230 + validRows.length} record(s) to ${INBOUND} for tenant ${tenant} ` +
          `(230 DebtorUpserted, ${validRows.length} AccountPlaced)`,
      );

      firstRun = await ofTenant(INBOUND);
      const byType = (type: string) => firstRun.filter((r) => r.headers['ce_type'] === type);
      expect(byType('clement.crm.v1.DebtorUpserted')).toHaveLength(230);
      expect(byType('clement.crm.v1.AccountPlaced')).toHaveLength(validRows.length);
      expect(firstRun).toHaveLength(230 + validRows.length);

      for (const record of firstRun) {
        const message =
          record.headers['ce_type'] === 'clement.crm.v1.DebtorUpserted'
            ? fromBinary(crmV1.DebtorUpsertedSchema, record.value!)
            : fromBinary(crmV1.AccountPlacedSchema, record.value!);
        expect(record.key).toBe(`${tenant}:${message.creditorDebtorId}`);
        expect(record.headers).toMatchObject({
          ce_specversion: '1.0',
          ce_source: `/crm/${tenant}/import`,
          ce_tenantid: tenant,
          ce_partitionkey: record.key,
          ce_subject: message.creditorDebtorId,
          'content-type': 'application/protobuf',
        });
      }
      // Each debtor's DebtorUpserted comes before its accounts, on the debtor's partition.
      const firstOfKey = new Map<string, string>();
      for (const record of firstRun)
        if (!firstOfKey.has(record.key!)) firstOfKey.set(record.key!, record.headers['ce_type']);
      expect(new Set(firstOfKey.values())).toEqual(new Set(['clement.crm.v1.DebtorUpserted']));

      const account = fromBinary(
        crmV1.AccountPlacedSchema,
        byType('clement.crm.v1.AccountPlaced').find((r) => r.key === `${tenant}:C-100001`)!.value!,
      );
      const source = validRows[0].values;
      expect(account).toMatchObject({
        accountReference: source.account_reference,
        currentBalance: {
          amountMinor: BigInt(source.current_balance_minor),
          currency: source.currency,
        },
        daysPastDue: Number(source.days_past_due),
        placementDate: source.placement_date,
      });
    });

    it('reports each rejected line with its reason, on stderr and in --report', async () => {
      const lines = readFileSync(report, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('line,creditor_debtor_id,account_reference,reason');
      expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(defectLines);
      expect(lines[1]).toMatch(/,current_balance_minor: must not be negative$/);
      expect(lines[2]).toMatch(/"currency: must be an ISO 4217 currency code, e.g. GBP"$/);
      expect(lines[3]).toMatch(/,placement_date: must be a date that exists$/);
      expect(lines[4]).toMatch(/^\d+,,A-[\d-]+X4,creditor_debtor_id: is required$/);
      expect(lines[5]).toMatch(
        /,original_balance_minor: must be an integer in minor units \(no decimal point\)$/,
      );
      const stderr = (await clement('crm', 'import', file, '--tenant', tenant, '--dry-run')).stderr;
      expect(stderr).toContain(
        `line ${defectLines[0]}: current_balance_minor: must not be negative`,
      );
    });

    it('publishes the same ids and versions when the file is imported again', async () => {
      const again = await clement('crm', 'import', file, '--tenant', tenant);
      expect(again.exitCode).toBe(3);
      const all = await ofTenant(INBOUND);
      expect(all).toHaveLength(2 * firstRun.length);
      const firstIds = new Set(firstRun.map((record) => record.headers['ce_id']));
      const position = (record: IncomingRecord) => `${record.partition}/${record.offset}`;
      const firstPositions = new Set(firstRun.map(position));
      const second = all.filter((record) => !firstPositions.has(position(record)));
      expect(second).toHaveLength(firstRun.length);
      expect(new Set(second.map((record) => record.headers['ce_id']))).toEqual(firstIds);
      expect(firstIds.size).toBe(firstRun.length);

      const version = (record: IncomingRecord) =>
        record.headers['ce_type'] === 'clement.crm.v1.DebtorUpserted'
          ? fromBinary(crmV1.DebtorUpsertedSchema, record.value!).sourceVersion
          : fromBinary(crmV1.AccountPlacedSchema, record.value!).sourceVersion;
      const versionById = new Map(firstRun.map((r) => [r.headers['ce_id'], version(r)]));
      for (const record of second) {
        expect(version(record)).toBe(versionById.get(record.headers['ce_id']));
      }
    });
  });

  describe('tail', () => {
    const holdPlaced = (debtor: string, recordTenant = tenant) => {
      const key = `${recordTenant}:${debtor}`;
      return {
        topic: OUTBOUND,
        key,
        value: Buffer.from(
          toBinary(
            crmV1.HoldPlacedSchema,
            create(crmV1.HoldPlacedSchema, {
              creditorDebtorId: debtor,
              accountReferences: [`A-${debtor}`],
              caseId: `case-${debtor}`,
              holdId: `hold-${debtor}`,
              kind: HoldKind.DISPUTE,
              startsAt: timestampFromDate(new Date('2026-11-24T08:30:00Z')),
            }),
          ),
        ),
        headers: envelopeToHeaders({
          id: `hold-${debtor}`,
          source: '/clement/case-service',
          type: crmV1.HoldPlacedSchema.typeName,
          time: '2026-11-24T08:30:00.000Z',
          contentType: ContentType.protobuf,
          tenantId: recordTenant,
          partitionKey: key,
          correlationId: `hold-${debtor}`,
        }),
      };
    };

    beforeAll(async () => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send([
        holdPlaced('C-1'),
        holdPlaced('C-9', `${tenant}-other`),
        holdPlaced('C-2'),
      ]);
      await producer.disconnect();
    });

    const expected = (debtor: string) => ({
      time: '2026-11-24T08:30:00.000Z',
      type: 'clement.crm.v1.HoldPlaced',
      tenant,
      key: `${tenant}:${debtor}`,
      data: {
        creditorDebtorId: debtor,
        accountReferences: [`A-${debtor}`],
        caseId: `case-${debtor}`,
        holdId: `hold-${debtor}`,
        kind: 'HOLD_KIND_DISPUTE',
        startsAt: '2026-11-24T08:30:00Z',
      },
    });
    const sortByKey = (events: { key: string }[]) =>
      [...events].sort((a, b) => a.key.localeCompare(b.key));

    it("prints the tenant's outbound events as JSON lines and stops after --max", async () => {
      const { stdout } = await clement(
        'crm',
        'tail',
        '--tenant',
        tenant,
        '--from-beginning',
        '--max',
        '2',
      );
      const events = stdout.map((line) => JSON.parse(line) as { key: string });
      expect(sortByKey(events)).toEqual([expected('C-1'), expected('C-2')]);
    });

    it('stops when idle for --idle-timeout', async () => {
      const started = Date.now();
      const { stdout } = await clement(
        'crm',
        'tail',
        '--tenant',
        tenant,
        '--from-beginning',
        '--idle-timeout',
        '10000',
      );
      expect(stdout).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  });
});
