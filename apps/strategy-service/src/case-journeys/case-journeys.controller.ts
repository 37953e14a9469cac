import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  ErrorBodySchema,
  errorBody,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
} from '@clement/staff-api';
import { CaseJourneyReader } from './case-journey.reader';
import { journeyView, type JourneyView } from './domain/journey-view';

/** Where a case is in its strategy: the answer to "what happens next, and when?". */
@ApiTags('journeys')
@StaffApi()
@Controller('v1/cases')
export class CaseJourneysController {
  constructor(@Inject(CaseJourneyReader) private readonly reader: CaseJourneyReader) {}

  @Get(':caseId/journey')
  @Roles('agent', 'auditor', 'strategy-admin')
  @ApiNotFoundResponse({ type: ErrorBodySchema, description: 'No journey for this case' })
  async journey(
    @Param('caseId') caseId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JourneyView> {
    const found = await this.reader.find(requireTenant(principal), caseId);
    if (!found) {
      throw new NotFoundException(
        errorBody(404, 'journey.not_found', `no journey for case ${caseId}`),
      );
    }
    return journeyView(found.journey, found.updatedAt);
  }
}
