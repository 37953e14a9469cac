import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  ErrorBodySchema,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
  ValidBody,
  ValidQuery,
} from '@clement/staff-api';
import { TenantScope } from '../tenancy/tenant-scope';
import { CaseCommands, staffActor } from './case-commands';
import { CaseQueries } from './case-queries';
import { rangeOf } from './domain/days-past-due';
import { categoryFromApi, holdKindFromApi } from './dto/api-vocabulary';
import {
  AddNoteRequest,
  FlagVulnerabilityRequest,
  ListCasesQuery,
  PlaceHoldRequest,
  ResolveCaseRequest,
} from './dto/case-requests';
import { caseDetailView, caseSummaryView, historyView, holdView } from './dto/case-views';
import { decodeCursor, encodeCursor } from './list-cursor';

const uuid = new ParseUUIDPipe();

/** Staff API for cases. Thin: validated input → command or query → view. */
@ApiTags('cases')
@StaffApi()
@ApiNotFoundResponse({ description: 'No such case for your tenant', type: ErrorBodySchema })
@Controller('v1/cases')
export class CasesController {
  constructor(
    @Inject(CaseQueries) private readonly queries: CaseQueries,
    @Inject(CaseCommands) private readonly commands: CaseCommands,
  ) {}

  @Get()
  @Roles('agent', 'auditor', 'strategy-admin')
  async list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ListCasesQuery) query: ListCasesQuery,
  ) {
    const scope = TenantScope.of(requireTenant(principal));
    const limit = query.limit ?? 50;
    const range = query.dpdBucket ? rangeOf(query.dpdBucket) : undefined;
    const cases = await this.queries.list(scope, {
      status: query.status,
      minDaysPastDue: range?.min,
      maxDaysPastDue: range?.max,
      minBalanceMinor: query.minBalanceMinor ? BigInt(query.minBalanceMinor) : undefined,
      maxBalanceMinor: query.maxBalanceMinor ? BigInt(query.maxBalanceMinor) : undefined,
      vulnerable: query.vulnerable,
      onHold: query.onHold,
      accountReference: query.accountReference,
      limit,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const last = cases.length === limit ? cases[cases.length - 1] : undefined;
    return {
      items: cases.map(caseSummaryView),
      nextCursor: last ? encodeCursor({ openedAt: last.openedAt, id: last.id }) : null,
    };
  }

  @Get(':caseId')
  @Roles('agent', 'auditor', 'strategy-admin')
  async detail(@CurrentPrincipal() principal: Principal, @Param('caseId', uuid) caseId: string) {
    const scope = TenantScope.of(requireTenant(principal));
    return caseDetailView(await this.queries.detail(scope, caseId));
  }

  @Get(':caseId/history')
  @Roles('agent', 'auditor', 'strategy-admin')
  async history(@CurrentPrincipal() principal: Principal, @Param('caseId', uuid) caseId: string) {
    const scope = TenantScope.of(requireTenant(principal));
    return { items: (await this.queries.history(scope, caseId)).map(historyView) };
  }

  @Post(':caseId/holds')
  @Roles('agent')
  async placeHold(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', uuid) caseId: string,
    @ValidBody(PlaceHoldRequest) body: PlaceHoldRequest,
  ) {
    const scope = TenantScope.of(requireTenant(principal));
    const hold = await this.commands.placeHold(scope, staffActor(principal.subject), caseId, {
      kind: holdKindFromApi(body.kind),
      reason: body.reason ?? null,
      endsAt: body.endsAt ? new Date(body.endsAt) : null,
    });
    return holdView(hold);
  }

  @Post(':caseId/holds/:holdId/lift')
  @HttpCode(204)
  @Roles('agent')
  async liftHold(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', uuid) caseId: string,
    @Param('holdId', uuid) holdId: string,
  ): Promise<void> {
    const scope = TenantScope.of(requireTenant(principal));
    await this.commands.liftHold(scope, staffActor(principal.subject), caseId, holdId);
  }

  @Put(':caseId/vulnerability')
  @HttpCode(204)
  @Roles('agent')
  async flagVulnerability(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', uuid) caseId: string,
    @ValidBody(FlagVulnerabilityRequest) body: FlagVulnerabilityRequest,
  ): Promise<void> {
    const scope = TenantScope.of(requireTenant(principal));
    await this.commands.flagVulnerability(scope, staffActor(principal.subject), caseId, {
      categories: body.categories.map(categoryFromApi),
      reviewDate: body.reviewDate ?? null,
    });
  }

  @Post(':caseId/notes')
  @Roles('agent')
  async addNote(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', uuid) caseId: string,
    @ValidBody(AddNoteRequest) body: AddNoteRequest,
  ) {
    const scope = TenantScope.of(requireTenant(principal));
    const note = await this.commands.addNote(
      scope,
      staffActor(principal.subject),
      caseId,
      body.body,
    );
    return { id: note.id, createdAt: note.createdAt.toISOString() };
  }

  @Post(':caseId/resolve')
  @HttpCode(200)
  @Roles('agent')
  async resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', uuid) caseId: string,
    @ValidBody(ResolveCaseRequest) body: ResolveCaseRequest,
  ) {
    const scope = TenantScope.of(requireTenant(principal));
    const record = await this.commands.resolve(
      scope,
      staffActor(principal.subject),
      caseId,
      body.resolution,
    );
    return {
      id: record.id,
      status: record.lifecycle.status,
      resolution: record.lifecycle.resolution,
    };
  }
}
