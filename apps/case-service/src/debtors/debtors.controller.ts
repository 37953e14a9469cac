import { Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
  ValidBody,
} from '@clement/staff-api';
import { staffActor } from '../cases/case-commands';
import { TenantScope } from '../tenancy/tenant-scope';
import { DebtorPrivacy } from './debtor-privacy';
import { DebtorSearchRequest, LegalRetentionRequest } from './dto/debtor-requests';

const uuid = new ParseUUIDPipe();

/** Look-ups by contact point, legal retention and erasure requests. */
@ApiTags('debtors')
@StaffApi()
@Controller('v1/debtors')
export class DebtorsController {
  constructor(@Inject(DebtorPrivacy) private readonly privacy: DebtorPrivacy) {}

  @Post('search')
  @HttpCode(200)
  @Roles('agent', 'privacy-officer')
  async search(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(DebtorSearchRequest) body: DebtorSearchRequest,
  ) {
    const scope = TenantScope.of(requireTenant(principal));
    const found = await this.privacy.lookup(scope, { phone: body.phone, email: body.email });
    return {
      items: found.map((debtor) => ({
        debtorId: debtor.debtorId,
        creditorDebtorId: debtor.creditorDebtorId,
        cases: debtor.cases.map((record) => ({
          id: record.id,
          status: record.lifecycle.status,
          currency: record.currency,
          totalBalanceMinor: record.totalBalanceMinor.toString(),
        })),
      })),
    };
  }

  @Put(':debtorId/legal-retention')
  @HttpCode(204)
  @Roles('privacy-officer')
  async legalRetention(
    @CurrentPrincipal() principal: Principal,
    @Param('debtorId', uuid) debtorId: string,
    @ValidBody(LegalRetentionRequest) body: LegalRetentionRequest,
  ): Promise<void> {
    const scope = TenantScope.of(requireTenant(principal));
    await this.privacy.setLegalRetention(scope, debtorId, {
      until: body.until,
      reason: body.until === null ? null : (body.reason ?? null),
    });
  }

  @Post(':debtorId/erasure')
  @HttpCode(200)
  @Roles('privacy-officer')
  async erase(@CurrentPrincipal() principal: Principal, @Param('debtorId', uuid) debtorId: string) {
    const scope = TenantScope.of(requireTenant(principal));
    const { erasedAt } = await this.privacy.erase(scope, staffActor(principal.subject), debtorId);
    return { debtorId, erasedAt: erasedAt.toISOString() };
  }
}
