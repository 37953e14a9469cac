import { Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '@clement/idempotency';
import {
  CurrentPrincipal,
  ErrorBodySchema,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
  ValidBody,
} from '@clement/staff-api';
import { ChangePlanBody, CreatePlanBody } from './dto/plan-requests';
import { planView } from './dto/plan-views';
import { ResourceIdPipe } from '../shared/resource-id.pipe';
import { CancelPlan } from './use-cases/cancel-plan.use-case';
import { ChangePlan } from './use-cases/change-plan.use-case';
import { CreatePlan } from './use-cases/create-plan.use-case';
import { PlanQueries } from './use-cases/plan-queries';

/** Payment plans chosen from an offer: create, change what remains, cancel, read. */
@ApiTags('plans')
@StaffApi()
@ApiNotFoundResponse({
  description: 'No such case, offer or plan for your tenant',
  type: ErrorBodySchema,
})
@Controller('v1')
export class PlansController {
  constructor(
    @Inject(CreatePlan) private readonly createPlan: CreatePlan,
    @Inject(ChangePlan) private readonly changePlan: ChangePlan,
    @Inject(CancelPlan) private readonly cancelPlan: CancelPlan,
    @Inject(PlanQueries) private readonly queries: PlanQueries,
  ) {}

  @Post('cases/:caseId/plans')
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
    @ValidBody(CreatePlanBody) body: CreatePlanBody,
  ) {
    const created = await this.createPlan.execute(
      requireTenant(principal),
      caseId,
      principal,
      body,
    );
    return planView(await this.queries.get(created.plan.tenantId, created.plan.planId));
  }

  @Get('cases/:caseId/plans')
  @Roles('agent', 'debtor-portal', 'auditor')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
  ) {
    const plans = await this.queries.listForCase(requireTenant(principal), caseId);
    return { items: plans.map(planView) };
  }

  @Get('plans/:planId')
  @Roles('agent', 'debtor-portal', 'auditor')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('planId', new ResourceIdPipe('planId')) planId: string,
  ) {
    return planView(await this.queries.get(requireTenant(principal), planId));
  }

  @Patch('plans/:planId')
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async change(
    @CurrentPrincipal() principal: Principal,
    @Param('planId', new ResourceIdPipe('planId')) planId: string,
    @ValidBody(ChangePlanBody) body: ChangePlanBody,
  ) {
    return planView(
      await this.changePlan.execute(requireTenant(principal), planId, {
        ...(body.instalments !== undefined ? { instalments: body.instalments } : {}),
        ...(body.instalmentMinor !== undefined ? { instalmentMinor: body.instalmentMinor } : {}),
        ...(body.frequency !== undefined ? { frequency: body.frequency } : {}),
        ...(body.paymentDay !== undefined ? { nextDueDate: body.paymentDay } : {}),
      }),
    );
  }

  @Post('plans/:planId/cancel')
  @HttpCode(200)
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('planId', new ResourceIdPipe('planId')) planId: string,
  ) {
    const tenantId = requireTenant(principal);
    await this.cancelPlan.execute(tenantId, planId);
    return planView(await this.queries.get(tenantId, planId));
  }
}
