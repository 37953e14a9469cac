import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type Actor,
  ActorSchema,
  caseV1,
  crmV1,
  type HoldKind,
  type VulnerabilityCategory,
  VulnerabilityCategory as Category,
} from '@clement/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { DebtorVault } from '../debtors/debtor-vault';
import type { DebtorRecord, DebtorsRepository } from '../debtors/debtors.repository';
import { CaseChanges } from '../events/case-changes';
import type { CaseChangeWriter } from '../events/case-change-writer';
import type { TenantScope } from '../tenancy/tenant-scope';
import { caseNotFound } from './case-queries';
import { actorJson, type CaseWorkflow, holdKindName } from './case-workflow';
import type { CaseRecord, CasesRepository, HoldRecord } from './cases.repository';
import type { Resolution } from './domain/case-lifecycle';
import { CaseDomainError, CaseErrorCode, IllegalTransitionError } from './domain/domain-errors';

/** A staff member acting through the API. */
export function staffActor(subject: string): Actor {
  return create(ActorSchema, { kind: 2, id: subject }); // ActorKind.STAFF
}

/** What staff do to cases. Each command is one transaction: state, events and history together. */
export class CaseCommands {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: CasesRepository,
    private readonly debtors: DebtorsRepository,
    private readonly vault: DebtorVault,
    private readonly workflow: CaseWorkflow,
    private readonly writer: CaseChangeWriter,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  placeHold(
    scope: TenantScope,
    actor: Actor,
    caseId: string,
    hold: { kind: HoldKind; reason: string | null; endsAt: Date | null },
  ): Promise<HoldRecord> {
    return this.unitOfWork(scope, async (db, changes) => {
      const { record, debtor } = await this.openCase(db, scope, caseId);
      if (record.lifecycle.status === 'resolved') {
        throw new IllegalTransitionError('resolved', null, 'place a hold on');
      }
      const now = this.clock();
      if (hold.endsAt && hold.endsAt <= now) {
        throw new CaseDomainError(CaseErrorCode.Conflict, 'endsAt must be in the future');
      }
      const placed: HoldRecord = {
        id: randomUUID(),
        debtorId: record.debtorId,
        caseId: record.id,
        accountIds: [],
        kind: holdKindName(hold.kind),
        reason: hold.reason,
        startsAt: now,
        endsAt: hold.endsAt,
        placedBy: actorJson(actor),
        creditorHoldReference: null,
        sourceVersion: null,
        liftedAt: null,
        liftedBy: null,
      };
      await this.workflow.placeHold(db, changes, placed, [record], {
        creditorDebtorId: debtor.creditorDebtorId,
        toCrm: true,
      });
      return placed;
    });
  }

  liftHold(scope: TenantScope, actor: Actor, caseId: string, holdId: string): Promise<void> {
    return this.unitOfWork(scope, async (db, changes) => {
      const { record, debtor } = await this.openCase(db, scope, caseId);
      const hold = await this.cases.findHold(db, scope, holdId);
      if (!hold || hold.debtorId !== record.debtorId || (hold.caseId && hold.caseId !== caseId)) {
        throw new CaseDomainError(
          CaseErrorCode.NotFound,
          `hold ${holdId} not found on case ${caseId}`,
        );
      }
      if (hold.liftedAt || (hold.endsAt && hold.endsAt <= this.clock())) {
        throw new CaseDomainError(CaseErrorCode.Conflict, `hold ${holdId} is no longer in force`);
      }
      await this.workflow.liftHold(
        db,
        changes,
        hold,
        { liftedAt: this.clock(), liftedBy: actor },
        // The creditor requested its own holds; the ones Clement placed are news to its CRM.
        { creditorDebtorId: debtor.creditorDebtorId, toCrm: hold.creditorHoldReference === null },
      );
    });
  }

  resolve(
    scope: TenantScope,
    actor: Actor,
    caseId: string,
    resolution: Resolution,
  ): Promise<CaseRecord> {
    return this.unitOfWork(scope, async (db, changes) => {
      const { record, debtor } = await this.openCase(db, scope, caseId);
      return this.workflow.resolve(
        db,
        changes,
        record,
        resolution,
        actor,
        debtor.creditorDebtorId,
        this.clock(),
      );
    });
  }

  /** Records what the debtor disclosed; vulnerability belongs to the person, across cases. */
  flagVulnerability(
    scope: TenantScope,
    actor: Actor,
    caseId: string,
    vulnerability: { categories: VulnerabilityCategory[]; reviewDate: string | null },
  ): Promise<void> {
    return this.unitOfWork(scope, async (db, changes) => {
      const { record, debtor } = await this.openCase(db, scope, caseId);
      const categories = [...new Set(vulnerability.categories)];
      await this.debtors.updateVulnerability(db, scope, debtor.id, {
        categories: categories.map((category) => Category[category]),
        reviewDate: vulnerability.reviewDate,
        recordedBy: actorJson(actor),
      });
      changes.caseEvent(
        caseV1.VulnerabilityFlaggedSchema,
        create(caseV1.VulnerabilityFlaggedSchema, {
          debtorId: debtor.id,
          categories,
          flaggedBy: actor,
          reviewDate: vulnerability.reviewDate ?? '',
        }),
        { debtorId: debtor.id, caseId: record.id, actor },
      );
      changes.crmOutbound(
        crmV1.VulnerabilityDisclosedSchema,
        create(crmV1.VulnerabilityDisclosedSchema, {
          creditorDebtorId: debtor.creditorDebtorId,
          caseId: record.id,
          categories,
          disclosedAt: timestampFromDate(this.clock()),
          recordedBy: actor,
        }),
        debtor.creditorDebtorId,
      );
    });
  }

  addNote(
    scope: TenantScope,
    actor: Actor,
    caseId: string,
    body: string,
  ): Promise<{ id: string; createdAt: Date }> {
    return this.unitOfWork(scope, async (db) => {
      const { record, debtor } = await this.openCase(db, scope, caseId, { allowResolved: true });
      const sealer = await this.vault.sealerFor(db, scope, debtor);
      if (!sealer) {
        throw new CaseDomainError(CaseErrorCode.AlreadyErased, 'the debtor was erased');
      }
      const id = randomUUID();
      // Notes often hold personal details, so they are encrypted like the rest of the debtor's data.
      const createdAt = await this.cases.insertNote(db, scope, {
        id,
        caseId: record.id,
        author: actorJson(actor),
        body: sealer.sealToBytes(body),
      });
      return { id, createdAt };
    });
  }

  private async openCase(
    db: EntityManager,
    scope: TenantScope,
    caseId: string,
    options: { allowResolved?: boolean } = {},
  ): Promise<{ record: CaseRecord; debtor: DebtorRecord }> {
    // Debtor first, then case: the order CRM ingestion locks them in, so the two never deadlock.
    const unlocked = await this.cases.findCase(db, scope, caseId);
    if (!unlocked) throw caseNotFound(caseId);
    const debtor = await this.debtors.findById(db, scope, unlocked.debtorId, { forUpdate: true });
    const record = await this.cases.findCase(db, scope, caseId, { forUpdate: true });
    if (!debtor || !record) throw caseNotFound(caseId);
    if (debtor.erasedAt && !options.allowResolved) {
      throw new CaseDomainError(CaseErrorCode.AlreadyErased, 'the debtor was erased');
    }
    return { record, debtor };
  }

  private unitOfWork<T>(
    scope: TenantScope,
    work: (db: EntityManager, changes: CaseChanges) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (db) => {
      const changes = new CaseChanges(scope);
      const result = await work(db, changes);
      await this.writer.write(db, changes);
      return result;
    });
  }
}
