import { randomUUID } from 'node:crypto';
import { assertSqlIdentifier, type Outbox } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { DataSource } from 'typeorm';
import type {
  CaseProjectionRepository,
  ProjectedCase,
} from '../case-projection/case-projection.repository';
import type { LedgerRepository } from '../ledger/ledger.repository';
import { type PaymentServiceProvider, PspError } from '../psp/psp-port';
import type { Clock } from '../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../shared/payment-errors';
import type { PaymentTenants } from '../tenants/payment-tenants';
import { paymentInitiated } from './domain/payment-events';
import type { PaymentPurpose, PaymentRecord } from './payment-record';
import type { PaymentOutcomes } from './payment-outcomes';
import type { PaymentsRepository } from './payments.repository';

export interface PayNowRequest {
  /** full: the whole balance; part: `amountMinor` of it; instalment: the plan's next one
   *  (or `amountMinor`); advance: `amountMinor` ahead of the plan's schedule. */
  purpose: Exclude<PaymentPurpose, 'settlement'>;
  amountMinor?: number;
  planId?: string;
  promiseId?: string;
}

export interface StartedPayment {
  payment: PaymentRecord;
  redirectUrl: string;
}

/**
 * Pay now: the payment is recorded (and announced) before the PSP is asked, so a webhook can
 * never arrive for a payment this service does not know; the PSP call carries the payment id as
 * its idempotency key, so a retry cannot create a second charge.
 */
export class TakePayment {
  private readonly plans: string;
  private readonly instalments: string;

