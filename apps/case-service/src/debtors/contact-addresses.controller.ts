import {
  Controller,
  GoneException,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
} from '@nestjs/common';
import {
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { metrics } from '@opentelemetry/api';
import { IsUUID, Matches } from 'class-validator';
import {
  CurrentPrincipal,
  errorBody,
  ErrorBodySchema,
  type Principal,
  Roles,
  StaffApi,
  ValidBody,
} from '@clement/staff-api';
import { TENANT_ID_PATTERN, TenantScope } from '../tenancy/tenant-scope';
import { ContactAddresses, type ContactAddressResult } from './contact-addresses';
import type { ContactPointKindName } from './debtors.repository';

/** Ids only: the request names a contact point and never carries personal data. */
export class ResolveContactAddressRequest {
  @ApiProperty({ type: String, example: 'acme-bank' })
  @Matches(TENANT_ID_PATTERN, {
    message: 'tenantId must be lower-case letters, digits and hyphens',
  })
  tenantId!: string;

  @ApiProperty({ type: String, format: 'uuid' })
  @IsUUID()
  debtorId!: string;

  @ApiProperty({ type: String, format: 'uuid' })
  @IsUUID()
  contactPointId!: string;
}

export class ContactAddressView {
  @ApiProperty({
    type: String,
    description:
      'E.164 phone number or email address; for postal, the protobuf-JSON of clement.common.v1.PostalAddress',
  })
  address!: string;

  @ApiProperty({ type: String, enum: ['mobile', 'landline', 'email', 'postal'] })
  kind!: ContactPointKindName;

  @ApiProperty({ type: String, description: 'The data key the address is stored under' })
  keyId!: string;
}

export type ResolutionOutcome = ContactAddressResult['outcome'] | 'other_tenant';

/**
 * The plaintext address of one contact point, for dispatch-service at send time: it holds
 * addresses only encrypted, and only case-service holds the data keys (ADR 0011). Machine callers
 * only; nothing here logs the address, and the answer must not be cached on the way.
 */
@ApiTags('internal')
@StaffApi()
@Controller('internal/v1/contact-addresses')
export class ContactAddressesController {
  // No tenant or debtor labels: cardinality, and they would say who is being contacted.
  private readonly resolutions = metrics
    .getMeter('case-service')
    .createCounter('case.contact_addresses.resolutions', {
      description: 'Contact-point addresses resolved for other services, by outcome',
    });

  constructor(@Inject(ContactAddresses) private readonly addresses: ContactAddresses) {}

  @Post('resolve')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Roles('contact-resolver')
  @ApiOperation({ summary: "Decrypts one contact point's address (role contact-resolver)" })
  @ApiOkResponse({ type: ContactAddressView })
  @ApiNotFoundResponse({
    description: 'debtor.not_found or contact_point.not_found',
    type: ErrorBodySchema,
  })
  @ApiGoneResponse({
    description: 'debtor.erased: the data key is destroyed',
    type: ErrorBodySchema,
  })
  async resolve(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(ResolveContactAddressRequest) body: ResolveContactAddressRequest,
  ): Promise<ContactAddressView> {
    // A token bound to a tenant reaches only that tenant; another's debtor is 404, never 403.
    if (principal.tenantId !== null && principal.tenantId !== body.tenantId) {
      this.count('other_tenant');
      throw debtorNotFound(body.debtorId);
    }
    const result = await this.addresses.resolve(
      TenantScope.of(body.tenantId),
      body.debtorId,
      body.contactPointId,
    );
    this.count(result.outcome);
    switch (result.outcome) {
      case 'found':
        return { address: result.address, kind: result.kind, keyId: result.keyId };
      case 'debtor_not_found':
        throw debtorNotFound(body.debtorId);
      case 'contact_point_not_found':
        throw new NotFoundException(
          errorBody(
            404,
            'contact_point.not_found',
            `contact point ${body.contactPointId} not found`,
          ),
        );
      case 'erased':
        throw new GoneException(
          errorBody(410, 'debtor.erased', `debtor ${body.debtorId} was erased`),
        );
    }
  }

  private count(outcome: ResolutionOutcome): void {
    this.resolutions.add(1, { outcome });
  }
}

function debtorNotFound(debtorId: string): NotFoundException {
  return new NotFoundException(errorBody(404, 'debtor.not_found', `debtor ${debtorId} not found`));
}
