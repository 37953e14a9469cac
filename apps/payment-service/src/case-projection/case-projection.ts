import { create } from '@bufbuild/protobuf';
import { paymentV1, topicCatalogue } from '@clement/contracts';
import { type Outbox, pendingEvent } from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import { bookBalanceUpdate } from '../ledger/domain/balance-update';
import { matchCreditorPayment } from '../ledger/domain/reconciliation';
import type { LedgerEntry, LedgerRepository } from '../ledger/ledger.repository';
import type { CaseProjectionRepository, ProjectedAccount } from './case-projection.repository';

export interface PlacedAccount extends ProjectedAccount {
  currentBalanceMinor: number;
}

export interface CreditorPaymentReport {
  caseId: string;
  debtorId: string;
  accountId: string;
  reference: string;
  amountMinor: number;
  currency: string;
  paidAt: Date;
  reversed: boolean;
}

/**
 * What case events mean for payment-service: the cases and accounts it may take payments on,
 * the ledger's opening balances and the creditor's adjustments, the debtor's zone, and the
 * creditor's own payment reports, reconciled with the payments taken here.
 */
export class CaseProjection {
  constructor(
    private readonly cases: CaseProjectionRepository,
    private readonly ledger: LedgerRepository,
    private readonly outbox: Outbox,
  ) {}

  async casePlaced(
    db: SqlRunner,
    tenantId: string,
    placed: {
      caseId: string;
      debtorId: string;
      currency: string;
      placedAt: Date;
      accounts: PlacedAccount[];
    },
  ): Promise<void> {
    await this.cases.insertCase(db, tenantId, placed);
    for (const account of placed.accounts) {
      await this.openAccount(
        db,
        tenantId,
        placed.caseId,
        placed.currency,
        account,
        placed.placedAt,
      );
    }
  }

  /**
   * A balance change case-service made. Payments and reversals are this service's own (already
   * in the ledger); anything else is the creditor's, booked as the change case-service applied,
   * so the ledger moves by the same amounts whatever order the two services see events in.
   */
  async balanceChanged(
    db: SqlRunner,
    tenantId: string,
    change: {
      eventId: string;
      caseId: string;
      currency: string;
      account: PlacedAccount;
      previousBalanceMinor: number;
      ownPayment: boolean;
      at: Date;
    },
  ): Promise<void> {
    const { account } = change;
    if (!(await this.cases.accountExists(db, tenantId, account.accountId))) {
      await this.openAccount(db, tenantId, change.caseId, change.currency, account, change.at);
      return;
    }
    await this.cases.setDaysPastDue(db, tenantId, account.accountId, account.daysPastDue);
    if (change.ownPayment) return;
    const delta = account.currentBalanceMinor - change.previousBalanceMinor;
    if (delta === 0) return;
    const pending = await this.cases.unbookedCreditorPayments(db, tenantId, account.accountId);
    const booked = bookBalanceUpdate(delta, pending);
    const entries: LedgerEntry[] = booked.creditorPayments.map((payment) => ({
      caseId: change.caseId,
      accountId: account.accountId,
      kind: 'creditor_payment',
      amountMinor: -payment.amountMinor,
      currency: change.currency,
      sourceId: `creditor-payment:${payment.reference}`,
      occurredAt: change.at,
    }));
    if (booked.adjustmentMinor !== 0) {
      entries.push({
        caseId: change.caseId,
        accountId: account.accountId,
        kind: 'adjustment',
        amountMinor: booked.adjustmentMinor,
        currency: change.currency,
        sourceId: `event:${change.eventId}`,
        occurredAt: change.at,
      });
    }
    await this.ledger.append(db, tenantId, entries);
    for (const payment of booked.creditorPayments) {
      await this.cases.markBooked(db, tenantId, payment.reference);
    }
  }

  /**
   * The creditor took a payment (or reversed one). If it is a payment taken here, it is matched
   * and announced (PaymentReconciled), and never counted again; otherwise it waits for the
   * creditor's balance update, which books it.
   */
  async creditorPaymentReported(
    db: SqlRunner,
    tenantId: string,
    report: CreditorPaymentReport,
  ): Promise<void> {
    if (report.reversed) {
      await this.cases.markCreditorPaymentReversed(db, tenantId, report.reference);
      return;
    }
    const fresh = await this.cases.insertCreditorPayment(db, tenantId, report);
    if (!fresh) return;
    const candidates = await this.cases.unreconciledPayments(db, tenantId, report.caseId);
    const match = matchCreditorPayment(report, candidates);
    if (!match) return;
    await this.cases.matchCreditorPayment(
      db,
      tenantId,
      report.reference,
      match.paymentId,
      match.matchedBy,
    );
    await this.outbox.appendAll(db, [
      pendingEvent(
        topicCatalogue.paymentEvents,
        paymentV1.PaymentReconciledSchema,
        create(paymentV1.PaymentReconciledSchema, {
          paymentId: match.paymentId,
          caseId: report.caseId,
          debtorId: report.debtorId,
          creditorPaymentReference: report.reference,
          matchedBy: match.matchedBy,
        }),
        {
          tenantId,
          partitionKey: `${tenantId}:${report.debtorId}`,
          subject: `payment/${match.paymentId}`,
        },
      ),
    ]);
  }

  async timeZoneKnown(db: SqlRunner, tenantId: string, debtorId: string, timeZone: string) {
    await this.cases.setTimeZone(db, tenantId, debtorId, timeZone);
  }

  async caseResolved(db: SqlRunner, tenantId: string, caseId: string) {
    await this.cases.setStatus(db, tenantId, caseId, 'resolved');
  }

  async debtorErased(db: SqlRunner, tenantId: string, debtorId: string) {
    await this.cases.markErased(db, tenantId, debtorId);
  }

  private async openAccount(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    currency: string,
    account: PlacedAccount,
    placedAt: Date,
  ): Promise<void> {
    await this.cases.insertAccount(db, tenantId, caseId, account, placedAt);
    await this.ledger.append(db, tenantId, [
      {
        caseId,
        accountId: account.accountId,
        kind: 'placed',
        amountMinor: account.currentBalanceMinor,
        currency,
        sourceId: `placed:${account.accountId}`,
        occurredAt: placedAt,
      },
    ]);
  }
}
