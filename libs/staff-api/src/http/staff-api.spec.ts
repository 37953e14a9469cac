import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  Body,
  Controller,
  Get,
  type INestApplication,
  type LoggerService,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { AuthModule } from '../auth/auth.module';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { mintToken } from '../auth/dev-token';
import type { Principal } from '../auth/principal';
import { requireTenant } from '../auth/require-tenant';
import { Roles } from '../auth/roles.decorator';
import { StaffApi } from '../auth/staff-api.decorator';
import { configureHttp, setupOpenApi } from './configure-http';
import { DOMAIN_ERROR_STATUS, registerDomainErrorStatuses } from './domain-error-status';
import type { ErrorBody } from './error-body';
import { ValidBody } from './validation';

const SECRET = 'staff-api-spec-secret-of-32-chars!';
const ISSUER = 'https://id.clement.test';

/** Stands in for the domain's error class, which the HTTP layer only knows by shape. */
class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class AccountDto {
  @ApiProperty({ type: Number })
  @IsInt()
  @Min(1)
  amount!: number;

  @ApiProperty({ type: String })
  @IsString()
  currency!: string;
}

class OpenCaseDto {
  @ApiProperty({ type: String })
  @IsString()
  @IsNotEmpty()
  debtorId!: string;

  @ApiProperty({ type: AccountDto, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => AccountDto)
  accounts!: AccountDto[];
}

@StaffApi()
@Roles('agent', 'auditor')
@Controller('cases')
class CasesController {
  @Get(':id')
  read(@Param('id') id: string, @CurrentPrincipal() principal: Principal): object {
    switch (id) {
      case 'missing':
        throw new DomainError('case.not_found', `case ${id} not found`);
      case 'closed':
        throw new DomainError('case.illegal_transition', 'a closed case cannot be escalated');
      case 'unmapped':
        throw new DomainError('case.brand_new_code', 'nobody mapped this');
      case 'boom':
        throw new Error('connection to db failed: password=hunter2');
      default:
        return { id, tenantId: requireTenant(principal), subject: principal.subject };
    }
  }

  /** Validation through the global pipe, which relies on design-type metadata. */
  @Post()
  @Roles('agent')
  open(@Body() body: OpenCaseDto): object {
    return { opened: body instanceof OpenCaseDto, accounts: body.accounts.length };
  }

