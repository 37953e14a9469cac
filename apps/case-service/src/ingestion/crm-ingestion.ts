import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { caseV1, type CrmInboundMessage, crmV1, VulnerabilityCategory } from '@clement/contracts';
import { PermanentEventError } from '@clement/messaging';
import {
  type AccountRecord,
  type CaseRecord,
  type CasesRepository,
} from '../cases/cases.repository';
import {
  actorJson,
  caseAccountOf,
  type CaseWorkflow,
  holdKindName,
  money,
  scopeActor,
} from '../cases/case-workflow';
import { CaseLifecycle } from '../cases/domain/case-lifecycle';
import { contactPointsForEvent, contactPointsFromCrm } from '../debtors/contact-points';
import type { DebtorSealer, DebtorVault } from '../debtors/debtor-vault';
import type { DebtorRecord, DebtorsRepository, NewDebtor } from '../debtors/debtors.repository';
import { TenantScope } from '../tenancy/tenant-scope';
import { IngestionBatch } from './ingestion-batch';
import type { CaseChanges } from '../events/case-changes';
import type { SqlRunner } from '../persistence/sql-runner';

/** Whether an inbound event changed anything or was a duplicate / stale version. */
export type IngestOutcome = 'applied' | 'stale';

/** The encrypted part of a debtor's profile. */
export interface DebtorProfile {
  readonly givenNames: string;
  readonly familyName: string;
  readonly displayName: string;
  readonly organisationName: string;
  readonly dateOfBirth: string;
}

/**
 * Applies the creditor's CRM events to debtors, accounts and cases (ADR 0010): per versioned entity
 * the highest source_version wins; an equal or lower one changes nothing. Everything runs in the
 * consumer's transaction, so an event is applied whole or not at all.
 */
export class CrmIngestion {
  // Per consumer transaction (keyed by its EntityManager): dropped with it, also on rollback.
  private readonly batches = new WeakMap<object, IngestionBatch>();

