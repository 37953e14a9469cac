import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Actor, ActorSchema, caseV1, crmV1, HoldKind, MoneySchema } from '@clement/contracts';
import type { CaseChanges } from '../events/case-changes';
import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';
import type {
  AccountRecord,
  ActorJson,
  CaseRecord,
  CasesRepository,
  HoldRecord,
} from './cases.repository';
import {
  CaseLifecycle,
  type CaseLifecycleState,
  mapResolutionToProto,
  mapStatusToProto,
  type Resolution,
} from './domain/case-lifecycle';

/** A lifecycle step's outcome: the state after it, and the status change if there was one. */
interface Step {
  readonly state: CaseLifecycleState;
  readonly changed: boolean;
  /** The state changed without a status change (where an on-hold case resumes). */
  readonly silentlyChanged: boolean;
}

function step(
  state: CaseLifecycleState,
  apply: (lifecycle: CaseLifecycle) => { lifecycle: CaseLifecycle; transition: unknown },
): Step {
  const { lifecycle, transition } = apply(CaseLifecycle.restore(state));
  const next = lifecycle.state;
  return {
    state: next,
    changed: transition !== null,
    silentlyChanged:
      transition === null &&
      (next.status !== state.status ||
        next.statusBeforeHold !== state.statusBeforeHold ||
        next.resolution !== state.resolution),
  };
}

/** What payments through Clement collected on a case (for CaseResolved). */
export interface CollectedAmounts {
  collectedOn(db: SqlRunner, scope: TenantScope, caseId: string): Promise<bigint>;
}

const CRM_RESOLUTION: Record<Resolution, crmV1.Resolution> = {
  paid_in_full: crmV1.Resolution.PAID_IN_FULL,
  settled: crmV1.Resolution.SETTLED,
  plan_completed: crmV1.Resolution.PAID_IN_FULL,
  recalled: crmV1.Resolution.RECALLED,
  deceased: crmV1.Resolution.DECEASED,
  insolvent: crmV1.Resolution.INSOLVENT,
  statute_barred: crmV1.Resolution.STATUTE_BARRED,
  closed_other: crmV1.Resolution.CLOSED_OTHER,
};

export function actorOf(json: ActorJson): Actor {
  return create(ActorSchema, { kind: json.kind, id: json.id });
}

export function actorJson(actor: Actor): ActorJson {
  return { kind: actor.kind, id: actor.id };
}

export function money(amountMinor: bigint, currency: string) {
  return create(MoneySchema, { amountMinor, currency });
}

export function caseAccountOf(account: AccountRecord): caseV1.CaseAccount {
  return create(caseV1.CaseAccountSchema, {
    accountId: account.id,
    accountReference: account.accountReference,
    productType: account.productType,
    originalBalance: money(account.originalBalanceMinor, account.currency),
    currentBalance: money(account.currentBalanceMinor, account.currency),
    daysPastDue: account.daysPastDue,
  });
}

export function holdKindName(kind: HoldKind): string {
  return HoldKind[kind];
}

export function holdKindOf(name: string): HoldKind {
  return HoldKind[name as keyof typeof HoldKind];
}

/**
 * The case lifecycle applied to stored cases: state changes are persisted and announced (case
 * events, history, and the CRM outbound events the creditor needs) in the caller's transaction.
 */
export class CaseWorkflow {
  constructor(
    private readonly cases: CasesRepository,
    private readonly collected: CollectedAmounts,
  ) {}

  /**
   * Opens a case for a debtor's first account in a currency; it starts on hold when the debtor
   * has holds in force on all their cases (`debtorWideHolds`, read with the debtor).
   */
  async open(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
    accounts: readonly AccountRecord[],
    debtorWideHolds: number,
  ): Promise<CaseRecord> {
    await this.cases.insertCase(db, changes.scope, record);
    for (const account of accounts) await this.cases.insertAccount(db, changes.scope, account);
    this.announcePlaced(changes, record, accounts);
    if (debtorWideHolds === 0) return record;
    return this.apply(db, changes, record, (l) => l.holdPlaced(debtorWideHolds), SYSTEM_ACTOR);
  }

