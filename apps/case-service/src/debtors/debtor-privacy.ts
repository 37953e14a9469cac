import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Actor, caseV1 } from '@clement/contracts';
import type { DataSource } from 'typeorm';
import type { CaseRecord, CasesRepository } from '../cases/cases.repository';
import { CaseDomainError, CaseErrorCode } from '../cases/domain/domain-errors';
import { CaseChanges } from '../events/case-changes';
import type { CaseChangeWriter } from '../events/case-change-writer';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { DebtorVault } from './debtor-vault';
import type { DebtorRecord, DebtorsRepository } from './debtors.repository';

export class DebtorNotFoundError extends Error {
  readonly code = 'debtor.not_found';
  constructor(debtorId: string) {
    super(`debtor ${debtorId} not found`);
  }
}

/**
 * Erasure by crypto-shredding, legal-retention holds that block it, and look-ups by phone or
 * email through the keyed blind index.
 */
export class DebtorPrivacy {
  constructor(
    private readonly dataSource: DataSource,
    private readonly debtors: DebtorsRepository,
    private readonly cases: CasesRepository,
    private readonly vault: DebtorVault,
    private readonly writer: CaseChangeWriter,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Destroys the debtor's data key: their personal data becomes unreadable in the database, the
   * outbox and every stored event, while the case history stays. Blocked by legal retention.
   */
  erase(scope: TenantScope, requestedBy: Actor, debtorId: string): Promise<{ erasedAt: Date }> {
    return this.dataSource.transaction(async (db) => {
      const debtor = await this.debtors.findById(db, scope, debtorId, { forUpdate: true });
      if (!debtor) throw new DebtorNotFoundError(debtorId);
      if (debtor.erasedAt) {
        throw new CaseDomainError(
          CaseErrorCode.AlreadyErased,
          `debtor ${debtorId} was already erased`,
        );
      }
      const now = this.clock();
      if (retentionInForce(debtor, now)) {
        throw new CaseDomainError(
          CaseErrorCode.LegalRetention,
          `erasure blocked: legal retention until ${debtor.legalRetentionUntil} (${debtor.legalRetentionReason ?? 'no reason recorded'})`,
          { until: debtor.legalRetentionUntil },
        );
      }
      await this.vault.destroyKey(db, debtor.keyId);
      await this.debtors.markErased(db, scope, debtor.id, now);
      const changes = new CaseChanges(scope);
      changes.caseEvent(
        caseV1.DebtorErasedSchema,
        create(caseV1.DebtorErasedSchema, {
          debtorId: debtor.id,
          keyId: debtor.keyId,
          erasedAt: timestampFromDate(now),
          requestedBy,
        }),
        { debtorId: debtor.id, actor: requestedBy },
      );
      await this.writer.write(db, changes);
      return { erasedAt: now };
    });
  }

  setLegalRetention(
    scope: TenantScope,
    debtorId: string,
    retention: { until: string | null; reason: string | null },
  ): Promise<void> {
    return this.dataSource.transaction(async (db) => {
      const debtor = await this.debtors.findById(db, scope, debtorId, { forUpdate: true });
      if (!debtor) throw new DebtorNotFoundError(debtorId);
      await this.debtors.setLegalRetention(db, scope, debtorId, retention);
    });
  }

  /** Debtors (and their cases) with this phone number or email address; erased ones never match. */
  async lookup(
    scope: TenantScope,
    query: { phone?: string; email?: string },
  ): Promise<{ debtorId: string; creditorDebtorId: string; cases: CaseRecord[] }[]> {
    const db = this.dataSource.manager;
    const indexes = [
      ...(query.phone ? [this.vault.blindIndex.phone(scope.tenantId, query.phone)] : []),
      ...(query.email ? [this.vault.blindIndex.email(scope.tenantId, query.email)] : []),
    ];
    const ids = new Set<string>();
    for (const index of indexes) {
      for (const id of await this.debtors.findIdsByBlindIndex(db, scope, index)) ids.add(id);
    }
    const found: { debtorId: string; creditorDebtorId: string; cases: CaseRecord[] }[] = [];
    for (const id of ids) {
      const debtor = await this.debtors.findById(db, scope, id);
      if (!debtor || debtor.erasedAt) continue;
      found.push({
        debtorId: debtor.id,
        creditorDebtorId: debtor.creditorDebtorId,
        cases: await this.cases.casesOf(db, scope, debtor.id),
      });
    }
    return found;
  }
}

function retentionInForce(debtor: DebtorRecord, now: Date): boolean {
  return (
    debtor.legalRetentionUntil !== null &&
    debtor.legalRetentionUntil >= now.toISOString().slice(0, 10)
  );
}
