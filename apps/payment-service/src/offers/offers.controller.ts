import { Controller, Get, Inject, Param, Post } from '@nestjs/common';
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
import { MakeOfferRequest } from './dto/offer-requests';
import { offerView } from './dto/offer-views';
import { MakeOffer } from './make-offer.use-case';

/** The plans and settlement a debtor may choose, computed on the case's balance now. */
@ApiTags('offers')
@StaffApi()
@ApiNotFoundResponse({
  description: 'No such case or offer for your tenant',
  type: ErrorBodySchema,
})
@Controller('v1')
export class OffersController {
  constructor(@Inject(MakeOffer) private readonly offers: MakeOffer) {}

  @Post('cases/:caseId/offers')
  @Idempotent()
  @Roles('agent', 'debtor-portal')
  async make(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', new ResourceIdPipe('caseId')) caseId: string,
    @ValidBody(MakeOfferRequest) body: MakeOfferRequest,
  ) {
    return offerView(await this.offers.execute(requireTenant(principal), caseId, body));
  }

  @Get('offers/:offerId')
  @Roles('agent', 'debtor-portal', 'auditor')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('offerId', new ResourceIdPipe('offerId')) offerId: string,
  ) {
    return offerView(await this.offers.find(requireTenant(principal), offerId));
  }
}
