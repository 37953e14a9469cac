import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
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
import { ResourceIdPipe } from '../shared/resource-id.pipe';
import { MakePromiseBody } from './dto/promise-requests';
import { promiseView } from './dto/promise-views';
import { CancelPromise } from './use-cases/cancel-promise.use-case';
import { MakePromise } from './use-cases/make-promise.use-case';
import { PromiseQueries } from './use-cases/promise-queries';

/** Promises to pay: make, withdraw, read. Kept and broken are decided by payments and time. */
@ApiTags('promises')
@StaffApi()
@ApiNotFoundResponse({
  description: 'No such case or promise for your tenant',
  type: ErrorBodySchema,
})
@Controller('v1')
export class PromisesController {
  constructor(
    @Inject(MakePromise) private readonly makePromise: MakePromise,
    @Inject(CancelPromise) private readonly cancelPromise: CancelPromise,
    @Inject(PromiseQueries) private readonly queries: PromiseQueries,
  ) {}

  @Post('cases/:caseId/promises')
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async make(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
    @ValidBody(MakePromiseBody) body: MakePromiseBody,
  ) {
    return promiseView(
      await this.makePromise.execute(requireTenant(principal), caseId, principal, body),
    );
  }

  @Get('cases/:caseId/promises')
  @Roles('agent', 'debtor-portal', 'auditor')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
  ) {
    const promises = await this.queries.listForCase(requireTenant(principal), caseId);
    return { items: promises.map(promiseView) };
  }

  @Get('promises/:promiseId')
  @Roles('agent', 'debtor-portal', 'auditor')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('promiseId', new ResourceIdPipe('promiseId')) promiseId: string,
  ) {
    return promiseView(await this.queries.get(requireTenant(principal), promiseId));
  }

  @Post('promises/:promiseId/cancel')
  @HttpCode(200)
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('promiseId', new ResourceIdPipe('promiseId')) promiseId: string,
  ) {
    return promiseView(await this.cancelPromise.execute(requireTenant(principal), promiseId));
  }
}