  /** `Record` gives Object as design type, as if compiled by tsx: only ValidBody validates. */
  @Post('untyped')
  @Roles('agent')
  openUntyped(@ValidBody(OpenCaseDto) body: Record<string, unknown>): object {
    return { opened: body instanceof OpenCaseDto };
  }
}

@StaffApi()
@Controller('unannotated')
class UnannotatedController {
  @Get()
  read(): object {
    return { reached: true };
  }
}

@Controller('public')
class PublicController {
  @Get()
  read(): object {
    return { public: true };
  }
}

registerDomainErrorStatuses({ 'case.not_found': 404, 'case.illegal_transition': 409 });

@Module({
  imports: [AuthModule.forRoot({ sharedSecret: SECRET, issuer: ISSUER })],
  controllers: [CasesController, UnannotatedController, PublicController],
})
class SpecAppModule {}

class CapturingLogger implements LoggerService {
  readonly errors: string[] = [];
  readonly other: string[] = [];
  log(message: unknown): void {
    this.other.push(String(message));
  }
  warn(message: unknown): void {
    this.other.push(String(message));
  }
  error(...parts: unknown[]): void {
    this.errors.push(parts.map(String).join(' '));
  }
}

const validAccount = { amount: 1250, currency: 'EUR' };

describe('staff API: auth, error bodies and OpenAPI in a running app', () => {
  let app: INestApplication;
  let baseUrl: string;
  const logger = new CapturingLogger();
  const tokens: Record<'agent' | 'auditor' | 'integrator' | 'admin' | 'wrongSecret', string> = {
    agent: '',
    auditor: '',
    integrator: '',
    admin: '',
    wrongSecret: '',
  };

  beforeAll(async () => {
    app = await NestFactory.create(SpecAppModule, { logger });
    configureHttp(app);
    setupOpenApi(app, { title: 'case-service', version: '1.0.0' });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const claims = { subject: 'alice', tenantId: 'tenant-1', issuer: ISSUER };
    tokens.agent = await mintToken(SECRET, { ...claims, roles: ['agent'] });
    tokens.auditor = await mintToken(SECRET, { ...claims, roles: ['auditor'] });
    tokens.integrator = await mintToken(SECRET, { ...claims, roles: ['integrator'] });
    tokens.admin = await mintToken(SECRET, {
      ...claims,
      tenantId: undefined,
      roles: ['platform-admin', 'agent'],
    });
    tokens.wrongSecret = await mintToken('some-other-secret-of-32-characters', {
      ...claims,
      roles: ['agent'],
    });
  });

  afterAll(() => app?.close());

  const call = (
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string } = {},
  ): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method: options.body === undefined && options.rawBody === undefined ? 'GET' : 'POST',
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        'content-type': 'application/json',
      },
      body:
        options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });

  const errorOf = async (response: Response): Promise<ErrorBody> =>
    (await response.json()) as ErrorBody;

  describe('authentication', () => {
    it('answers 401 without a token, with a bare Bearer challenge', async () => {
      const response = await call('/cases/c-1');

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      await expect(errorOf(response)).resolves.toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'auth.missing_token',
        message: 'A bearer token is required',
      });
    });

    it('answers 401 invalid_token for a token signed with another secret, without echoing it', async () => {
      const response = await call('/cases/c-1', { token: tokens.wrongSecret });
      const text = await response.text();

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token", error_description="signature verification failed"',
      );
      expect(JSON.parse(text)).toMatchObject({ code: 'auth.invalid_token', statusCode: 401 });
      expect(text).not.toContain(tokens.wrongSecret);
    });

    it('answers 401 for a non-Bearer scheme and for garbage', async () => {
      const basic = await fetch(`${baseUrl}/cases/c-1`, {
        headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
      });
      const garbage = await call('/cases/c-1', { token: 'garbage' });

      expect(basic.status).toBe(401);
      expect(garbage.status).toBe(401);
      await expect(errorOf(garbage)).resolves.toMatchObject({
        message: 'Invalid bearer token: malformed token',
      });
    });

    it('lets a token with an allowed role through, principal and tenant available', async () => {
      const response = await call('/cases/c-1', { token: tokens.auditor });

      expect(response.status).toBe(200);
      await expect(response.json()).resolves.toEqual({
        id: 'c-1',
        tenantId: 'tenant-1',
        subject: 'alice',
      });
    });

    it('leaves routes without @StaffApi() public', async () => {
      const response = await call('/public');

      expect(response.status).toBe(200);
    });
  });

  describe('authorisation', () => {
    it('answers 403 when the token lacks every allowed role', async () => {
      const response = await call('/cases/c-1', { token: tokens.integrator });

      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
      await expect(errorOf(response)).resolves.toEqual({
        statusCode: 403,
        error: 'Forbidden',
        code: 'auth.forbidden',
        message: 'Requires one of the roles: agent, auditor',
      });
    });

    it("uses the handler's @Roles over the controller's", async () => {
      const response = await call('/cases', {
        token: tokens.auditor,
        body: { debtorId: 'd-1', accounts: [validAccount] },
      });

      expect(response.status).toBe(403);
    });

    it('refuses a guarded route that declares no roles (fails closed)', async () => {
      const response = await call('/unannotated', { token: tokens.agent });

      expect(response.status).toBe(403);
    });

    it('refuses a tenant-scoped operation to a token without a tenant', async () => {
      const response = await call('/cases/c-1', { token: tokens.admin });

      expect(response.status).toBe(403);
      await expect(errorOf(response)).resolves.toMatchObject({ code: 'auth.tenant_required' });
    });
  });

  describe('validation', () => {
    it.each([
      ['with design-type metadata (global pipe)', '/cases'],
      ['without metadata (ValidBody)', '/cases/untyped'],
    ])('answers 400 with nested field errors %s', async (_, path) => {
      const response = await call(path, {
        token: tokens.agent,
        body: {
          debtorId: '',
          accounts: [validAccount, { amount: 12.5, currency: 'EUR', iban: 'DE00' }],
          extra: true,
        },
      });
      const body = await errorOf(response);

      expect(response.status).toBe(400);
      expect(body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'validation_failed',
        message: 'Request validation failed',
      });
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { field: 'debtorId', reason: 'debtorId should not be empty' },
          { field: 'accounts[1].amount', reason: 'amount must be an integer number' },
          { field: 'accounts[1].iban', reason: 'property iban should not exist' },
          { field: 'extra', reason: 'property extra should not exist' },
        ]),
      );
      expect(JSON.stringify(body)).not.toContain('DE00');
    });

    it.each([
      ['/cases', { opened: true, accounts: 1 }],
      ['/cases/untyped', { opened: true }],
    ])('passes a valid body to %s as a DTO instance', async (path, expected) => {
      const response = await call(path, {
        token: tokens.agent,
        body: { debtorId: 'd-1', accounts: [validAccount] },
      });

      expect(response.status).toBe(201);
      await expect(response.json()).resolves.toEqual(expected);
    });

    it('answers malformed JSON with the same body shape', async () => {
      const response = await call('/cases', { token: tokens.agent, rawBody: '{"debtorId":' });

      expect(response.status).toBe(400);
      await expect(errorOf(response)).resolves.toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'bad_request',
      });
    });
  });

  describe('domain and unexpected errors', () => {
    it('maps case.not_found to 404 with its code and message', async () => {
      const response = await call('/cases/missing', { token: tokens.agent });

      expect(response.status).toBe(404);
      await expect(errorOf(response)).resolves.toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'case.not_found',
        message: 'case missing not found',
      });
    });

    it('maps case.illegal_transition to 409', async () => {
      const response = await call('/cases/closed', { token: tokens.agent });

      expect(response.status).toBe(409);
      await expect(errorOf(response)).resolves.toMatchObject({
        error: 'Conflict',
        code: 'case.illegal_transition',
      });
    });

    it('uses a code the caller added to DOMAIN_ERROR_STATUS', async () => {
      DOMAIN_ERROR_STATUS['case.brand_new_code'] = 422;
      try {
        const response = await call('/cases/unmapped', { token: tokens.agent });

        expect(response.status).toBe(422);
        await expect(errorOf(response)).resolves.toMatchObject({ code: 'case.brand_new_code' });
      } finally {
        delete DOMAIN_ERROR_STATUS['case.brand_new_code'];
      }
    });

    it('answers an unmapped domain code with a generic 500', async () => {
      const response = await call('/cases/unmapped', { token: tokens.agent });

      expect(response.status).toBe(500);
      await expect(errorOf(response)).resolves.toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        code: 'internal_error',
        message: 'An unexpected error occurred',
      });
    });

    it('hides an unexpected error from the caller and logs it without the query string', async () => {
      const response = await call('/cases/boom?email=ada@example.com', { token: tokens.agent });
      const text = await response.text();

      expect(response.status).toBe(500);
      expect(text).not.toContain('hunter2');
      const logged = logger.errors.find((line) => line.includes('GET /cases/boom'));
      expect(logged).toContain('connection to db failed');
      expect(logger.errors.join('\n')).not.toContain('ada@example.com');
    });

    it('answers an unknown route with the same body shape', async () => {
      const response = await call('/nowhere');

      expect(response.status).toBe(404);
      await expect(errorOf(response)).resolves.toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'not_found',
        message: 'Cannot GET /nowhere',
      });
    });
  });

  describe('OpenAPI', () => {
    it('serves the document with the bearer scheme on staff routes', async () => {
      const response = await call('/docs-json');
      const document = (await response.json()) as {
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
        paths: Record<string, Record<string, { security?: unknown; responses: object }>>;
      };

      expect(response.status).toBe(200);
      expect(document.components.securitySchemes['bearer']).toEqual({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
      const read = document.paths['/cases/{id}']!['get']!;
      expect(read.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(read.responses)).toEqual(expect.arrayContaining(['401', '403']));
      expect(document.paths['/cases/untyped']!['post']).toMatchObject({
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/OpenCaseDto' } } },
        },
      });
      expect(document.components.schemas).toHaveProperty('ErrorBodySchema');
    });

    it('serves Swagger UI without a token', async () => {
      const response = await call('/docs');

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    });
  });
});
