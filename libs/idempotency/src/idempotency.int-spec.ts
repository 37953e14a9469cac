import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  BadRequestException,
  Body,
  Controller,
  type INestApplication,
  Inject,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { runMigrations, serviceDataSourceOptions } from '@clement/persistence';
import {
  AuthModule,
  configureHttp,
  errorBody,
  mintToken,
  Roles,
  StaffApi,
} from '@clement/staff-api';
import { eventually, uniqueName } from '@clement/testing';
import { DataSource } from 'typeorm';
import type { InProgressRecord } from './domain/idempotency-record';
import { requestFingerprint } from './domain/request-fingerprint';
import {
  IDEMPOTENCY_KEYS_TABLE,
  idempotencyMigrations,
} from './persistence/idempotency-migrations';
import {
  type IdempotencyRepository,
  PostgresIdempotencyRepository,
} from './persistence/idempotency.repository';
import { IdempotencyModule } from './nest/idempotency.module';
import { IDEMPOTENCY_REPOSITORY } from './nest/idempotency.tokens';
import { Idempotent } from './nest/idempotent.decorator';

const DATABASE_URL = process.env['DATABASE_URL'];
if (!DATABASE_URL) {
  throw new Error(
    'DATABASE_URL must point at the test PostgreSQL (set by the integration globalSetup)',
  );
}

const SECRET = 'idempotency-int-spec-secret-32-chars';
const SCHEMA = uniqueName('idempotency');
const LOCK_TIMEOUT_MS = 60_000;
const RETENTION_MS = 24 * 3_600_000;
const PURGE_INTERVAL_MS = 100;

/** A promise the test resolves: the handler waits on it. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

/** Refunds of these payments wait for their gate; `started` opens once the handler runs. */
const heldRefunds = new Map<string, { gate: Gate; started: Gate }>();

/** Each run of a handler leaves a row in `side_effects`: the rows count the runs. */
@StaffApi()
@Roles('agent')
@Controller('payments')
class PaymentsController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Post(':id/refunds')
  @Idempotent()
  async refund(@Param('id') payment: string, @Body() body: { amount: number }): Promise<object> {
    const held = heldRefunds.get(payment);
    if (held) {
      held.started.open();
      await held.gate.opened;
    }
    if (body.amount > 10_000) {
      await this.record(payment);
      throw new BadRequestException(
        errorBody(400, 'payment.amount_too_large', 'The refund exceeds the payment'),
      );
    }
    if (body.amount < 0) {
      await this.record(payment);
      throw new Error('the PSP connection was reset');
    }
    const run = await this.record(payment);
    return { refund: `r-${run}`, payment, amount: body.amount };
  }

  private async record(payment: string): Promise<number> {
    const rows: Array<{ id: number }> = await this.dataSource.query(
      `INSERT INTO "${SCHEMA}"."side_effects" ("payment") VALUES ($1) RETURNING "id"`,
      [payment],
    );
    return rows[0]!.id;
  }
}

