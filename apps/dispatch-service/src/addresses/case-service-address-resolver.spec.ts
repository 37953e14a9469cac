import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressResolverUnavailableError } from './address-resolver';
import { CaseServiceAddressResolver, RESOLVE_PATH } from './case-service-address-resolver';

const PHONE = '+447700900123';
const TENANT = 'acme-bank';
const DEBTOR = '6f1c1f3e-7d1a-4c1e-9a57-2f0b8a0d6d11';
const MOBILE = 'b0a4c9a2-52b8-4b7e-8d0e-0c6f6d6b7a01';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: unknown;
}

type Handler = (body: Record<string, string>, response: ServerResponse) => void;

/** Stands in for case-service: a real HTTP server whose answer each test chooses. */
describe('CaseServiceAddressResolver against an HTTP server', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  const seen: Seen[] = [];

  const reply =
    (status: number, body?: unknown): Handler =>
    (_body, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
          string,
          string
        >;
        seen.push({
          method: request.method,
          url: request.url,
          authorization: request.headers.authorization,
          body,
        });
        handler(body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    handler = reply(200, { address: PHONE, kind: 'mobile', keyId: 'dk_1' });
  });

  const resolver = (
    options: Partial<ConstructorParameters<typeof CaseServiceAddressResolver>[0]> = {},
  ) => new CaseServiceAddressResolver({ baseUrl, token: () => 'token-1', ...options });

  /** The rejection, checked to be an unavailable error that does not carry the address. */
  async function unavailable(promise: Promise<unknown>): Promise<AddressResolverUnavailableError> {
    const error: unknown = await promise.then(
      () => new Error('resolved'),
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AddressResolverUnavailableError);
    const unavailableError = error as AddressResolverUnavailableError;
    expect(`${unavailableError.message} ${String(unavailableError.cause)}`).not.toContain(PHONE);
    return unavailableError;
  }

  it('posts the ids with the bearer token and answers the address', async () => {
    await expect(resolver().resolve(TENANT, DEBTOR, MOBILE)).resolves.toEqual({
      kind: 'found',
      address: PHONE,
      contactPointKind: 'mobile',
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: RESOLVE_PATH,
        authorization: 'Bearer token-1',
        body: { tenantId: TENANT, debtorId: DEBTOR, contactPointId: MOBILE },
      },
    ]);
  });

  it('keeps a path prefix of the base URL and awaits an async token source', async () => {
    handler = (_body, response) => reply(200, { address: PHONE, kind: 'mobile' })(_body, response);
    const prefixed = new CaseServiceAddressResolver({
      baseUrl: `${baseUrl}/case/`,
      token: async () => 'token-2',
    });

    await prefixed.resolve(TENANT, DEBTOR, MOBILE);
    expect(seen[0]).toMatchObject({ url: `/case${RESOLVE_PATH}`, authorization: 'Bearer token-2' });
  });

  it.each([
    ['debtor.not_found', 404, { kind: 'not_found' }],
    ['contact_point.not_found', 404, { kind: 'not_found' }],
    ['debtor.erased', 410, { kind: 'erased' }],
  ])('answers %s (%d) and does not cache it', async (code, status, expected) => {
    handler = reply(status, { statusCode: status, code, message: 'x' });
    const client = resolver();

    await expect(client.resolve(TENANT, DEBTOR, MOBILE)).resolves.toEqual(expected);
    await expect(client.resolve(TENANT, DEBTOR, MOBILE)).resolves.toEqual(expected);
    expect(seen).toHaveLength(2);
  });

  it('treats a 404 without a known code (wrong URL) as unavailable, not as not found', async () => {
    handler = reply(404, { statusCode: 404, code: 'not_found', message: 'Cannot POST /x' });

    const error = await unavailable(resolver().resolve(TENANT, DEBTOR, MOBILE));
    expect(error.status).toBe(404);
  });

  it.each([500, 502, 503, 401, 403])('throws unavailable on %d', async (status) => {
    handler = reply(status, { statusCode: status, code: 'internal_error', message: PHONE });

    const error = await unavailable(resolver().resolve(TENANT, DEBTOR, MOBILE));
    expect(error.status).toBe(status);
    expect(error.message).toBe(`case-service answered ${status} (internal_error)`);
  });

  it('throws unavailable on a 200 without an address, without repeating the body', async () => {
    handler = reply(200, { adress: PHONE });

    expect((await unavailable(resolver().resolve(TENANT, DEBTOR, MOBILE))).status).toBe(200);
  });

  it('throws unavailable when case-service does not answer in time', async () => {
    handler = () => undefined; // never answers

    const started = Date.now();
    const error = await unavailable(resolver({ timeoutMs: 150 }).resolve(TENANT, DEBTOR, MOBILE));
    expect(error.message).toBe('case-service did not answer within 150 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    server.closeAllConnections();
  });

  it('throws unavailable when case-service is unreachable or the token cannot be had', async () => {
    const closed = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });

    expect(
      (await unavailable(resolver({ baseUrl: closed }).resolve(TENANT, DEBTOR, MOBILE))).message,
    ).toBe('case-service is unreachable');
    const noToken = resolver({
      token: () => Promise.reject(new Error('token file missing')),
    });
    expect((await unavailable(noToken.resolve(TENANT, DEBTOR, MOBILE))).message).toBe(
      'no bearer token for case-service',
    );
    expect(seen).toHaveLength(0);
  });

  it('caches found addresses until the TTL ends, per contact point', async () => {
    let now = 1_000;
    const client = resolver({ cacheTtlMs: 60_000, now: () => now });

    await client.resolve(TENANT, DEBTOR, MOBILE);
    now += 59_999;
    await expect(client.resolve(TENANT, DEBTOR, MOBILE)).resolves.toMatchObject({ address: PHONE });
    expect(seen).toHaveLength(1);

    await client.resolve(TENANT, DEBTOR, 'another-contact-point');
    expect(seen).toHaveLength(2);

    now += 1;
    handler = reply(410, { code: 'debtor.erased' });
    await expect(client.resolve(TENANT, DEBTOR, MOBILE)).resolves.toEqual({ kind: 'erased' });
    expect(seen).toHaveLength(3);
  });

  it('evicts the least recently used address beyond cacheSize', async () => {
    const client = resolver({ cacheSize: 2 });

    await client.resolve(TENANT, DEBTOR, 'a');
    await client.resolve(TENANT, DEBTOR, 'b');
    await client.resolve(TENANT, DEBTOR, 'a'); // hit: b is now the least recently used
    await client.resolve(TENANT, DEBTOR, 'c'); // evicts b
    expect(seen).toHaveLength(3);

    await client.resolve(TENANT, DEBTOR, 'a');
    await client.resolve(TENANT, DEBTOR, 'c');
    expect(seen).toHaveLength(3);
    await client.resolve(TENANT, DEBTOR, 'b');
    expect(seen).toHaveLength(4);
  });

  it('caches nothing with cacheSize 0, and forgets an erased debtor at once', async () => {
    const uncached = resolver({ cacheSize: 0 });
    await uncached.resolve(TENANT, DEBTOR, MOBILE);
    await uncached.resolve(TENANT, DEBTOR, MOBILE);
    expect(seen).toHaveLength(2);

    const client = resolver();
    await client.resolve(TENANT, DEBTOR, MOBILE);
    await client.resolve('other-bank', DEBTOR, MOBILE);
    client.forgetDebtor(TENANT, DEBTOR);
    await client.resolve(TENANT, DEBTOR, MOBILE);
    await client.resolve('other-bank', DEBTOR, MOBILE);
    expect(seen).toHaveLength(5);
  });

  it('refuses nonsensical options', () => {
    expect(() => resolver({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => resolver({ cacheSize: -1 })).toThrow(/cacheSize/);
    expect(() => resolver({ baseUrl: 'not a url' })).toThrow();
  });
});
