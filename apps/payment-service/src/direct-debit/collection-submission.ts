import { randomUUID } from 'node:crypto';
import { addDays, daysBetween } from '@clement/payment-plans';
import type { Outbox } from '@clement/messaging';
import type { DataSource } from 'typeorm';
import type { PaymentsRepository } from '../payments/payments.repository';
import { debtorTimeZone, localDateAt } from '../shared/debtor-calendar';
import type { DueWork } from '../shared/periodic-task';
import { type DirectDebitProvider, PspError } from '../psp/psp-port';
import type { PaymentTenants } from '../tenants/payment-tenants';
import {
  paymentFailed,
  paymentInitiated,
  type StartedPayment,
} from '../payments/domain/payment-events';
import type { CollectionsRepository, UnsentCollection } from './collections.repository';

const BATCH = 50;
const SANDBOX = 'sandbox';

/**
 * Submits direct debit collections: for each live plan with an active mandate, its next unpaid
 * instalment once due within `leadDays` in the debtor's calendar. The payment (initiated) and
 * PaymentInitiated commit first; then the PSP is asked (idempotency key = payment id) and its id
 * attached. An unanswered submission is retried on the next run with the same key; a refused
 * one fails the payment (PaymentFailed). The webhooks settle the rest.
 */
export class CollectionSubmission implements DueWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly collections: CollectionsRepository,
    private readonly payments: PaymentsRepository,
    private readonly tenants: PaymentTenants,
    private readonly psp: DirectDebitProvider | null,
    private readonly outbox: Outbox,
    private readonly leadDays: number,
  ) {}

  async evaluateDue(now: Date): Promise<number> {
    // Without a direct debit PSP nothing is collected (and nothing recorded as initiated).
    if (!this.psp) return 0;
    let submitted = 0;
    for (const unsent of await this.recordDue(now)) {
      if (await this.submit(unsent, now)) submitted += 1;
    }
    const retries = await this.dataSource.transaction((db) =>
      this.collections.lockUnsent(db, BATCH),
    );
    for (const unsent of retries) {
      if (await this.submit(unsent, now)) submitted += 1;
    }
    return submitted;
  }

  /** Records the due collections as initiated payments, with their PaymentInitiated events. */
  private recordDue(now: Date): Promise<UnsentCollection[]> {
    // No zone's local date is later than UTC's + 1: coarse here, exact per debtor below.
    const dueBy = addDays(now.toISOString().slice(0, 10), 1 + this.leadDays);
    return this.dataSource.transaction(async (db) => {
      const recorded: UnsentCollection[] = [];
      for (const due of await this.collections.lockDue(db, dueBy, BATCH)) {
        const tenant = this.tenants.find(due.tenantId);
        if (!tenant || due.owedMinor <= 0) continue;
        const today = localDateAt(now, debtorTimeZone(due.timeZone, tenant.timeZone));
        if (daysBetween(today, due.dueDate) > this.leadDays) continue;
        const chargeDate = daysBetween(today, due.dueDate) >= 0 ? due.dueDate : today;
        const collection: UnsentCollection = {
          tenantId: due.tenantId,
          paymentId: randomUUID(),
          caseId: due.caseId,
          debtorId: due.debtorId,
          planId: due.planId,
          amountMinor: due.owedMinor,
          currency: due.currency,
          chargeDate,
          pspMandateId: due.pspMandateId,
        };
        await this.payments.insert(db, {
          tenantId: collection.tenantId,
          paymentId: collection.paymentId,
          caseId: collection.caseId,
          debtorId: collection.debtorId,
          method: 'direct_debit',
          purpose: 'instalment',
          amountMinor: collection.amountMinor,
          currency: collection.currency,
          psp: SANDBOX,
          pspPaymentId: null,
          redirectUrl: null,
          planId: collection.planId,
          promiseId: null,
          mandateId: due.mandateId,
          chargeDate,
          initiatedAt: now,
        });
        await this.outbox.appendAll(db, [paymentInitiated(startedPayment(collection, now))]);
        recorded.push(collection);
      }
      return recorded;
    });
  }

  private async submit(collection: UnsentCollection, now: Date): Promise<boolean> {
    if (!this.psp) return false;
    try {
      const { pspCollectionId } = await this.psp.createCollection({
        pspMandateId: collection.pspMandateId,
        paymentId: collection.paymentId,
        tenantId: collection.tenantId,
        amountMinor: collection.amountMinor,
        currency: collection.currency,
        chargeDate: collection.chargeDate,
        idempotencyKey: collection.paymentId,
      });
      await this.payments.attachPsp(
        this.dataSource,
        collection.tenantId,
        collection.paymentId,
        pspCollectionId,
        null,
      );
      return true;
    } catch (error) {
      if (!(error instanceof PspError) || error.kind !== 'rejected') return false;
      const reason = error.pspCode ?? 'collection_rejected';
      await this.dataSource.transaction(async (db) => {
        if (
          await this.payments.markFailed(db, collection.tenantId, collection.paymentId, reason, now)
        ) {
          await this.outbox.appendAll(db, [
            paymentFailed(startedPayment(collection, now), reason, now, 'submission'),
          ]);
        }
      });
      return false;
    }
  }
}

function startedPayment(
  collection: {
    tenantId: string;
    paymentId: string;
    caseId: string;
    debtorId: string;
    planId: string;
    amountMinor: number;
    currency: string;
  },
  at: Date,
): StartedPayment {
  return {
    ...collection,
    method: 'direct_debit',
    purpose: 'instalment',
    promiseId: null,
    initiatedAt: at,
  };
}
