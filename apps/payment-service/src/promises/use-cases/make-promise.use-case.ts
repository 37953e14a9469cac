import { randomUUID } from 'node:crypto';
import type { Outbox } from '@clement/messaging';
import type { Principal } from '@clement/staff-api';
import type { DataSource } from 'typeorm';
import { actorOf } from '../../shared/actor';
import type { CaseContexts } from '../../shared/case-context';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import { planPromise } from '../domain/promise-rules';
import { promiseMadeEvent } from '../promise-events';
import type { PromiseRecord, PromisesRepository } from '../promises.repository';

/** A promise to pay an amount by a date in the debtor's calendar; one open promise per case. */
export class MakePromise {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: CaseContexts,
    private readonly promises: PromisesRepository,
    private readonly outbox: Outbox,
  ) {}

  execute(
    tenantId: string,
    caseId: string,
    principal: Principal,
    request: { amountMinor: number; dueDate: string },
  ): Promise<PromiseRecord> {
    return this.dataSource.transaction(async (db) => {
      const context = await this.contexts.open(db, tenantId, caseId, { lock: true });
      const open = await this.promises.lockOpen(db, tenantId, caseId);
      if (open) {
        throw new PaymentDomainError(
          PaymentErrorCode.PromiseAlreadyOpen,
          `case ${caseId} already has open promise ${open.promiseId}`,
        );
      }
      const { graceDays, maxDaysAhead } = context.tenant.promises;
      const { deadlineAt } = planPromise({
        amountMinor: request.amountMinor,
        dueDate: request.dueDate,
        balanceMinor: await this.contexts.balance(db, tenantId, caseId),
        today: context.today,
        timeZone: context.timeZone,
        graceDays,
        maxDaysAhead,
      });
      const promise: PromiseRecord = {
        tenantId,
        promiseId: randomUUID(),
        caseId,
        debtorId: context.case.debtorId,
        amountMinor: request.amountMinor,
        currency: context.case.currency,
        dueDate: request.dueDate,
        graceDays,
        deadlineAt,
        status: 'open',
        paidMinor: 0,
        madeBy: actorOf(principal, context.case.debtorId),
        madeAt: context.now,
        settledAt: null,
      };
      await this.promises.insert(db, promise);
      await this.outbox.appendAll(db, [promiseMadeEvent(promise)]);
      return promise;
    });
  }
}
