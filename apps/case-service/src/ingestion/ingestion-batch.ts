import type { AccountRecord, CaseRecord, CasesRepository } from '../cases/cases.repository';
import type { DebtorVault } from '../debtors/debtor-vault';
import type {
  DebtorRecord,
  DebtorsRepository,
  NewDebtor,
  StoredContactPoint,
} from '../debtors/debtors.repository';
import type { PreparedDebtorKey } from '../pii';
import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';

interface PendingInserts {
  readonly scope: TenantScope;
  readonly keys: PreparedDebtorKey[];
  readonly debtors: NewDebtor[];
  readonly contactPoints: { debtorId: string; points: readonly StoredContactPoint[] }[];
  readonly cases: Map<string, CaseRecord>;
  readonly accounts: AccountRecord[];
}

export interface BatchStores {
  readonly debtors: DebtorsRepository;
  readonly cases: CasesRepository;
  readonly vault: DebtorVault;
}

/**
 * One consumer transaction's view of the debtors, accounts and open cases its events touch, and
 * the rows its new debtors and placements add. Bulk loads are mostly new debtors and accounts:
 * they are read with three queries per batch (`prefetch`) and written with one insert per table
 * (`flush`) instead of several statements per event. Anything else first flushes and forgets
 * (`settle`), then reads and writes the database directly.
 *
 * The maps hold rows locked FOR UPDATE by this transaction, plus the rows it adds, so they are
 * exact until the transaction changes those rows another way, which only happens after a settle.
 */
export class IngestionBatch {
  private readonly debtors = new Map<string, DebtorRecord | null>();
  private readonly accounts = new Map<string, AccountRecord | null>();
  private readonly openCases = new Map<string, CaseRecord | null>();
  /** Debtors whose every open case is in `openCases` (absent currency = no open case). */
  private readonly casesKnownFor = new Set<string>();
  private readonly pending = new Map<string, PendingInserts>();

  debtor(scope: TenantScope, creditorDebtorId: string): DebtorRecord | null | undefined {
    return this.debtors.get(key(scope, creditorDebtorId));
  }

  account(scope: TenantScope, reference: string): AccountRecord | null | undefined {
    return this.accounts.get(key(scope, reference));
  }

  openCase(scope: TenantScope, debtorId: string, currency: string): CaseRecord | null | undefined {
    const found = this.openCases.get(key(scope, debtorId, currency));
    if (found !== undefined) return found;
    return this.casesKnownFor.has(key(scope, debtorId)) ? null : undefined;
  }

  rememberDebtor(scope: TenantScope, creditorDebtorId: string, debtor: DebtorRecord | null): void {
    this.debtors.set(key(scope, creditorDebtorId), debtor);
  }

  rememberAccount(scope: TenantScope, reference: string, account: AccountRecord | null): void {
    this.accounts.set(key(scope, reference), account);
  }

  rememberOpenCase(scope: TenantScope, record: CaseRecord): void {
    this.openCases.set(key(scope, record.debtorId, record.currency), record);
  }

  rememberNoOpenCase(scope: TenantScope, debtorId: string, currency: string): void {
    this.openCases.set(key(scope, debtorId, currency), null);
  }

  /** Every open case of the debtor has been remembered. */
  knowsAllCasesOf(scope: TenantScope, debtorId: string): void {
    this.casesKnownFor.add(key(scope, debtorId));
  }

  addDebtor(
    scope: TenantScope,
    prepared: PreparedDebtorKey,
    debtor: NewDebtor,
    record: DebtorRecord,
    points: readonly StoredContactPoint[],
  ): void {
    const pending = this.pendingFor(scope);
    pending.keys.push(prepared);
    pending.debtors.push(debtor);
    if (points.length > 0) pending.contactPoints.push({ debtorId: debtor.id, points });
    this.rememberDebtor(scope, debtor.creditorDebtorId, record);
    this.knowsAllCasesOf(scope, debtor.id);
  }

  addCase(scope: TenantScope, record: CaseRecord): void {
    this.pendingFor(scope).cases.set(record.id, record);
    this.rememberOpenCase(scope, record);
  }

  /** Whether the case is one this batch adds (its row is not in the database yet). */
  isNewCase(scope: TenantScope, caseId: string): boolean {
    return this.pending.get(scope.tenantId)?.cases.has(caseId) ?? false;
  }

  /** Replaces a case this batch adds (e.g. its totals after another account joined). */
  updateNewCase(scope: TenantScope, record: CaseRecord): void {
    this.pendingFor(scope).cases.set(record.id, record);
    this.rememberOpenCase(scope, record);
  }

  addAccount(scope: TenantScope, account: AccountRecord): void {
    this.pendingFor(scope).accounts.push(account);
    this.rememberAccount(scope, account.accountReference, account);
  }

  get hasPendingRows(): boolean {
    return this.pending.size > 0;
  }

  /** Writes the added rows (parents first), then forgets everything: the database is the truth. */
  async settle(db: SqlRunner, stores: BatchStores): Promise<void> {
    for (const pending of this.pending.values()) {
      const { scope } = pending;
      await stores.vault.storePreparedKeys(db, pending.keys);
      await stores.debtors.insertMany(db, scope, pending.debtors);
      await stores.debtors.insertContactPointsOfMany(db, scope, pending.contactPoints);
      await stores.cases.insertCases(db, scope, [...pending.cases.values()]);
      await stores.cases.insertAccounts(db, scope, pending.accounts);
    }
    this.pending.clear();
    this.debtors.clear();
    this.accounts.clear();
    this.openCases.clear();
    this.casesKnownFor.clear();
  }

  private pendingFor(scope: TenantScope): PendingInserts {
    let pending = this.pending.get(scope.tenantId);
    if (!pending) {
      pending = {
        scope,
        keys: [],
        debtors: [],
        contactPoints: [],
        cases: new Map(),
        accounts: [],
      };
      this.pending.set(scope.tenantId, pending);
    }
    return pending;
  }
}

function key(scope: TenantScope, ...parts: string[]): string {
  return [scope.tenantId, ...parts].join('\n');
}
