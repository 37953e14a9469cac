import { ActorKind } from '@clement/contracts';
import type { CaseDetail } from '../case-queries';
import type {
  AccountRecord,
  ActorJson,
  CaseRecord,
  CaseSummaryRecord,
  HistoryRecord,
  HoldRecord,
} from '../cases.repository';
import { bucketOf, stageOf } from '../domain/days-past-due';
import { categoryToApi, holdKindToApi } from './api-vocabulary';

// Amounts are strings of integer minor units, as in the protobuf JSON mapping of int64.

export function actorView(actor: ActorJson | null) {
  return actor && { kind: (ActorKind[actor.kind] ?? 'UNSPECIFIED').toLowerCase(), id: actor.id };
}

/** What list and detail say alike about a case. */
function caseFigures(record: CaseRecord) {
  return {
    id: record.id,
    status: record.lifecycle.status,
    resolution: record.lifecycle.resolution,
    currency: record.currency,
    totalBalanceMinor: record.totalBalanceMinor.toString(),
    maxDaysPastDue: record.maxDaysPastDue,
    daysPastDueBucket: bucketOf(record.maxDaysPastDue),
    stage: stageOf(record.maxDaysPastDue),
    openedAt: record.openedAt.toISOString(),
    resolvedAt: record.resolvedAt?.toISOString() ?? null,
  };
}

export function caseSummaryView(record: CaseSummaryRecord) {
  return {
    ...caseFigures(record),
    debtorId: record.debtorId,
    accountReferences: record.accountReferences,
    vulnerable: record.vulnerable,
    activeHolds: record.activeHolds,
  };
}

export function accountView(account: AccountRecord) {
  return {
    id: account.id,
    accountReference: account.accountReference,
    productType: account.productType,
    productName: account.productName,
    currency: account.currency,
    originalBalanceMinor: account.originalBalanceMinor.toString(),
    currentBalanceMinor: account.currentBalanceMinor.toString(),
    daysPastDue: account.daysPastDue,
    placementDate: account.placementDate,
    recalledAt: account.recalledAt?.toISOString() ?? null,
    recallReason: account.recallReason,
  };
}

export function holdView(hold: HoldRecord, now: Date = new Date()) {
  return {
    id: hold.id,
    kind: holdKindToApi(hold.kind),
    reason: hold.reason,
    scope: hold.caseId ? 'case' : 'debtor',
    accountIds: hold.accountIds,
    startsAt: hold.startsAt.toISOString(),
    endsAt: hold.endsAt?.toISOString() ?? null,
    placedBy: actorView(hold.placedBy),
    creditorHoldReference: hold.creditorHoldReference,
    liftedAt: hold.liftedAt?.toISOString() ?? null,
    liftedBy: actorView(hold.liftedBy),
    inForce: hold.liftedAt === null && (hold.endsAt === null || hold.endsAt > now),
  };
}

export function caseDetailView(detail: CaseDetail) {
  const { record, debtor } = detail;
  return {
    ...caseFigures(record),
    debtor: {
      id: debtor.id,
      creditorDebtorId: debtor.creditorDebtorId,
      kind: debtor.kind,
      name: debtor.name,
      preferredLanguage: debtor.preferredLanguage,
      vulnerability: {
        categories: debtor.vulnerabilityCategories.map(categoryToApi),
        reviewDate: debtor.vulnerabilityReviewDate,
      },
      legalRetentionUntil: debtor.legalRetentionUntil,
      erasedAt: debtor.erasedAt?.toISOString() ?? null,
    },
    accounts: detail.accounts.map(accountView),
    holds: detail.holds.map((hold) => holdView(hold)),
    notes: detail.notes.map((note) => ({
      id: note.id,
      author: actorView(note.author),
      body: note.body,
      createdAt: note.createdAt.toISOString(),
    })),
  };
}

export function historyView(entry: HistoryRecord) {
  return {
    eventId: entry.eventId,
    type: entry.eventType,
    actor: actorView(entry.actor),
    details: entry.details,
    occurredAt: entry.occurredAt.toISOString(),
  };
}
