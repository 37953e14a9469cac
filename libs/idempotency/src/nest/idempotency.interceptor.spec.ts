import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Global,
  HttpCode,
  type INestApplication,
  Module,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiProperty } from '@nestjs/swagger';
import {
  AuthModule,
  configureHttp,
  errorBody,
  type ErrorBody,
  mintToken,
  registerDomainErrorStatuses,
  Roles,
  StaffApi,
  ValidBody,
} from '@clement/staff-api';
import { IsInt, Min } from 'class-validator';
import { InMemoryIdempotencyRepository } from '../__fixtures__/in-memory-idempotency-repository';
import { resolveIdempotencySettings } from './idempotency-settings';
import { IDEMPOTENCY_REPOSITORY, IDEMPOTENCY_SETTINGS } from './idempotency.tokens';
import { Idempotent } from './idempotent.decorator';

const SECRET = 'idempotency-spec-secret-of-32-chars';
const LOCK_TIMEOUT_MS = 60_000;
const RETENTION_MS = 24 * 3_600_000;

/** A promise the test resolves: the handler waits on it. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

/** How often each route's handler ran; reset before each test. */
const calls: Record<string, number> = {};
const count = (route: string): number => (calls[route] = (calls[route] ?? 0) + 1);

/** Per refund id: the gate the handler waits on, and a signal that it has started. */
const refundGates = new Map<string, { gate: Gate; started: Gate }>();

class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class AmountDto {
  @ApiProperty({ type: Number })
  @IsInt()
  @Min(1)
  amount!: number;
}

registerDomainErrorStatuses({ 'payment.not_refundable': 409 });

@StaffApi()
@Roles('agent')
@Controller('payments')
class PaymentsController {
  @Post()
  @Idempotent()
  create(@Body() body: Record<string, unknown>): object {
    const n = count('create');
    return { id: `p-${n}`, amount: body['amount'], status: 'pending', run: n };
  }

  @Post(':id/refunds')
  @Idempotent()
  async refund(@Param('id') id: string): Promise<object> {
    const n = count('refund');
    const gates = refundGates.get(id);
    if (gates) {
      gates.started.open();
      await gates.gate.opened;
    }
    return { refund: `r-${n}`, payment: id };
  }

  @Post('declined')
  @Idempotent()
  declined(): never {
    count('declined');
    throw new BadRequestException(
      errorBody(400, 'payment.amount_too_large', 'The amount exceeds the balance'),
    );
  }

  @Post('missing')
  @Idempotent()
  missing(): never {
    count('missing');
    throw new NotFoundException();
  }

  @Post('not-refundable')
  @Idempotent()
  notRefundable(): never {
    count('not-refundable');
    throw new DomainError('payment.not_refundable', 'The payment is not refundable');
  }

  @Post('crash')
  @Idempotent()
  crash(): never {
    if (count('crash') === 1) throw new Error('connection reset');
    return undefined as never;
  }

  @Post('unavailable')
  @Idempotent()
  unavailable(): object {
    if (count('unavailable') === 1) throw new ServiceUnavailableException();
    return { ok: true };
  }

  @Post('validated')
  @Idempotent()
  validated(@ValidBody(AmountDto) body: AmountDto): object {
    count('validated');
    return { amount: body.amount };
  }

  @Delete(':id')
  @HttpCode(204)
  @Idempotent()
  cancel(): void {
    count('cancel');
  }
}