  /** The CasePlaced event of a new case (stored by the caller). */
  announcePlaced(
    changes: CaseChanges,
    record: CaseRecord,
    accounts: readonly AccountRecord[],
  ): void {
    changes.caseEvent(
      caseV1.CasePlacedSchema,
      create(caseV1.CasePlacedSchema, {
        caseId: record.id,
        debtorId: record.debtorId,
        accounts: accounts.map(caseAccountOf),
        totalBalance: money(record.totalBalanceMinor, record.currency),
        placedAt: timestampFromDate(record.openedAt),
      }),
      { debtorId: record.debtorId, caseId: record.id },
    );
  }

  /** Places a hold on cases (all open cases of the debtor, or one) and announces it. */
  async placeHold(
    db: SqlRunner,
    changes: CaseChanges,
    hold: HoldRecord,
    affected: readonly CaseRecord[],
    announce: { creditorDebtorId: string; toCrm: boolean },
  ): Promise<void> {
    await this.cases.insertHold(db, changes.scope, hold);
    const placedBy = actorOf(hold.placedBy);
    for (const record of affected) {
      changes.caseEvent(
        caseV1.HoldPlacedSchema,
        create(caseV1.HoldPlacedSchema, {
          caseId: record.id,
          debtorId: record.debtorId,
          holdId: hold.id,
          kind: holdKindOf(hold.kind),
          accountIds: [...hold.accountIds],
          startsAt: timestampFromDate(hold.startsAt),
          endsAt: hold.endsAt ? timestampFromDate(hold.endsAt) : undefined,
          placedBy,
          creditorHoldReference: hold.creditorHoldReference ?? '',
        }),
        { debtorId: record.debtorId, caseId: record.id, actor: placedBy },
      );
      if (announce.toCrm) {
        const accounts = await this.cases.accountsOf(db, changes.scope, record.id);
        changes.crmOutbound(
          crmV1.HoldPlacedSchema,
          create(crmV1.HoldPlacedSchema, {
            creditorDebtorId: announce.creditorDebtorId,
            accountReferences: accounts.map((account) => account.accountReference),
            caseId: record.id,
            holdId: hold.id,
            kind: holdKindOf(hold.kind),
            startsAt: timestampFromDate(hold.startsAt),
            endsAt: hold.endsAt ? timestampFromDate(hold.endsAt) : undefined,
            placedBy,
          }),
          announce.creditorDebtorId,
        );
      }
      const inForce = await this.cases.holdsInForce(db, changes.scope, record);
      await this.apply(db, changes, record, (l) => l.holdPlaced(inForce.length), placedBy);
    }
  }

  /** Lifts a hold; cases with no other hold in force go back to where they were. */
  async liftHold(
    db: SqlRunner,
    changes: CaseChanges,
    hold: HoldRecord,
    lift: { liftedAt: Date; liftedBy: Actor; sourceVersion?: bigint },
    announce: { creditorDebtorId: string; toCrm: boolean },
  ): Promise<void> {
    await this.cases.liftHold(db, changes.scope, hold.id, {
      liftedAt: lift.liftedAt,
      liftedBy: actorJson(lift.liftedBy),
      sourceVersion: lift.sourceVersion,
    });
    const affected = hold.caseId
      ? [await this.cases.findCase(db, changes.scope, hold.caseId, { forUpdate: true })]
      : await this.cases.openCasesOf(db, changes.scope, hold.debtorId);
    for (const record of affected) {
      if (!record) continue;
      changes.caseEvent(
        caseV1.HoldLiftedSchema,
        create(caseV1.HoldLiftedSchema, {
          caseId: record.id,
          debtorId: record.debtorId,
          holdId: hold.id,
          liftedAt: timestampFromDate(lift.liftedAt),
          liftedBy: lift.liftedBy,
        }),
        { debtorId: record.debtorId, caseId: record.id, actor: lift.liftedBy },
      );
      if (announce.toCrm) {
        changes.crmOutbound(
          crmV1.HoldEndedSchema,
          create(crmV1.HoldEndedSchema, {
            creditorDebtorId: announce.creditorDebtorId,
            caseId: record.id,
            holdId: hold.id,
            endedAt: timestampFromDate(lift.liftedAt),
          }),
          announce.creditorDebtorId,
        );
      }
      // A case opened after the hold ended (before it was marked lifted) never went on hold.
      if (record.lifecycle.status !== 'on_hold') continue;
      const inForce = await this.cases.holdsInForce(db, changes.scope, record);
      await this.apply(db, changes, record, (l) => l.holdLifted(inForce.length), lift.liftedBy);
    }
  }

