import type { DataSource } from 'typeorm';
import type { CaseProjectionRepository } from '../../case-projection/case-projection.repository';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import type { PromiseRecord, PromisesRepository } from '../promises.repository';

export class PromiseQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly promises: PromisesRepository,
    private readonly cases: CaseProjectionRepository,
  ) {}

  async get(tenantId: string, promiseId: string): Promise<PromiseRecord> {
    const promise = await this.promises.find(this.dataSource, tenantId, promiseId);
    if (!promise)
      throw new PaymentDomainError(PaymentErrorCode.PromiseNotFound, `no promise ${promiseId}`);
    return promise;
  }

  async listForCase(tenantId: string, caseId: string): Promise<PromiseRecord[]> {
    if (!(await this.cases.find(this.dataSource, tenantId, caseId))) {
      throw new PaymentDomainError(PaymentErrorCode.CaseNotFound, `no case ${caseId}`);
    }
    return this.promises.listForCase(this.dataSource, tenantId, caseId);
  }
}