  constructor(
    private readonly debtors: DebtorsRepository,
    private readonly cases: CasesRepository,
    private readonly vault: DebtorVault,
    private readonly workflow: CaseWorkflow,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async debtorUpserted(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.DebtorUpserted,
  ): Promise<IngestOutcome> {
    const { scope } = changes;
    const version = event.sourceVersion;
    const profile: DebtorProfile = {
      givenNames: event.name?.givenNames ?? '',
      familyName: event.name?.familyName ?? '',
      displayName: event.name?.displayName ?? '',
      organisationName: event.organisationName,
      dateOfBirth: event.dateOfBirth,
    };
    const kind = event.kind === crmV1.DebtorKind.ORGANISATION ? 'organisation' : 'person';
    const language = event.preferredLanguage || null;
    const batch = this.batchOf(db);
    const known = batch.debtor(scope, event.creditorDebtorId);
    if (
      known === null ||
      (known === undefined && !(await this.findDebtor(db, scope, event.creditorDebtorId)))
    ) {
      // A new debtor: key, row and contact points are written with the batch's other new rows.
      const id = randomUUID();
      const { sealer, key } = await this.vault.prepareSealer(scope, id);
      const points = event.contactPoints
        ? contactPointsFromCrm(event.contactPoints, {
            scope,
            sealer,
            vault: this.vault,
            existing: [],
          })
        : [];
      const debtor = {
        id,
        creditorDebtorId: event.creditorDebtorId,
        kind,
        keyId: sealer.keyId,
        profile: sealer.sealJson(profile),
        preferredLanguage: language,
        profileVersion: version,
        contactPointsVersion: event.contactPoints ? version : 0n,
      } as const;
      batch.addDebtor(scope, key, debtor, newDebtorRecord(debtor), points);
      if (event.contactPoints) this.announceContactPoints(changes, id, points, language);
      return 'applied';
    }

    await this.settle(db);
    const existing = await this.debtors.findByCreditorId(db, scope, event.creditorDebtorId, {
      forUpdate: true,
    });
    if (!existing) throw new Error(`debtor ${event.creditorDebtorId} vanished in its transaction`);
    const sealer = await this.openDebtor(db, changes, existing);
    let applied = false;
    if (version > existing.profileVersion) {
      await this.debtors.updateProfile(db, scope, existing.id, {
        kind,
        profile: sealer.sealJson(profile),
        preferredLanguage: language,
        profileVersion: version,
      });
      applied = true;
    }
    const languageChanged = applied && language !== existing.preferredLanguage;
    if (event.contactPoints && version > existing.contactPointsVersion) {
      await this.replaceContactPoints(db, changes, existing, sealer, event.contactPoints, version, {
        language: applied ? language : existing.preferredLanguage,
      });
      applied = true;
    } else if (languageChanged) {
      const points = await this.debtors.contactPointsOf(db, scope, existing.id);
      this.announceContactPoints(changes, existing.id, points, language);
    }
    return applied ? 'applied' : 'stale';
  }

  async contactPointsChanged(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.ContactPointsChanged,
  ): Promise<IngestOutcome> {
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    if (event.sourceVersion <= debtor.contactPointsVersion) return 'stale';
    const sealer = await this.openDebtor(db, changes, debtor);
    await this.replaceContactPoints(
      db,
      changes,
      debtor,
      sealer,
      event.contactPoints ?? create(crmV1.ContactPointSetSchema),
      event.sourceVersion,
      { language: debtor.preferredLanguage },
    );
    return 'applied';
  }

  async vulnerabilityReported(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.VulnerabilityReported,
  ): Promise<IngestOutcome> {
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    if (event.sourceVersion <= debtor.vulnerabilityVersion) return 'stale';
    const actor = scopeActor(changes.scope);
    const categories = [...new Set(event.categories)];
    await this.debtors.updateVulnerability(db, changes.scope, debtor.id, {
      categories: categories.map((category) => VulnerabilityCategory[category]),
      reviewDate: event.reviewDate || null,
      recordedBy: actorJson(actor),
      version: event.sourceVersion,
    });
    changes.caseEvent(
      caseV1.VulnerabilityFlaggedSchema,
      create(caseV1.VulnerabilityFlaggedSchema, {
        debtorId: debtor.id,
        categories,
        flaggedBy: actor,
        reviewDate: event.reviewDate,
      }),
      { debtorId: debtor.id, actor },
    );
    return 'applied';
  }

  async accountPlaced(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.AccountPlaced,
  ): Promise<IngestOutcome> {
    const { scope } = changes;
    const batch = this.batchOf(db);
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const currency = present(event.currentBalance, 'current_balance').currency;
    const known = batch.account(scope, event.accountReference);
    const existing =
      known === undefined ? await this.cases.findAccount(db, scope, event.accountReference) : known;
    if (existing || debtor.debtorWideHolds > 0) {
      // Not a plain placement: work on the database itself.
      await this.settle(db);
      return this.placeOrUpdateAccount(db, changes, event);
    }
    const cached = batch.openCase(scope, debtor.id, currency);
    const open =
      cached === undefined
        ? ((await this.cases.findOpenCase(db, scope, debtor.id, currency)) ?? null)
        : cached;
    const account = placedAccount(event, debtor.id, open?.id ?? randomUUID());
    batch.addAccount(scope, account);
    if (!open) {
      const record = newCase(account, this.clock());
      batch.addCase(scope, record);
      this.workflow.announcePlaced(changes, record, [account]);
      return 'applied';
    }
    // Joins the debtor's open case; its totals follow without re-reading its accounts.
    const joined: CaseRecord = {
      ...open,
      totalBalanceMinor: open.totalBalanceMinor + account.currentBalanceMinor,
      maxDaysPastDue: Math.max(open.maxDaysPastDue, account.daysPastDue),
    };
    if (batch.isNewCase(scope, open.id)) batch.updateNewCase(scope, joined);
    else {
      await this.cases.setTotals(db, scope, open.id, joined);
      batch.rememberOpenCase(scope, joined);
    }
    announceAccountAdded(changes, account, joined.totalBalanceMinor);
    return 'applied';
  }

  /** AccountPlaced the general way, straight on the database (after a settle). */
  private async placeOrUpdateAccount(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.AccountPlaced,
  ): Promise<IngestOutcome> {
    const { scope } = changes;
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const currency = present(event.currentBalance, 'current_balance').currency;
    const existing = await this.cases.findAccount(db, scope, event.accountReference);
    if (existing) {
      this.assertSameDebtor(existing, debtor, event.accountReference);
      if (event.sourceVersion <= existing.sourceVersion) return 'stale';
      if (existing.currency !== currency) {
        throw new PermanentEventError(
          `account "${event.accountReference}" is in ${existing.currency}; its currency cannot change`,
          'currency_mismatch',
        );
      }
      await this.changeBalance(db, changes, existing, {
        ...existing,
        productType: crmV1.ProductType[event.productType],
        productName: event.productName,
        originalBalanceMinor: present(event.originalBalance, 'original_balance').amountMinor,
        currentBalanceMinor: present(event.currentBalance, 'current_balance').amountMinor,
        daysPastDue: event.daysPastDue,
        placementDate: event.placementDate,
        sourceVersion: event.sourceVersion,
      });
      return 'applied';
    }

    const open = await this.cases.findOpenCase(db, scope, debtor.id, currency);
    const account = placedAccount(event, debtor.id, open?.id ?? randomUUID());
    if (!open) {
      await this.workflow.open(
        db,
        changes,
        newCase(account, this.clock()),
        [account],
        debtor.debtorWideHolds,
      );
      return 'applied';
    }
    await this.cases.insertAccount(db, scope, account);
    const totals = await this.cases.refreshTotals(db, scope, open.id);
    announceAccountAdded(changes, account, totals.totalBalanceMinor);
    return 'applied';
  }

  async accountUpdated(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.AccountUpdated,
  ): Promise<IngestOutcome> {
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const account = await this.requireAccount(db, changes, debtor, event.accountReference);
    if (event.sourceVersion <= account.sourceVersion) return 'stale';
    if (account.currency !== present(event.currentBalance, 'current_balance').currency) {
      throw new PermanentEventError(
        `current_balance.currency: account "${event.accountReference}" is in ${account.currency}`,
        'currency_mismatch',
      );
    }
    if (account.recalledAt) {
      // The creditor took it back: its balance left the case; keep the version only.
      await this.cases.updateAccount(db, changes.scope, {
        ...account,
        sourceVersion: event.sourceVersion,
      });
      return 'applied';
    }
    const record = await this.changeBalance(db, changes, account, {
      ...account,
      currentBalanceMinor: present(event.currentBalance, 'current_balance').amountMinor,
      daysPastDue: event.daysPastDue,
      sourceVersion: event.sourceVersion,
    });
    if (record && record.lifecycle.status !== 'resolved' && record.totalBalanceMinor === 0n) {
      await this.workflow.resolve(
        db,
        changes,
        record,
        'paid_in_full',
        scopeActor(changes.scope),
        debtor.creditorDebtorId,
        this.clock(),
      );
    }
    return 'applied';
  }

  async paymentReported(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.PaymentReported,
  ): Promise<IngestOutcome> {
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const account = await this.requireAccount(db, changes, debtor, event.accountReference);
    const stored = await this.cases.creditorPaymentVersion(
      db,
      changes.scope,
      event.creditorPaymentReference,
    );
    if (stored !== undefined && event.sourceVersion <= stored) return 'stale';
    const reversed = event.status === crmV1.PaymentReportStatus.REVERSED;
    await this.cases.saveCreditorPayment(db, changes.scope, {
      reference: event.creditorPaymentReference,
      accountId: account.id,
      amountMinor: present(event.amount, 'amount').amountMinor,
      currency: present(event.amount, 'amount').currency,
      status: reversed ? 'reversed' : 'received',
      method: crmV1.PaymentMethod[event.method],
      paidAt: event.paidAt ? timestampDate(event.paidAt) : null,
      sourceVersion: event.sourceVersion,
    });
    changes.caseEvent(
      caseV1.CreditorPaymentReportedSchema,
      create(caseV1.CreditorPaymentReportedSchema, {
        caseId: account.caseId,
        debtorId: debtor.id,
        accountId: account.id,
        creditorPaymentReference: event.creditorPaymentReference,
        amount: event.amount,
        paidAt: event.paidAt,
        reversed,
      }),
      { debtorId: debtor.id, caseId: account.caseId, actor: scopeActor(changes.scope) },
    );
    return 'applied';
  }

  async accountRecalled(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.AccountRecalled,
  ): Promise<IngestOutcome> {
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const account = await this.requireAccount(db, changes, debtor, event.accountReference);
    if (event.sourceVersion <= account.sourceVersion) return 'stale';
    const recalledAt = event.effectiveAt ? timestampDate(event.effectiveAt) : this.clock();
    const record = await this.changeBalance(
      db,
      changes,
      account,
      {
        ...account,
        currentBalanceMinor: 0n,
        sourceVersion: event.sourceVersion,
        recalledAt,
        recallReason: crmV1.RecallReason[event.reason],
      },
      caseV1.BalanceChangeReason.RECALLED,
    );
    if (!record || record.lifecycle.status === 'resolved') return 'applied';
    const accounts = await this.cases.accountsOf(db, changes.scope, record.id);
    if (accounts.every((each) => each.recalledAt !== null)) {
      await this.workflow.resolve(
        db,
        changes,
        record,
        'recalled',
        scopeActor(changes.scope),
        debtor.creditorDebtorId,
        recalledAt,
      );
    }
    return 'applied';
  }

  async holdRequested(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.HoldRequested,
  ): Promise<IngestOutcome> {
    const { scope } = changes;
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const existing = await this.cases.findHoldByCreditorReference(
      db,
      scope,
      event.creditorHoldReference,
    );
    // A hold is requested once; a later version of the request changes nothing but its version.
    if (existing) return 'stale';
    let caseId: string | null = null;
    let accountIds: string[] = [];
    let affected: CaseRecord[];
    if (event.accountReference) {
      const account = await this.requireAccount(db, changes, debtor, event.accountReference);
      caseId = account.caseId;
      accountIds = [account.id];
      const record = await this.cases.findCase(db, scope, account.caseId, { forUpdate: true });
      affected = record && record.lifecycle.status !== 'resolved' ? [record] : [];
    } else {
      affected = await this.cases.openCasesOf(db, scope, debtor.id);
    }
    const actor = scopeActor(scope);
    await this.workflow.placeHold(
      db,
      changes,
      {
        id: randomUUID(),
        debtorId: debtor.id,
        caseId,
        accountIds,
        kind: holdKindName(event.kind),
        reason: null,
        startsAt: event.startsAt ? timestampDate(event.startsAt) : this.clock(),
        endsAt: event.endsAt ? timestampDate(event.endsAt) : null,
        placedBy: actorJson(actor),
        creditorHoldReference: event.creditorHoldReference,
        sourceVersion: event.sourceVersion,
        liftedAt: null,
        liftedBy: null,
      },
      affected,
      { creditorDebtorId: debtor.creditorDebtorId, toCrm: false },
    );
    // The batch's copy of the debtor counts their debtor-wide holds from before this one.
    await this.settle(db);
    return 'applied';
  }

  async holdLifted(
    db: SqlRunner,
    changes: CaseChanges,
    event: crmV1.HoldLifted,
  ): Promise<IngestOutcome> {
    const debtor = await this.requireDebtor(db, changes, event.creditorDebtorId);
    const hold = await this.cases.findHoldByCreditorReference(
      db,
      changes.scope,
      event.creditorHoldReference,
    );
    if (!hold || hold.debtorId !== debtor.id) {
      throw new PermanentEventError(
        `creditor_hold_reference: no hold "${event.creditorHoldReference}" was requested for this debtor`,
        'unknown_hold',
      );
    }
    if (hold.sourceVersion !== null && event.sourceVersion <= hold.sourceVersion) return 'stale';
    if (hold.liftedAt) return 'stale';
    await this.workflow.liftHold(
      db,
      changes,
      hold,
      {
        liftedAt: event.liftedAt ? timestampDate(event.liftedAt) : this.clock(),
        liftedBy: scopeActor(changes.scope),
        sourceVersion: event.sourceVersion,
      },
      { creditorDebtorId: debtor.creditorDebtorId, toCrm: false },
    );
    // As for a new hold: the batch's copy of the debtor still counts this one.
    await this.settle(db);
    return 'applied';
  }

  // ---- the batch ---------------------------------------------------------------------------

  /**
   * Loads what a batch of events refers to (debtors, accounts, the debtors' open cases) with one
   * query each, locked for the transaction. Events must be of known tenants.
   */
  async prefetch(
    db: SqlRunner,
    events: readonly { tenantId: string; message: CrmInboundMessage }[],
  ): Promise<void> {
    const batch = this.batchOf(db);
    const byTenant = new Map<string, { debtors: Set<string>; accounts: Set<string> }>();
    for (const { tenantId, message } of events) {
      let refs = byTenant.get(tenantId);
      if (!refs) byTenant.set(tenantId, (refs = { debtors: new Set(), accounts: new Set() }));
      if (message.creditorDebtorId) refs.debtors.add(message.creditorDebtorId);
      if ('accountReference' in message && message.accountReference) {
        refs.accounts.add(message.accountReference);
      }
    }
    for (const [tenantId, refs] of byTenant) {
      const scope = TenantScope.of(tenantId);
      const debtors = await this.debtors.findManyByCreditorIds(db, scope, [...refs.debtors]);
      for (const id of refs.debtors) batch.rememberDebtor(scope, id, null);
      for (const debtor of debtors) batch.rememberDebtor(scope, debtor.creditorDebtorId, debtor);
      const accounts = await this.cases.findAccounts(db, scope, [...refs.accounts]);
      for (const reference of refs.accounts) batch.rememberAccount(scope, reference, null);
      for (const account of accounts)
        batch.rememberAccount(scope, account.accountReference, account);
      const debtorIds = debtors.map((debtor) => debtor.id);
      for (const record of await this.cases.openCasesOfMany(db, scope, debtorIds)) {
        batch.rememberOpenCase(scope, record);
      }
      for (const id of debtorIds) batch.knowsAllCasesOf(scope, id);
    }
  }

  /** Writes the batch's new rows and forgets what it had loaded; call before other work. */
  settle(db: SqlRunner): Promise<void> {
    return this.batchOf(db).settle(db, {
      debtors: this.debtors,
      cases: this.cases,
      vault: this.vault,
    });
  }

  private batchOf(db: SqlRunner): IngestionBatch {
    let batch = this.batches.get(db);
    if (!batch) {
      batch = new IngestionBatch();
      this.batches.set(db, batch);
    }
    return batch;
  }

  private async findDebtor(
    db: SqlRunner,
    scope: TenantScope,
    creditorDebtorId: string,
  ): Promise<DebtorRecord | null> {
    const debtor =
      (await this.debtors.findByCreditorId(db, scope, creditorDebtorId, { forUpdate: true })) ??
      null;
    this.batchOf(db).rememberDebtor(scope, creditorDebtorId, debtor);
    return debtor;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private async requireDebtor(
    db: SqlRunner,
    changes: CaseChanges,
    creditorDebtorId: string,
  ): Promise<DebtorRecord> {
    const known = this.batchOf(db).debtor(changes.scope, creditorDebtorId);
    const debtor =
      known === undefined ? await this.findDebtor(db, changes.scope, creditorDebtorId) : known;
    if (!debtor) {
      throw new PermanentEventError(
        `creditor_debtor_id: debtor "${creditorDebtorId}" is not known; publish DebtorUpserted first`,
        'unknown_debtor',
      );
    }
    if (debtor.erasedAt) {
      throw new PermanentEventError(
        `creditor_debtor_id: debtor "${creditorDebtorId}" was erased at their request; their data is no longer processed`,
        'debtor_erased',
      );
    }
    return debtor;
  }

  private async requireAccount(
    db: SqlRunner,
    changes: CaseChanges,
    debtor: DebtorRecord,
    accountReference: string,
  ): Promise<AccountRecord> {
    const account = await this.cases.findAccount(db, changes.scope, accountReference);
    if (!account) {
      throw new PermanentEventError(
        `account_reference: account "${accountReference}" was not placed; publish AccountPlaced first`,
        'unknown_account',
      );
    }
    this.assertSameDebtor(account, debtor, accountReference);
    return account;
  }

  private assertSameDebtor(account: AccountRecord, debtor: DebtorRecord, reference: string): void {
    if (account.debtorId !== debtor.id) {
      throw new PermanentEventError(
        `account_reference: account "${reference}" belongs to another debtor`,
        'account_of_another_debtor',
      );
    }
  }

  private async openDebtor(
    db: SqlRunner,
    changes: CaseChanges,
    debtor: DebtorRecord,
  ): Promise<DebtorSealer> {
    const sealer = await this.vault.sealerFor(db, changes.scope, debtor);
    if (!sealer) {
      throw new PermanentEventError(
        `creditor_debtor_id: debtor "${debtor.creditorDebtorId}" was erased; their data is no longer processed`,
        'debtor_erased',
      );
    }
    return sealer;
  }

  private async replaceContactPoints(
    db: SqlRunner,
    changes: CaseChanges,
    debtor: DebtorRecord,
    sealer: DebtorSealer,
    set: crmV1.ContactPointSet,
    version: bigint,
    options: { language: string | null },
  ): Promise<void> {
    const { scope } = changes;
    const existing = await this.debtors.contactPointsOf(db, scope, debtor.id);
    const fromCrm = contactPointsFromCrm(set, {
      scope,
      sealer,
      vault: this.vault,
      existing: existing.filter((point) => point.origin === 'crm'),
    });
    await this.debtors.replaceCrmContactPoints(db, scope, debtor.id, fromCrm, version);
    const kept = existing.filter((point) => point.origin !== 'crm');
    this.announceContactPoints(changes, debtor.id, [...fromCrm, ...kept], options.language);
  }

  private announceContactPoints(
    changes: CaseChanges,
    debtorId: string,
    points: Parameters<typeof contactPointsForEvent>[0],
    language: string | null,
  ): void {
    changes.caseEvent(
      caseV1.ContactPointsChangedSchema,
      create(caseV1.ContactPointsChangedSchema, {
        debtorId,
        contactPoints: contactPointsForEvent(points),
        preferredLanguage: language ?? '',
      }),
      { debtorId },
    );
  }

  /** Stores an account's new figures, refreshes the case totals and announces the change. */
  private async changeBalance(
    db: SqlRunner,
    changes: CaseChanges,
    before: AccountRecord,
    after: AccountRecord,
    reason: caseV1.BalanceChangeReason = caseV1.BalanceChangeReason.CREDITOR_UPDATE,
  ): Promise<CaseRecord | undefined> {
    const { scope } = changes;
    await this.cases.updateAccount(db, scope, after);
    const record = await this.cases.findCase(db, scope, after.caseId, { forUpdate: true });
    const totals = await this.cases.refreshTotals(db, scope, after.caseId);
    const figuresChanged =
      before.currentBalanceMinor !== after.currentBalanceMinor ||
      before.daysPastDue !== after.daysPastDue ||
      before.originalBalanceMinor !== after.originalBalanceMinor;
    if (figuresChanged || reason === caseV1.BalanceChangeReason.RECALLED) {
      changes.caseEvent(
        caseV1.BalanceChangedSchema,
        create(caseV1.BalanceChangedSchema, {
          caseId: after.caseId,
          debtorId: after.debtorId,
          account: caseAccountOf(after),
          previousBalance: money(before.currentBalanceMinor, before.currency),
          totalBalance: money(totals.totalBalanceMinor, after.currency),
          reason,
        }),
        { debtorId: after.debtorId, caseId: after.caseId },
      );
    }
    return record && { ...record, ...totals };
  }
}

export { timestampFromDate };

/** Fields the contract requires, which validation checked before the event got here. */
function present<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new PermanentEventError(`${field}: is required`, 'invalid_event');
  }
  return value;
}

