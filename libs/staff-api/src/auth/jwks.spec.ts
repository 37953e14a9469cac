import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { mintToken } from './dev-token';
import { InvalidTokenError, JoseTokenVerifier, KeySetUnavailableError } from './token-verifier';

const ISSUER = 'https://id.clement.test';

describe('JoseTokenVerifier with a remote JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;
  let requests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const sign = (key: KeyLike, kid = 'key-1'): Promise<string> =>
    new SignJWT({ tenant: 'tenant-1', roles: ['strategy-admin'] })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('carol')
      .setIssuer(ISSUER)
      .setExpirationTime('5m')
      .sign(key);

  it('verifies a token signed with a key from the set, fetching the set once', async () => {
    const verifier = new JoseTokenVerifier({ jwksUrl, issuer: ISSUER });
    const before = requests;

    await expect(verifier.verify(await sign(privateKey))).resolves.toEqual({
      subject: 'carol',
      tenantId: 'tenant-1',
      roles: ['strategy-admin'],
    });
    await expect(verifier.verify(await sign(privateKey))).resolves.toMatchObject({
      subject: 'carol',
    });
    expect(requests - before).toBe(1);
  });

  it('rejects a token signed with a key not in the set', async () => {
    const verifier = new JoseTokenVerifier({ jwksUrl, issuer: ISSUER });
    const stranger = await generateKeyPair('RS256');

    await expect(verifier.verify(await sign(stranger.privateKey))).rejects.toEqual(
      new InvalidTokenError('signature verification failed'),
    );
    await expect(verifier.verify(await sign(stranger.privateKey, 'key-2'))).rejects.toEqual(
      new InvalidTokenError('no matching key'),
    );
  });

  it('refuses an HS256 token even when signed with a shared secret', async () => {
    const verifier = new JoseTokenVerifier({ jwksUrl, issuer: ISSUER });
    const token = await mintToken('a-shared-secret-of-at-least-32-chars', {
      subject: 'mallory',
      tenantId: 'tenant-1',
      roles: ['platform-admin'],
      issuer: ISSUER,
    });

    await expect(verifier.verify(token)).rejects.toEqual(
      new InvalidTokenError('algorithm not allowed'),
    );
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const unreachable = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(`http://127.0.0.1:${port}/jwks.json`));
      });
    });
    const verifier = new JoseTokenVerifier({ jwksUrl: unreachable, issuer: ISSUER });

    await expect(verifier.verify(await sign(privateKey))).rejects.toBeInstanceOf(
      KeySetUnavailableError,
    );
  });
});
