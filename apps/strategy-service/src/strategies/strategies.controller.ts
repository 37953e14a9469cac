import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  type PipeTransform,
  Post,
} from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  ErrorBodySchema,
  errorBody,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
  ValidBody,
  VALIDATION_FAILED,
} from '@clement/staff-api';
import { STRATEGY_JSON_SCHEMA } from '@clement/strategy-engine';
import { InvalidStrategyDocumentError } from './domain/strategy-errors';
import { StrategyDocumentRequest } from './dto/strategy-requests';
import {
  activationView,
  activeView,
  overviewView,
  uploadedView,
  validationView,
  versionSummaryView,
  versionView,
} from './dto/strategy-views';
import { StrategyActivation } from './strategy-activation';
import { StrategyVersions } from './strategy-versions';

/** The id format of the published schema, bounded so it stays a sensible key. */
const STRATEGY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

class StrategyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!STRATEGY_ID.test(value)) {
      throw new BadRequestException(
        errorBody(400, VALIDATION_FAILED, 'Request validation failed', [
          {
            field: 'strategyId',
            reason: 'strategyId must be letters, digits, "_", "-" or "." (at most 100)',
          },
        ]),
      );
    }
    return value;
  }
}

const strategyIdParam = new StrategyIdPipe();
const versionParam = new ParseIntPipe();

/** An invalid document answers 400 with one entry per problem, `field` being its JSON pointer. */
function withProblems(error: unknown): unknown {
  if (error instanceof InvalidStrategyDocumentError) {
    return new BadRequestException(
      errorBody(
        400,
        error.code,
        error.message,
        error.problems.map((problem) => ({ field: problem.path, reason: problem.message })),
      ),
    );
  }
  return error;
}

/** Staff API for strategies as versioned data: upload, read (audit), validate, activate. */
@ApiTags('strategies')
@StaffApi()
@ApiNotFoundResponse({ description: 'No such strategy for your tenant', type: ErrorBodySchema })
@Controller('v1/strategies')
export class StrategiesController {
  constructor(
    @Inject(StrategyVersions) private readonly versions: StrategyVersions,
    @Inject(StrategyActivation) private readonly activation: StrategyActivation,
  ) {}

  @Post('validate')
  @HttpCode(200)
  @Roles('strategy-admin')
  validate(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(StrategyDocumentRequest) body: StrategyDocumentRequest,
  ) {
    requireTenant(principal);
    return validationView(this.versions.validate(body.document));
  }

  @Get()
  @Roles('strategy-admin', 'auditor')
  async list(@CurrentPrincipal() principal: Principal) {
    const strategies = await this.versions.list(requireTenant(principal));
    return { items: strategies.map(overviewView) };
  }

  @Get('active')
  @Roles('strategy-admin', 'auditor')
  async active(@CurrentPrincipal() principal: Principal) {
    return activeView(await this.activation.active(requireTenant(principal)));
  }

  @Post(':strategyId/versions')
  @Roles('strategy-admin')
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param('strategyId', strategyIdParam) strategyId: string,
    @ValidBody(StrategyDocumentRequest) body: StrategyDocumentRequest,
  ) {
    const tenantId = requireTenant(principal);
    try {
      return uploadedView(
        await this.versions.upload(tenantId, strategyId, body.document, principal.subject),
      );
    } catch (error) {
      throw withProblems(error);
    }
  }

  @Get(':strategyId/versions')
  @Roles('strategy-admin', 'auditor')
  async listVersions(
    @CurrentPrincipal() principal: Principal,
    @Param('strategyId', strategyIdParam) strategyId: string,
  ) {
    const versions = await this.versions.versions(requireTenant(principal), strategyId);
    return { strategyId, items: versions.map(versionSummaryView) };
  }

  @Get(':strategyId/versions/:version')
  @Roles('strategy-admin', 'auditor')
  async version(
    @CurrentPrincipal() principal: Principal,
    @Param('strategyId', strategyIdParam) strategyId: string,
    @Param('version', versionParam) version: number,
  ) {
    const tenantId = requireTenant(principal);
    return versionView(await this.versions.version(tenantId, strategyId, version));
  }

  @Post(':strategyId/versions/:version/activate')
  @HttpCode(200)
  @Roles('strategy-admin')
  async activate(
    @CurrentPrincipal() principal: Principal,
    @Param('strategyId', strategyIdParam) strategyId: string,
    @Param('version', versionParam) version: number,
  ) {
    const tenantId = requireTenant(principal);
    return activationView(
      await this.activation.activate(tenantId, strategyId, version, principal.subject),
    );
  }
}

/** The published JSON Schema of strategy documents; public, like any schema an editor fetches. */
@ApiTags('strategies')
@Controller('v1/strategies/schema')
export class StrategySchemaController {
  @Get()
  schema(): Readonly<Record<string, unknown>> {
    return STRATEGY_JSON_SCHEMA;
  }
}
