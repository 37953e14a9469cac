import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, configureHttp, mintToken } from '@clement/staff-api';
import { TenantScope } from '../tenancy/tenant-scope';
import { type ContactAddressResult, ContactAddresses } from './contact-addresses';
import { ContactAddressesController } from './contact-addresses.controller';

const SECRET = 'contact-addresses-spec-secret-0123456789';
const PHONE = '+447700900123';
const debtorId = randomUUID();
const contactPointId = randomUUID();

/** Stands in for the use case: answers by the ids asked for. */
const addresses = {
  resolve: jest.fn(
    async (scope: TenantScope, debtor: string, point: string): Promise<ContactAddressResult> => {
      if (scope.tenantId !== 'acme-bank' || debtor === 'unknown') {
        return { outcome: 'debtor_not_found' };
      }
      if (debtor !== debtorId) return { outcome: 'erased' };
      if (point !== contactPointId) return { outcome: 'contact_point_not_found' };
      return { outcome: 'found', address: PHONE, kind: 'mobile', keyId: 'dk_1' };
    },
  ),
};

@Module({
  imports: [AuthModule.forRoot({ sharedSecret: SECRET })],
  controllers: [ContactAddressesController],
  providers: [{ provide: ContactAddresses, useValue: addresses }],
})
class SpecModule {}

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...parts: unknown[]): void {
    this.lines.push(parts.map(String).join(' '));
  }
  warn(...parts: unknown[]): void {
    this.log(...parts);
  }
  error(...parts: unknown[]): void {
    this.log(...parts);
  }
}

describe('POST /internal/v1/contact-addresses/resolve', () => {
  let app: INestApplication;
  let baseUrl: string;
  const logger = new CapturingLogger();
  let resolver: string;
  let tenantBoundResolver: string;
  let agent: string;
  let admin: string;

  beforeAll(async () => {
    app = await NestFactory.create(SpecModule, { logger });
    configureHttp(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    resolver = await mintToken(SECRET, {
      subject: 'dispatch-service',
      roles: ['contact-resolver'],
    });
    tenantBoundResolver = await mintToken(SECRET, {
      subject: 'dispatch-service',
      tenantId: 'other-bank',
      roles: ['contact-resolver'],
    });
    agent = await mintToken(SECRET, { subject: 'alice', tenantId: 'acme-bank', roles: ['agent'] });
    admin = await mintToken(SECRET, { subject: 'root', roles: ['platform-admin'] });
  });

  afterAll(() => app?.close());

  const resolve = (body: unknown, token?: string): Promise<Response> =>
    fetch(`${baseUrl}/internal/v1/contact-addresses/resolve`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  const ids = { tenantId: 'acme-bank', debtorId, contactPointId };

  it('answers the address, uncacheable, to a contact resolver', async () => {
    const response = await resolve(ids, resolver);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    await expect(response.json()).resolves.toEqual({
      address: PHONE,
      kind: 'mobile',
      keyId: 'dk_1',
    });
    expect(addresses.resolve).toHaveBeenLastCalledWith(
      TenantScope.of('acme-bank'),
      debtorId,
      contactPointId,
    );
  });

  it.each([
    [{ ...ids, tenantId: 'other-bank' }, 'debtor.not_found'],
    [{ ...ids, debtorId: randomUUID() }, 'debtor.erased'],
    [{ ...ids, contactPointId: randomUUID() }, 'contact_point.not_found'],
  ])('answers an error body for %j', async (body, code) => {
    const response = await resolve(body, resolver);

    expect(response.status).toBe(code === 'debtor.erased' ? 410 : 404);
    await expect(response.json()).resolves.toMatchObject({
      statusCode: response.status,
      code,
    });
  });

  it("answers 404 to a tenant-bound resolver asking for another tenant's debtor", async () => {
    addresses.resolve.mockClear();
    const response = await resolve(ids, tenantBoundResolver);

    expect(response.status).toBe(404);
    await expect(response.json()).resolves.toMatchObject({ code: 'debtor.not_found' });
    expect(addresses.resolve).not.toHaveBeenCalled();
  });

  it('refuses staff (403) and callers without a token (401)', async () => {
    expect((await resolve(ids, agent)).status).toBe(403);
    expect((await resolve(ids, admin)).status).toBe(403);
    const anonymous = await resolve(ids);
    expect(anonymous.status).toBe(401);
    await expect(anonymous.json()).resolves.toMatchObject({ code: 'auth.missing_token' });
  });

  it('validates the ids and names the fields without echoing values', async () => {
    const response = await resolve(
      { tenantId: 'Acme Bank', debtorId: PHONE, contactPointId: 'x', extra: 1 },
      resolver,
    );

    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { field: string }[] };
    expect([...new Set(body.errors.map((error) => error.field))].sort()).toEqual([
      'contactPointId',
      'debtorId',
      'extra',
      'tenantId',
    ]);
    expect(JSON.stringify(body)).not.toContain(PHONE);
  });

  it('never logs the address', () => {
    expect(logger.lines.join('\n')).not.toContain(PHONE);
  });
});