function newDebtorRecord(debtor: NewDebtor): DebtorRecord {
  return {
    ...debtor,
    vulnerabilityVersion: 0n,
    vulnerabilityCategories: [],
    vulnerabilityReviewDate: null,
    legalRetentionUntil: null,
    legalRetentionReason: null,
    erasedAt: null,
    debtorWideHolds: 0,
  };
}

/** The account an AccountPlaced event opens, in case `caseId`. */
function placedAccount(
  event: crmV1.AccountPlaced,
  debtorId: string,
  caseId: string,
): AccountRecord {
  const current = present(event.currentBalance, 'current_balance');
  return {
    id: randomUUID(),
    caseId,
    debtorId,
    accountReference: event.accountReference,
    productType: crmV1.ProductType[event.productType],
    productName: event.productName,
    currency: current.currency,
    originalBalanceMinor: present(event.originalBalance, 'original_balance').amountMinor,
    currentBalanceMinor: current.amountMinor,
    daysPastDue: event.daysPastDue,
    placementDate: event.placementDate,
    sourceVersion: event.sourceVersion,
    recalledAt: null,
    recallReason: null,
  };
}

/** The case a debtor's first account in a currency opens. */
function newCase(account: AccountRecord, openedAt: Date): CaseRecord {
  return {
    id: account.caseId,
    debtorId: account.debtorId,
    currency: account.currency,
    lifecycle: CaseLifecycle.placed().state,
    totalBalanceMinor: account.currentBalanceMinor,
    maxDaysPastDue: account.daysPastDue,
    openedAt,
    resolvedAt: null,
  };
}

/** An account joined an open case. */
function announceAccountAdded(changes: CaseChanges, account: AccountRecord, total: bigint): void {
  changes.caseEvent(
    caseV1.BalanceChangedSchema,
    create(caseV1.BalanceChangedSchema, {
      caseId: account.caseId,
      debtorId: account.debtorId,
      account: caseAccountOf(account),
      previousBalance: money(0n, account.currency),
      totalBalance: money(total, account.currency),
      reason: caseV1.BalanceChangeReason.ACCOUNT_ADDED,
    }),
    { debtorId: account.debtorId, caseId: account.caseId },
  );
}
