import { randomUUID } from 'node:crypto';
import type { AccountRecord, CaseRecord, CasesRepository } from '../cases/cases.repository';
import type { DebtorVault } from '../debtors/debtor-vault';
import type { DebtorRecord, DebtorsRepository, NewDebtor } from '../debtors/debtors.repository';
import type { PreparedDebtorKey } from '../pii';
import { TenantScope } from '../tenancy/tenant-scope';
import { IngestionBatch } from './ingestion-batch';

const acme = TenantScope.of('acme-bank');
const other = TenantScope.of('other-bank');

function newDebtor(creditorDebtorId: string): {
  row: NewDebtor;
  record: DebtorRecord;
  key: PreparedDebtorKey;
} {
  const id = randomUUID();
  const row: NewDebtor = {
    id,
    creditorDebtorId,
    kind: 'person',
    keyId: `dk_${id}`,
    profile: Buffer.from('sealed'),
    preferredLanguage: null,
    profileVersion: 1n,
    contactPointsVersion: 1n,
  };
  const record = { ...row, debtorWideHolds: 0 } as unknown as DebtorRecord;
  const key = { keyId: row.keyId, debtorId: id, tenantId: 'acme-bank' } as PreparedDebtorKey;
  return { row, record, key };
}

function caseOf(debtorId: string, currency = 'EUR'): CaseRecord {
  return {
    id: randomUUID(),
    debtorId,
    currency,
    lifecycle: { status: 'placed', statusBeforeHold: null, resolution: null },
    totalBalanceMinor: 100n,
    maxDaysPastDue: 10,
    openedAt: new Date(),
    resolvedAt: null,
  };
}

/** Records the order of the multi-row inserts a settle makes. */
function recordingStores() {
  const calls: string[] = [];
  const stores = {
    vault: {
      storePreparedKeys: async (_db: unknown, keys: unknown[]) =>
        void calls.push(`keys:${keys.length}`),
    },
    debtors: {
      insertMany: async (_db: unknown, _s: unknown, rows: unknown[]) =>
        void calls.push(`debtors:${rows.length}`),
      insertContactPointsOfMany: async (_db: unknown, _s: unknown, rows: unknown[]) =>
        void calls.push(`contacts:${rows.length}`),
    },
    cases: {
      insertCases: async (_db: unknown, _s: unknown, rows: unknown[]) =>
        void calls.push(`cases:${rows.length}`),
      insertAccounts: async (_db: unknown, _s: unknown, rows: unknown[]) =>
        void calls.push(`accounts:${rows.length}`),
    },
  };
  return {
    calls,
    stores: stores as unknown as {
      vault: DebtorVault;
      debtors: DebtorsRepository;
      cases: CasesRepository;
    },
  };
}

describe('IngestionBatch', () => {
  it('tells "not loaded" (undefined) from "known not to exist" (null), per tenant', () => {
    const batch = new IngestionBatch();
    batch.rememberDebtor(acme, 'C-1', null);

    expect(batch.debtor(acme, 'C-1')).toBeNull();
    expect(batch.debtor(acme, 'C-2')).toBeUndefined();
    expect(batch.debtor(other, 'C-1')).toBeUndefined();
  });

  it('knows a new debtor has no open case, and finds the case it opens', () => {
    const batch = new IngestionBatch();
    const { row, record, key } = newDebtor('C-1');
    batch.addDebtor(acme, key, row, record, []);

    expect(batch.debtor(acme, 'C-1')).toBe(record);
    expect(batch.openCase(acme, row.id, 'EUR')).toBeNull();

    const opened = caseOf(row.id);
    batch.addCase(acme, opened);
    expect(batch.openCase(acme, row.id, 'EUR')).toBe(opened);
    expect(batch.openCase(acme, row.id, 'GBP')).toBeNull();
    expect(batch.isNewCase(acme, opened.id)).toBe(true);
    expect(batch.isNewCase(other, opened.id)).toBe(false);
  });

  it('writes parents before children with one insert per table, then forgets everything', async () => {
    const batch = new IngestionBatch();
    const first = newDebtor('C-1');
    const second = newDebtor('C-2');
    batch.addDebtor(acme, first.key, first.row, first.record, [{} as never]);
    batch.addDebtor(acme, second.key, second.row, second.record, []);
    const opened = caseOf(first.row.id);
    batch.addCase(acme, opened);
    batch.updateNewCase(acme, { ...opened, totalBalanceMinor: 300n });
    batch.addAccount(acme, { accountReference: 'A-1', caseId: opened.id } as AccountRecord);
    batch.addAccount(acme, { accountReference: 'A-2', caseId: opened.id } as AccountRecord);
    const { calls, stores } = recordingStores();

    await batch.settle({ query: async () => [] }, stores);

    expect(calls).toEqual(['keys:2', 'debtors:2', 'contacts:1', 'cases:1', 'accounts:2']);
    expect(batch.hasPendingRows).toBe(false);
    expect(batch.debtor(acme, 'C-1')).toBeUndefined();
    expect(batch.account(acme, 'A-1')).toBeUndefined();
    expect(batch.openCase(acme, first.row.id, 'EUR')).toBeUndefined();
  });
});