describe('IdempotencyInterceptor (in-memory repository)', () => {
  let app: INestApplication;
  let baseUrl: string;
  let now: Date;
  const repository = new InMemoryIdempotencyRepository();
  const tokens = { tenant1: '', tenant2: '', admin: '' };

  @Global()
  @Module({
    providers: [
      { provide: IDEMPOTENCY_REPOSITORY, useValue: repository },
      {
        provide: IDEMPOTENCY_SETTINGS,
        useValue: resolveIdempotencySettings({
          lockTimeoutMs: LOCK_TIMEOUT_MS,
          retentionMs: RETENTION_MS,
          purgeIntervalMs: 0,
          clock: () => now,
        }),
      },
    ],
    exports: [IDEMPOTENCY_REPOSITORY, IDEMPOTENCY_SETTINGS],
  })
  class FakeIdempotencyModule {}

  @Module({
    imports: [AuthModule.forRoot({ sharedSecret: SECRET }), FakeIdempotencyModule],
    controllers: [PaymentsController],
  })
  class SpecAppModule {}

  beforeAll(async () => {
    app = await NestFactory.create(SpecAppModule, { logger: false });
    configureHttp(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    tokens.tenant1 = await mintToken(SECRET, { subject: 'a', tenantId: 't-1', roles: ['agent'] });
    tokens.tenant2 = await mintToken(SECRET, { subject: 'b', tenantId: 't-2', roles: ['agent'] });
    tokens.admin = await mintToken(SECRET, { subject: 'c', roles: ['platform-admin', 'agent'] });
  });

  afterAll(() => app?.close());

  beforeEach(() => {
    now = new Date('2026-11-30T10:00:00.000Z');
    repository.records.clear();
    refundGates.clear();
    for (const route of Object.keys(calls)) delete calls[route];
  });

  interface CallOptions {
    key?: string | null;
    body?: unknown;
    method?: string;
    token?: string;
  }

  const call = (path: string, options: CallOptions = {}): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'POST',
      headers: {
        authorization: `Bearer ${options.token ?? tokens.tenant1}`,
        'content-type': 'application/json',
        ...(options.key === null ? {} : { 'idempotency-key': options.key ?? 'key-1' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });

  const advance = (ms: number) => (now = new Date(now.getTime() + ms));

  const holdRefund = (id: string) => {
    const gates = { gate: new Gate(), started: new Gate() };
    refundGates.set(id, gates);
    return gates;
  };

  describe('the same request again', () => {
    it('replays status and body without running the handler again', async () => {
      const first = await call('/payments', { body: { amount: 1250, currency: 'EUR' } });
      const firstText = await first.text();
      const again = await call('/payments', { body: { currency: 'EUR', amount: 1250 } });

      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('content-type')).toMatch(/application\/json/);
      // Byte for byte, property order included.
      await expect(again.text()).resolves.toBe(firstText);
      expect(JSON.parse(firstText)).toEqual({ id: 'p-1', amount: 1250, status: 'pending', run: 1 });
      expect(calls['create']).toBe(1);
    });

    it('replays an empty 204', async () => {
      const first = await call('/payments/p-1', { method: 'DELETE' });
      const again = await call('/payments/p-1', { method: 'DELETE' });

      expect([first.status, again.status]).toEqual([204, 204]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      await expect(again.text()).resolves.toBe('');
      expect(calls['cancel']).toBe(1);
    });
  });

  describe('another request under the same key', () => {
    it('answers 422 for another body or another path, without running the handler', async () => {
      await call('/payments', { body: { amount: 1250 } });

      const otherBody = await call('/payments', { body: { amount: 1251 } });
      const otherPath = await call('/payments/p-1/refunds', { body: { amount: 1250 } });

      expect(otherBody.status).toBe(422);
      await expect(otherBody.json()).resolves.toEqual({
        statusCode: 422,
        error: 'Unprocessable Entity',
        code: 'idempotency_key.reused',
        message:
          'This Idempotency-Key was already used for another request; use a new key for a new request',
      });
      expect(otherPath.status).toBe(422);
      expect(calls['create']).toBe(1);
      expect(calls['refund']).toBeUndefined();
    });

    it('answers 422 while the first request still runs', async () => {
      const { gate, started } = holdRefund('p-1');
      const first = call('/payments/p-1/refunds', { body: { amount: 100 } });
      await started.opened;

      const other = await call('/payments/p-1/refunds', { body: { amount: 200 } });
      gate.open();

      expect(other.status).toBe(422);
      expect((await first).status).toBe(201);
      expect(calls['refund']).toBe(1);
    });
  });

  describe('the same request while the first still runs', () => {
    it('answers 409 with Retry-After, then replays once the first is done', async () => {
      const { gate, started } = holdRefund('p-1');
      const first = call('/payments/p-1/refunds', { body: { amount: 100 } });
      await started.opened;

      const twin = await call('/payments/p-1/refunds', { body: { amount: 100 } });

      expect(twin.status).toBe(409);
      expect(twin.headers.get('retry-after')).toBe('1');
      await expect(twin.json()).resolves.toMatchObject({
        statusCode: 409,
        code: 'idempotency_key.in_progress',
      });

      gate.open();
      const firstBody: unknown = await (await first).json();
      const retry = await call('/payments/p-1/refunds', { body: { amount: 100 } });

      expect(retry.status).toBe(201);
      await expect(retry.json()).resolves.toEqual(firstBody);
      expect(calls['refund']).toBe(1);
    });

    it('lets a retry take over a claim older than the lock timeout', async () => {
      const { gate, started } = holdRefund('p-1');
      const stuck = call('/payments/p-1/refunds', { body: { amount: 100 } });
      await started.opened;
      refundGates.delete('p-1');

      advance(LOCK_TIMEOUT_MS - 1);
      expect((await call('/payments/p-1/refunds', { body: { amount: 100 } })).status).toBe(409);

      advance(1);
      const takeover = await call('/payments/p-1/refunds', { body: { amount: 100 } });
      expect(takeover.status).toBe(201);
      await expect(takeover.json()).resolves.toEqual({ refund: 'r-2', payment: 'p-1' });

      // The first claim finishes late: its client gets its answer, the store keeps the takeover's.
      gate.open();
      await expect((await stuck).json()).resolves.toEqual({ refund: 'r-1', payment: 'p-1' });
      const replay = await call('/payments/p-1/refunds', { body: { amount: 100 } });
      await expect(replay.json()).resolves.toEqual({ refund: 'r-2', payment: 'p-1' });
      expect(calls['refund']).toBe(2);
    });
  });

  describe('errors', () => {
    it('stores a 4xx and replays it like a success', async () => {
      const first = await call('/payments/declined');
      const again = await call('/payments/declined');
      const expected: ErrorBody = {
        statusCode: 400,
        error: 'Bad Request',
        code: 'payment.amount_too_large',
        message: 'The amount exceeds the balance',
      };

      expect(first.status).toBe(400);
      await expect(first.json()).resolves.toEqual(expected);
      expect(again.status).toBe(400);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      await expect(again.json()).resolves.toEqual(expected);
      expect(calls['declined']).toBe(1);
    });

    it('stores the body the error filter makes of a bare HTTP exception', async () => {
      const first = await call('/payments/missing');
      const firstBody: unknown = await first.json();
      const again = await call('/payments/missing');

      expect(firstBody).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'not_found',
        message: 'Not Found',
      });
      expect(again.status).toBe(404);
      await expect(again.json()).resolves.toEqual(firstBody);
      expect(calls['missing']).toBe(1);
    });

    it('stores a domain error the service maps to a 4xx', async () => {
      const first = await call('/payments/not-refundable');
      const again = await call('/payments/not-refundable');

      expect([first.status, again.status]).toEqual([409, 409]);
      await expect(again.json()).resolves.toEqual({
        statusCode: 409,
        error: 'Conflict',
        code: 'payment.not_refundable',
        message: 'The payment is not refundable',
      });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(calls['not-refundable']).toBe(1);
    });

    it('releases the key after an unexpected error or a 5xx, so a retry runs again', async () => {
      const crashed = await call('/payments/crash', { key: 'crash-1' });
      expect(crashed.status).toBe(500);
      expect(repository.records.size).toBe(0);
      expect((await call('/payments/crash', { key: 'crash-1' })).status).toBe(201);
      expect(calls['crash']).toBe(2);

      const unavailable = await call('/payments/unavailable', { key: 'unavailable-1' });
      expect(unavailable.status).toBe(503);
      const retried = await call('/payments/unavailable', { key: 'unavailable-1' });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(calls['unavailable']).toBe(2);
    });

    it('releases the key when the body fails validation, so the fixed body may use it', async () => {
      const invalid = await call('/payments/validated', { body: { amount: 0 } });
      const fixed = await call('/payments/validated', { body: { amount: 5 } });

      expect(invalid.status).toBe(400);
      await expect(invalid.json()).resolves.toMatchObject({ code: 'validation_failed' });
      expect(fixed.status).toBe(201);
      await expect(fixed.json()).resolves.toEqual({ amount: 5 });
    });

    it('answers the client even when its answer cannot be stored; retries get 409', async () => {
      const failing = jest
        .spyOn(repository, 'complete')
        .mockRejectedValueOnce(new Error('database is gone'));
      try {
        const first = await call('/payments', { body: { amount: 1 } });
        expect(first.status).toBe(201);
        expect((await call('/payments', { body: { amount: 1 } })).status).toBe(409);
      } finally {
        failing.mockRestore();
      }
    });
  });

  describe('the key', () => {
    it('is required', async () => {
      const response = await call('/payments', { key: null, body: { amount: 1 } });

      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'idempotency_key.missing',
        message: 'The Idempotency-Key header is required',
      });
      expect(calls['create']).toBeUndefined();
    });

    it('must be 1-255 visible ASCII characters', async () => {
      const tooLong = await call('/payments', { key: 'k'.repeat(256), body: { amount: 1 } });
      const spaced = await call('/payments', { key: 'two words', body: { amount: 1 } });

      expect(tooLong.status).toBe(400);
      await expect(tooLong.json()).resolves.toMatchObject({
        code: 'idempotency_key.invalid',
        message: 'The Idempotency-Key header is longer than 255 characters',
      });
      expect(spaced.status).toBe(400);
      await expect(spaced.json()).resolves.toMatchObject({ code: 'idempotency_key.invalid' });
      expect(calls['create']).toBeUndefined();
    });

    it('belongs to a tenant: another tenant may use the same key', async () => {
      const tenant1 = await call('/payments', { body: { amount: 1 } });
      const tenant2 = await call('/payments', { body: { amount: 2 }, token: tokens.tenant2 });

      expect([tenant1.status, tenant2.status]).toEqual([201, 201]);
      expect(tenant2.headers.get('idempotent-replayed')).toBeNull();
      await expect(tenant2.json()).resolves.toMatchObject({ amount: 2, run: 2 });
    });

    it('needs a tenant-scoped token', async () => {
      const response = await call('/payments', { body: { amount: 1 }, token: tokens.admin });

      expect(response.status).toBe(403);
      await expect(response.json()).resolves.toMatchObject({ code: 'auth.tenant_required' });
      expect(calls['create']).toBeUndefined();
    });

    it('is forgotten after the retention: then it may serve another request', async () => {
      await call('/payments', { body: { amount: 1 } });
      advance(RETENTION_MS - 1);
      expect((await call('/payments', { body: { amount: 2 } })).status).toBe(422);

      advance(1);
      const reused = await call('/payments', { body: { amount: 2 } });

      expect(reused.status).toBe(201);
      await expect(reused.json()).resolves.toMatchObject({ amount: 2, run: 2 });
    });
  });
});
