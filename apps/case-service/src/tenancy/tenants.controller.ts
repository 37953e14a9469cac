import { Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { errorBody, Roles, StaffApi, ValidBody } from '@clement/staff-api';
import { NotFoundException, BadRequestException } from '@nestjs/common';
import { TENANT_ID_PATTERN } from './tenant-scope';
import { TenantDirectory } from './tenant-directory';
import { TenantsRepository } from './tenants.repository';

export class PutTenantRequest {
  @ApiProperty({ type: String, description: 'The creditor as staff know it' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName!: string;

  @ApiPropertyOptional({
    type: Object,
    description: 'The creditor policy configuration (free-form for now)',
  })
  @IsOptional()
  @IsObject()
  policy?: Record<string, unknown>;
}

/** Tenants (creditors) are set up by platform administrators; integrators publish as one. */
@ApiTags('tenants')
@StaffApi()
@Controller('v1/admin/tenants')
export class TenantsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TenantsRepository) private readonly tenants: TenantsRepository,
    @Inject(TenantDirectory) private readonly directory: TenantDirectory,
  ) {}

  @Put(':tenantId')
  @Roles('platform-admin')
  async put(
    @Param('tenantId') tenantId: string,
    @ValidBody(PutTenantRequest) body: PutTenantRequest,
  ) {
    assertTenantId(tenantId);
    const tenant = { id: tenantId, displayName: body.displayName, policy: body.policy ?? {} };
    const { created } = await this.tenants.upsert(this.dataSource.manager, tenant);
    this.directory.forget(tenantId);
    return { ...tenant, created };
  }

  @Get(':tenantId')
  @Roles('platform-admin')
  async get(@Param('tenantId') tenantId: string) {
    assertTenantId(tenantId);
    const tenant = await this.tenants.find(this.dataSource.manager, tenantId);
    if (!tenant) {
      throw new NotFoundException(
        errorBody(404, 'tenant.not_found', `tenant ${tenantId} not found`),
      );
    }
    return tenant;
  }
}

function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new BadRequestException(
      errorBody(400, 'validation_failed', 'Request validation failed', [
        { field: 'tenantId', reason: 'must be lower-case letters, digits and hyphens (2–63)' },
      ]),
    );
  }
}
