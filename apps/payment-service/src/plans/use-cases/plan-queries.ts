import type { DataSource } from 'typeorm';
import type { CaseProjectionRepository } from '../../case-projection/case-projection.repository';
import { PaymentDomainError, PaymentErrorCode } from '../../shared/payment-errors';
import type { PlansRepository } from '../plans.repository';
import type { PlanDetail } from './change-plan.use-case';

export class PlanQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly cases: CaseProjectionRepository,
  ) {}

  async get(tenantId: string, planId: string): Promise<PlanDetail> {
    const plan = await this.plans.find(this.dataSource, tenantId, planId);
    if (!plan) throw new PaymentDomainError(PaymentErrorCode.PlanNotFound, `no plan ${planId}`);
    return { plan, instalments: await this.plans.instalmentsOf(this.dataSource, tenantId, planId) };
  }

  async listForCase(tenantId: string, caseId: string): Promise<PlanDetail[]> {
    if (!(await this.cases.find(this.dataSource, tenantId, caseId))) {
      throw new PaymentDomainError(PaymentErrorCode.CaseNotFound, `no case ${caseId}`);
    }
    const plans = await this.plans.listForCase(this.dataSource, tenantId, caseId);
    return Promise.all(
      plans.map(async (plan) => ({
        plan,
        instalments: await this.plans.instalmentsOf(this.dataSource, tenantId, plan.planId),
      })),
    );
  }
}