  async resolve(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
    resolution: Resolution,
    resolvedBy: Actor,
    creditorDebtorId: string,
    resolvedAt: Date,
  ): Promise<CaseRecord> {
    const resolved = await this.apply(
      db,
      changes,
      record,
      (l) => l.resolve(resolution),
      resolvedBy,
      resolvedAt,
    );
    const collected = money(
      await this.collected.collectedOn(db, changes.scope, record.id),
      record.currency,
    );
    changes.caseEvent(
      caseV1.CaseResolvedSchema,
      create(caseV1.CaseResolvedSchema, {
        caseId: record.id,
        debtorId: record.debtorId,
        resolution: mapResolutionToProto(resolution),
        totalCollected: collected,
        resolvedAt: timestampFromDate(resolvedAt),
        resolvedBy,
      }),
      { debtorId: record.debtorId, caseId: record.id, actor: resolvedBy },
    );
    const accounts = await this.cases.accountsOf(db, changes.scope, record.id);
    changes.crmOutbound(
      crmV1.CaseResolvedSchema,
      create(crmV1.CaseResolvedSchema, {
        creditorDebtorId,
        accountReferences: accounts.map((account) => account.accountReference),
        caseId: record.id,
        resolution: CRM_RESOLUTION[resolution],
        totalCollected: collected,
        resolvedAt: timestampFromDate(resolvedAt),
      }),
      creditorDebtorId,
    );
    return resolved;
  }

  /** Applies a lifecycle step; persists and announces a status change. Throws on illegal ones. */
  async apply(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
    operation: (lifecycle: CaseLifecycle) => { lifecycle: CaseLifecycle; transition: unknown },
    actor: Actor,
    resolvedAt: Date | null = null,
  ): Promise<CaseRecord> {
    const { state, changed, silentlyChanged } = step(record.lifecycle, operation);
    if (silentlyChanged) {
      await this.cases.updateLifecycle(db, changes.scope, record.id, state);
      return { ...record, lifecycle: state };
    }
    if (!changed) return record;
    await this.cases.updateLifecycle(db, changes.scope, record.id, state, resolvedAt);
    changes.caseEvent(
      caseV1.CaseStatusChangedSchema,
      create(caseV1.CaseStatusChangedSchema, {
        caseId: record.id,
        debtorId: record.debtorId,
        previousStatus: mapStatusToProto(record.lifecycle.status),
        status: mapStatusToProto(state.status),
        changedBy: actor,
      }),
      { debtorId: record.debtorId, caseId: record.id, actor },
    );
    return { ...record, lifecycle: state, resolvedAt: resolvedAt ?? record.resolvedAt };
  }
}

export const SYSTEM_ACTOR: Actor = create(ActorSchema, {
  kind: 1, // ActorKind.SYSTEM
  id: 'case-service',
});

export function scopeActor(scope: TenantScope): Actor {
  return create(ActorSchema, { kind: 4, id: `crm:${scope.tenantId}` }); // ActorKind.INTEGRATOR
}