  constructor(
    schema: string,
    private readonly dataSource: DataSource,
    private readonly cases: CaseProjectionRepository,
    private readonly ledger: LedgerRepository,
    private readonly payments: PaymentsRepository,
    private readonly outcomes: PaymentOutcomes,
    private readonly tenants: PaymentTenants,
    private readonly psp: PaymentServiceProvider,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {
    const s = assertSqlIdentifier(schema);
    this.plans = `"${s}"."plans"`;
    this.instalments = `"${s}"."plan_instalments"`;
  }

  async payNow(tenantId: string, caseId: string, request: PayNowRequest): Promise<StartedPayment> {
    const tenant = this.tenants.find(tenantId);
    if (!tenant)
      throw new PaymentDomainError(
        PaymentErrorCode.TenantUnknown,
        `tenant ${tenantId} takes no payments here`,
      );
    const paymentId = randomUUID();
    const payment = await this.dataSource.transaction(async (db) => {
      const found = await this.cases.lock(db, tenantId, caseId);
      const openCase = requireOpen(found, caseId);
      const amountMinor = await this.amountFor(db, tenantId, openCase, request);
      const record: PaymentRecord = {
        tenantId,
        paymentId,
        caseId,
        debtorId: openCase.debtorId,
        method: 'card',
        purpose: request.purpose,
        amountMinor,
        currency: openCase.currency,
        status: 'initiated',
        psp: this.psp.name,
        pspPaymentId: null,
        redirectUrl: null,
        planId: request.planId ?? null,
        promiseId: request.promiseId ?? null,
        mandateId: null,
        chargeDate: null,
        failureReason: null,
        allocations: [],
        unallocatedMinor: 0,
        reversedMinor: 0,
        creditorPaymentReference: null,
        initiatedAt: this.clock(),
        settledAt: null,
      };
      await this.payments.insert(db, record);
      await this.outbox.appendAll(db, [paymentInitiated(record)]);
      return record;
    });
    try {
      const checkout = await this.psp.createCheckout({
        paymentId,
        tenantId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        description: tenant.brand,
        returnUrl: tenant.returnUrl,
        idempotencyKey: paymentId,
      });
      await this.payments.attachPsp(
        this.dataSource.manager,
        tenantId,
        paymentId,
        checkout.pspPaymentId,
        checkout.redirectUrl,
      );
      return {
        payment: {
          ...payment,
          pspPaymentId: checkout.pspPaymentId,
          redirectUrl: checkout.redirectUrl,
        },
        redirectUrl: checkout.redirectUrl,
      };
    } catch (error) {
      if (error instanceof PspError && error.kind === 'rejected') {
        // The PSP will never take this one: it fails now, with its reason, and says so.
        await this.dataSource.transaction(async (db) => {
          const locked = await this.payments.lock(db, tenantId, paymentId);
          if (locked) {
            await this.outcomes.failed(db, locked, {
              reason: `psp_rejected:${error.pspCode ?? 'invalid_request'}`,
              at: this.clock(),
              eventId: 'initiation',
            });
          }
        });
        throw new PaymentDomainError(
          PaymentErrorCode.PspRejected,
          `the PSP refused the payment: ${error.message}`,
        );
      }
      // Unknown outcome: the payment stays initiated; a retry by the PSP's idempotency key is safe.
      throw new PaymentDomainError(
        PaymentErrorCode.PspUnavailable,
        'the PSP did not answer; try again',
      );
    }
  }

  private async amountFor(
    db: SqlRunner,
    tenantId: string,
    openCase: ProjectedCase,
    request: PayNowRequest,
  ): Promise<number> {
    const balances = await this.ledger.accountBalances(db, tenantId, openCase.caseId);
    const owed = balances.reduce((sum, account) => sum + Math.max(account.balanceMinor, 0), 0);
    if (owed <= 0)
      throw new PaymentDomainError(PaymentErrorCode.CaseClosed, 'nothing is owed on this case');
    const given = request.amountMinor;
    if (given !== undefined && (!Number.isSafeInteger(given) || given <= 0)) {
      throw new PaymentDomainError(
        PaymentErrorCode.AmountInvalid,
        'amountMinor must be a positive integer',
      );
    }
    if (given !== undefined && given > owed) {
      throw new PaymentDomainError(PaymentErrorCode.AmountTooLarge, `at most ${owed} is owed`);
    }
    switch (request.purpose) {
      case 'full':
        if (given !== undefined && given !== owed) {
          throw new PaymentDomainError(PaymentErrorCode.AmountInvalid, `a full payment is ${owed}`);
        }
        return owed;
      case 'part':
        if (given === undefined)
          throw new PaymentDomainError(PaymentErrorCode.AmountInvalid, 'amountMinor is required');
        return given;
      case 'instalment':
      case 'advance': {
        const remaining = await this.livePlanRemaining(
          db,
          tenantId,
          openCase.caseId,
          request.planId,
        );
        if (request.purpose === 'advance' || given !== undefined) {
          if (given === undefined)
            throw new PaymentDomainError(PaymentErrorCode.AmountInvalid, 'amountMinor is required');
          if (given > remaining.totalMinor) {
            throw new PaymentDomainError(
              PaymentErrorCode.AmountTooLarge,
              `the plan has ${remaining.totalMinor} left`,
            );
          }
          return given;
        }
        return Math.min(remaining.nextMinor, owed);
      }
    }
  }

  /** What is left on a live plan of the case: the next instalment's unpaid part and in total. */
  private async livePlanRemaining(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    planId: string | undefined,
  ): Promise<{ nextMinor: number; totalMinor: number }> {
    if (!planId) throw new PaymentDomainError(PaymentErrorCode.PlanNotFound, 'planId is required');
    const [plan] = rowsOf<{ status: string }>(
      await db.query(
        `SELECT "status" FROM ${this.plans} WHERE "tenant_id" = $1 AND "plan_id" = $2 AND "case_id" = $3`,
        [tenantId, planId, caseId],
      ),
    );
    if (!plan)
      throw new PaymentDomainError(PaymentErrorCode.PlanNotFound, `no plan ${planId} on this case`);
    if (plan.status !== 'active' && plan.status !== 'in_arrears') {
      throw new PaymentDomainError(
        PaymentErrorCode.PlanNotLive,
        `plan ${planId} is ${plan.status}`,
      );
    }
    const rows = rowsOf<{ left: string }>(
      await db.query(
        `SELECT "amount_minor" - "paid_minor" AS "left" FROM ${this.instalments}
          WHERE "tenant_id" = $1 AND "plan_id" = $2 AND NOT "superseded" AND "paid_minor" < "amount_minor"
          ORDER BY "due_date", "number"`,
        [tenantId, planId],
      ),
    );
    const left = rows.map((row) => Number(row.left));
    if (left.length === 0)
      throw new PaymentDomainError(PaymentErrorCode.PlanNotLive, `plan ${planId} is paid`);
    return { nextMinor: left[0], totalMinor: left.reduce((sum, value) => sum + value, 0) };
  }
}

function requireOpen(found: ProjectedCase | undefined, caseId: string): ProjectedCase {
  if (!found) throw new PaymentDomainError(PaymentErrorCode.CaseNotFound, `no case ${caseId}`);
  if (found.status !== 'open' || found.erased) {
    throw new PaymentDomainError(PaymentErrorCode.CaseClosed, `case ${caseId} is closed`);
  }
  return found;
}