describe('idempotency on PostgreSQL in a running Nest app', () => {
  let app: INestApplication;
  let baseUrl: string;
  let dataSource: DataSource;
  let repository: IdempotencyRepository;
  let now: Date;
  const tokens = { tenant1: '', tenant2: '' };

  @Module({
    imports: [
      TypeOrmModule.forRootAsync({
        useFactory: () => ({
          ...serviceDataSourceOptions({
            url: DATABASE_URL,
            schema: SCHEMA,
            migrations: idempotencyMigrations(SCHEMA),
          }),
          retryAttempts: 0,
        }),
      }),
      AuthModule.forRoot({ sharedSecret: SECRET }),
      IdempotencyModule.forRoot({
        schema: SCHEMA,
        lockTimeoutMs: LOCK_TIMEOUT_MS,
        retentionMs: RETENTION_MS,
        purgeIntervalMs: PURGE_INTERVAL_MS,
        clock: () => now,
      }),
    ],
    controllers: [PaymentsController],
  })
  class AppModule {}

  beforeAll(async () => {
    now = new Date('2026-11-30T10:00:00.000Z');
    app = await NestFactory.create(AppModule, { logger: false });
    configureHttp(app);
    dataSource = app.get(DataSource);
    await expect(runMigrations(dataSource)).resolves.toEqual([
      'CreateIdempotencyKeys1765150000000',
    ]);
    await dataSource.query(
      `CREATE TABLE "${SCHEMA}"."side_effects" ("id" serial PRIMARY KEY, "payment" text NOT NULL)`,
    );
    repository = app.get(IDEMPOTENCY_REPOSITORY);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    tokens.tenant1 = await mintToken(SECRET, { subject: 'a', tenantId: 't-1', roles: ['agent'] });
    tokens.tenant2 = await mintToken(SECRET, { subject: 'b', tenantId: 't-2', roles: ['agent'] });
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    }
    await app?.close();
  });

  beforeEach(() => {
    now = new Date('2026-11-30T10:00:00.000Z');
    heldRefunds.clear();
  });

  const refund = (
    payment: string,
    options: { key?: string | null; amount?: number; token?: string } = {},
  ): Promise<Response> =>
    fetch(`${baseUrl}/payments/${payment}/refunds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token ?? tokens.tenant1}`,
        'content-type': 'application/json',
        ...(options.key === null ? {} : { 'idempotency-key': options.key ?? `key-${payment}` }),
      },
      body: JSON.stringify({ amount: options.amount ?? 100 }),
    });

  const runsFor = async (payment: string): Promise<number> => {
    const rows: Array<{ runs: number }> = await dataSource.query(
      `SELECT count(*)::int AS "runs" FROM "${SCHEMA}"."side_effects" WHERE "payment" = $1`,
      [payment],
    );
    return rows[0]!.runs;
  };

  const keyRow = async (scope: string, key: string) => {
    const rows: Array<Record<string, unknown>> = await dataSource.query(
      `SELECT "status", "response_status", "response_body"
         FROM "${SCHEMA}"."${IDEMPOTENCY_KEYS_TABLE}" WHERE "scope" = $1 AND "key" = $2`,
      [scope, key],
    );
    return rows[0];
  };

  const hold = (payment: string) => {
    const held = { gate: new Gate(), started: new Gate() };
    heldRefunds.set(payment, held);
    return held;
  };

  it('answers the same key and body with the stored response; the handler runs once', async () => {
    const first = await refund('p-1', { amount: 250 });
    const firstText = await first.text();
    const again = await refund('p-1', { amount: 250 });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await expect(again.text()).resolves.toBe(firstText);
    expect(await runsFor('p-1')).toBe(1);
    await expect(keyRow('t-1', 'key-p-1')).resolves.toEqual({
      status: 'completed',
      response_status: 201,
      response_body: JSON.parse(firstText),
    });
  });

  it('answers 422 to the same key with another body', async () => {
    await refund('p-2', { amount: 100 });
    const other = await refund('p-2', { amount: 200 });

    expect(other.status).toBe(422);
    await expect(other.json()).resolves.toMatchObject({ code: 'idempotency_key.reused' });
    expect(await runsFor('p-2')).toBe(1);
  });

  it('answers 409 to the same request while the first handler still runs', async () => {
    const { gate, started } = hold('p-3');
    const first = refund('p-3');
    await started.opened;

    const twin = await refund('p-3');
    expect(twin.status).toBe(409);
    expect(twin.headers.get('retry-after')).toBe('1');
    await expect(twin.json()).resolves.toMatchObject({ code: 'idempotency_key.in_progress' });

    gate.open();
    expect((await first).status).toBe(201);
    expect((await refund('p-3')).headers.get('idempotent-replayed')).toBe('true');
    expect(await runsFor('p-3')).toBe(1);
  });

  it('runs the handler once when identical requests race', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => refund('p-4')));

    expect(await runsFor('p-4')).toBe(1);
    expect(
      responses
        .filter((response) => response.headers.get('idempotent-replayed') === null)
        .map((response) => response.status),
    ).toContain(201);
    for (const response of responses) expect([201, 409]).toContain(response.status);
  });

  it('stores a 4xx and replays it', async () => {
    const first = await refund('p-5', { amount: 50_000 });
    const again = await refund('p-5', { amount: 50_000 });
    const expected = {
      statusCode: 400,
      error: 'Bad Request',
      code: 'payment.amount_too_large',
      message: 'The refund exceeds the payment',
    };

    expect(first.status).toBe(400);
    await expect(first.json()).resolves.toEqual(expected);
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await expect(again.json()).resolves.toEqual(expected);
    expect(await runsFor('p-5')).toBe(1);
  });

  it('releases the key after a 5xx, so the retry runs the handler again', async () => {
    const failed = await refund('p-6', { amount: -1 });

    expect(failed.status).toBe(500);
    await expect(keyRow('t-1', 'key-p-6')).resolves.toBeUndefined();
    expect((await refund('p-6', { amount: -1 })).status).toBe(500);
    expect(await runsFor('p-6')).toBe(2);
  });

  it('answers 400 without a key, and runs nothing', async () => {
    const response = await refund('p-7', { key: null });

    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'idempotency_key.missing',
      message: 'The Idempotency-Key header is required',
    });
    expect(await runsFor('p-7')).toBe(0);
  });

  it('takes over a claim its process left behind once the lock timed out', async () => {
    const deadClaim: InProgressRecord = {
      scope: 't-1',
      key: 'key-p-8',
      fingerprint: requestFingerprint({
        method: 'POST',
        path: '/payments/p-8/refunds',
        body: { amount: 100 },
      }),
      status: 'in_progress',
      lockToken: '00000000-0000-4000-8000-000000000001',
      lockedAt: new Date(now.getTime() - LOCK_TIMEOUT_MS + 1_000),
      expiresAt: new Date(now.getTime() + RETENTION_MS),
    };
    await expect(repository.claim(deadClaim)).resolves.toBe(true);

    expect((await refund('p-8')).status).toBe(409);
    now = new Date(now.getTime() + 1_000);
    const retry = await refund('p-8');

    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await runsFor('p-8')).toBe(1);
    // The dead claim can no longer store anything.
    await expect(
      repository.complete(deadClaim, deadClaim.lockToken, { status: 500, body: {} }, now, now),
    ).resolves.toBe(false);
    await expect(keyRow('t-1', 'key-p-8')).resolves.toMatchObject({ response_status: 201 });
  });

  it('lets two tenants use the same key independently', async () => {
    const tenant1 = await refund('p-9', { key: 'shared-key', amount: 1 });
    const tenant2 = await refund('p-9', { key: 'shared-key', amount: 2, token: tokens.tenant2 });

    expect([tenant1.status, tenant2.status]).toEqual([201, 201]);
    expect(tenant2.headers.get('idempotent-replayed')).toBeNull();
    await expect(tenant2.json()).resolves.toMatchObject({ amount: 2 });
    expect(await runsFor('p-9')).toBe(2);
  });

  it('purges expired keys: purgeExpired directly, and the module on its timer', async () => {
    const start = now;
    const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000);
    await refund('p-10');
    now = at(1);
    await refund('p-11');
    // The module's purge runs with the app's clock: back at the start, it deletes none of these.
    now = start;

    const directly = new PostgresIdempotencyRepository(dataSource, SCHEMA);
    await expect(directly.purgeExpired(new Date(at(24).getTime() - 1))).resolves.toBe(0);
    // p-10 (and the other tests' keys) were answered at the start: they expire at 24 h.
    await expect(directly.purgeExpired(at(24))).resolves.toBeGreaterThanOrEqual(1);
    await expect(keyRow('t-1', 'key-p-10')).resolves.toBeUndefined();
    await expect(keyRow('t-1', 'key-p-11')).resolves.toBeDefined();

    // Once the app's clock passes p-11's expiry, a tick of the module's purge deletes it.
    now = at(25);
    await eventually(async () => expect(await keyRow('t-1', 'key-p-11')).toBeUndefined(), {
      timeoutMs: 5_000,
      intervalMs: 50,
    });
    // A purged key is free again.
    const reused = await refund('p-11', { amount: 7 });
    expect(reused.status).toBe(201);
    expect(await runsFor('p-11')).toBe(2);
  });
});
