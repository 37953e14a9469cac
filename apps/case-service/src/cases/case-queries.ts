import type { DataSource } from 'typeorm';
import type { DebtorVault } from '../debtors/debtor-vault';
import type { DebtorsRepository } from '../debtors/debtors.repository';
import type { DebtorProfile } from '../ingestion/crm-ingestion';
import type { TenantScope } from '../tenancy/tenant-scope';
import type {
  AccountRecord,
  CaseListFilter,
  CaseRecord,
  CaseSummaryRecord,
  CasesRepository,
  HistoryRecord,
  HoldRecord,
} from './cases.repository';
import { CaseDomainError, CaseErrorCode } from './domain/domain-errors';

export interface CaseDetail {
  readonly record: CaseRecord;
  readonly debtor: {
    readonly id: string;
    readonly creditorDebtorId: string;
    readonly kind: string;
    /** Null once the debtor was erased. */
    readonly name: string | null;
    readonly preferredLanguage: string | null;
    readonly vulnerabilityCategories: readonly string[];
    readonly vulnerabilityReviewDate: string | null;
    readonly legalRetentionUntil: string | null;
    readonly erasedAt: Date | null;
  };
  readonly accounts: readonly AccountRecord[];
  readonly holds: readonly HoldRecord[];
  readonly notes: readonly {
    id: string;
    author: { kind: number; id: string };
    body: string | null;
    createdAt: Date;
  }[];
}

/** What staff read about cases. Decrypts personal data only for the case asked for. */
export class CaseQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: CasesRepository,
    private readonly debtors: DebtorsRepository,
    private readonly vault: DebtorVault,
  ) {}

  list(scope: TenantScope, filter: CaseListFilter): Promise<CaseSummaryRecord[]> {
    return this.cases.list(this.dataSource.manager, scope, filter);
  }

  async detail(scope: TenantScope, caseId: string): Promise<CaseDetail> {
    const db = this.dataSource.manager;
    const record = await this.cases.findCase(db, scope, caseId);
    if (!record) throw caseNotFound(caseId);
    const debtor = await this.debtors.findById(db, scope, record.debtorId);
    if (!debtor) throw caseNotFound(caseId);
    const sealer = debtor.erasedAt ? undefined : await this.vault.sealerFor(db, scope, debtor);
    const profile =
      sealer && debtor.profile ? sealer.openJson<DebtorProfile>(debtor.profile) : undefined;
    const [accounts, holds, notes] = await Promise.all([
      this.cases.accountsOf(db, scope, caseId),
      this.cases.holdsOfCase(db, scope, record),
      this.cases.notesOf(db, scope, caseId),
    ]);
    return {
      record,
      debtor: {
        id: debtor.id,
        creditorDebtorId: debtor.creditorDebtorId,
        kind: debtor.kind,
        name: profile ? displayName(profile) : null,
        preferredLanguage: debtor.preferredLanguage,
        vulnerabilityCategories: debtor.vulnerabilityCategories,
        vulnerabilityReviewDate: debtor.vulnerabilityReviewDate,
        legalRetentionUntil: debtor.legalRetentionUntil,
        erasedAt: debtor.erasedAt,
      },
      accounts,
      holds,
      notes: notes.map((note) => ({
        id: note.id,
        author: note.author,
        body: sealer ? sealer.openBytes(note.body).toString('utf8') : null,
        createdAt: note.createdAt,
      })),
    };
  }

  async history(scope: TenantScope, caseId: string): Promise<HistoryRecord[]> {
    const db = this.dataSource.manager;
    if (!(await this.cases.findCase(db, scope, caseId))) throw caseNotFound(caseId);
    return this.cases.historyOf(db, scope, caseId);
  }
}

export function caseNotFound(caseId: string): CaseDomainError {
  return new CaseDomainError(CaseErrorCode.NotFound, `case ${caseId} not found`);
}

function displayName(profile: DebtorProfile): string {
  if (profile.displayName) return profile.displayName;
  if (profile.organisationName) return profile.organisationName;
  return [profile.givenNames, profile.familyName].filter(Boolean).join(' ');
}
