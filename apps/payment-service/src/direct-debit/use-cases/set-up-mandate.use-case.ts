import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseContexts } from '../../shared/case-context';
import { LIVE_STATUSES } from '../../plans/domain/plan-progress';
import type { PlansRepository } from '../../plans/plans.repository';
import { type DirectDebitProvider, PspError } from '../../psp/psp-port';
import type { Clock } from '../../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import type { MandateRecord, MandatesRepository } from '../mandates.repository';
import { pspFailure, requireDirectDebit } from '../psp-errors';

/**
 * A direct debit mandate: recorded as pending, set up with the PSP (idempotency key = mandate
 * id), which returns the hosted page where the debtor gives their bank details. It becomes
 * active when the PSP's webhook says so.
 */
export class SetUpMandate {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: CaseContexts,
    private readonly mandates: MandatesRepository,
    private readonly plans: PlansRepository,
    private readonly psp: DirectDebitProvider | null,
    private readonly clock: Clock,
  ) {}

  async execute(
    tenantId: string,
    caseId: string,
    request: { collectionDay: number; planId?: string },
  ): Promise<MandateRecord> {
    const psp = requireDirectDebit(this.psp);
    const { mandate, returnUrl } = await this.dataSource.transaction(async (db) => {
      const context = await this.contexts.open(db, tenantId, caseId, { lock: true });
      if (request.planId !== undefined) {
        const plan = await this.plans.find(db, tenantId, request.planId);
        if (!plan || plan.caseId !== caseId) {
          throw new PaymentDomainError(
            PaymentErrorCode.PlanNotFound,
            `no plan ${request.planId} on case ${caseId}`,
          );
        }
        if (!LIVE_STATUSES.includes(plan.status)) {
          throw new PaymentDomainError(
            PaymentErrorCode.PlanNotLive,
            `plan ${plan.planId} is ${plan.status}`,
          );
        }
      }
      const record: MandateRecord = {
        tenantId,
        mandateId: randomUUID(),
        caseId,
        debtorId: context.case.debtorId,
        planId: request.planId ?? null,
        pspMandateId: null,
        setupUrl: null,
        status: 'pending',
        collectionDay: request.collectionDay,
        createdAt: context.now,
        updatedAt: context.now,
      };
      await this.mandates.insert(db, record);
      return { mandate: record, returnUrl: context.tenant.returnUrl };
    });
    let setup;
    try {
      setup = await psp.setUpMandate({
        mandateId: mandate.mandateId,
        tenantId,
        collectionDay: mandate.collectionDay,
        returnUrl,
        idempotencyKey: mandate.mandateId,
      });
    } catch (error) {
      if (error instanceof PspError && error.kind === 'rejected') {
        await this.mandates.transition(
          this.dataSource,
          tenantId,
          mandate.mandateId,
          ['pending'],
          'failed',
          this.clock(),
        );
      }
      throw pspFailure(error);
    }
    const at = this.clock();
    await this.mandates.attachPsp(
      this.dataSource,
      tenantId,
      mandate.mandateId,
      setup.pspMandateId,
      setup.setupUrl,
      at,
    );
    return {
      ...mandate,
      pspMandateId: setup.pspMandateId,
      setupUrl: setup.setupUrl,
      updatedAt: at,
    };
  }
}
