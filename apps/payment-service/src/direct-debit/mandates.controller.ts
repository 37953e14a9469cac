import { Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
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
import { PaymentDomainError, PaymentErrorCode } from '../shared/payment-errors';
import { ChangeMandateBody, SetUpMandateBody } from './dto/mandate-requests';
import { mandateView } from './dto/mandate-views';
import { MandatesRepository } from './mandates.repository';
import { CancelMandate } from './use-cases/cancel-mandate.use-case';
import { ChangeCollectionDay } from './use-cases/change-collection-day.use-case';
import { SetUpMandate } from './use-cases/set-up-mandate.use-case';

/** Direct debit mandates: set up (the debtor finishes at the PSP), move the day, cancel, read. */
@ApiTags('mandates')
@StaffApi()
@ApiNotFoundResponse({
  description: 'No such case, plan or mandate for your tenant',
  type: ErrorBodySchema,
})
@Controller('v1')
export class MandatesController {
  constructor(
    @Inject(SetUpMandate) private readonly setUp: SetUpMandate,
    @Inject(ChangeCollectionDay) private readonly changeDay: ChangeCollectionDay,
    @Inject(CancelMandate) private readonly cancelMandate: CancelMandate,
    @Inject(MandatesRepository) private readonly mandates: MandatesRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Post('cases/:caseId/mandates')
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
    @ValidBody(SetUpMandateBody) body: SetUpMandateBody,
  ) {
    const mandate = await this.setUp.execute(requireTenant(principal), caseId, body);
    return { ...mandateView(mandate), setupUrl: mandate.setupUrl };
  }

  @Get('mandates/:mandateId')
  @Roles('agent', 'debtor-portal', 'auditor')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('mandateId', new ResourceIdPipe('mandateId')) mandateId: string,
  ) {
    const mandate = await this.mandates.find(this.dataSource, requireTenant(principal), mandateId);
    if (!mandate)
      throw new PaymentDomainError(PaymentErrorCode.MandateNotFound, `no mandate ${mandateId}`);
    return mandateView(mandate);
  }

  @Patch('mandates/:mandateId')
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async change(
    @CurrentPrincipal() principal: Principal,
    @Param('mandateId', new ResourceIdPipe('mandateId')) mandateId: string,
    @ValidBody(ChangeMandateBody) body: ChangeMandateBody,
  ) {
    return mandateView(
      await this.changeDay.execute(requireTenant(principal), mandateId, body.collectionDay),
    );
  }

  @Post('mandates/:mandateId/cancel')
  @HttpCode(200)
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('mandateId', new ResourceIdPipe('mandateId')) mandateId: string,
  ) {
    return mandateView(
      await this.cancelMandate.execute(requireTenant(principal), mandateId, principal),
    );
  }
}
