import type { DataSource } from 'typeorm';
import type { Clock } from '../../shared/clock';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import type { PromiseRecord, PromisesRepository } from '../promises.repository';

/**
 * Withdraws an open promise (the debtor or an agent agreed it no longer stands). No event: the
 * contract has none, and the strategy's reaction to a promise ends with its due date anyway; a
 * withdrawn promise is simply never kept or broken. Cancelling it again changes nothing.
 */
export class CancelPromise {
  constructor(
    private readonly dataSource: DataSource,
    private readonly promises: PromisesRepository,
    private readonly clock: Clock,
  ) {}

  execute(tenantId: string, promiseId: string): Promise<PromiseRecord> {
    return this.dataSource.transaction(async (db) => {
      const promise = await this.promises.find(db, tenantId, promiseId);
      if (!promise) {
        throw new PaymentDomainError(PaymentErrorCode.PromiseNotFound, `no promise ${promiseId}`);
      }
      if (promise.status === 'cancelled') return promise;
      const at = this.clock();
      if (!(await this.promises.close(db, tenantId, promiseId, 'cancelled', at))) {
        throw new PaymentDomainError(
          PaymentErrorCode.PromiseInvalid,
          `promise ${promiseId} is ${promise.status}`,
        );
      }
      return { ...promise, status: 'cancelled', settledAt: at };
    });
  }
}
