import { SignJWT } from 'jose';
import { AuthConfigError, assertValidAuthConfig } from './auth.config';
import { mintToken } from './dev-token';
import { InvalidTokenError, JoseTokenVerifier } from './token-verifier';

const SECRET = 'test-secret-that-is-at-least-32-chars';
const OTHER_SECRET = 'another-secret-that-is-32-chars-long';
const ISSUER = 'https://id.clement.test';
const AUDIENCE = 'case-service';

const verifier = new JoseTokenVerifier({
  sharedSecret: SECRET,
  issuer: ISSUER,
  audience: AUDIENCE,
});

const agent = {
  subject: 'alice',
  tenantId: 'tenant-1',
  roles: ['agent'],
  issuer: ISSUER,
  audience: AUDIENCE,
};

/** The reason a token is refused; fails the test when it is accepted. */
async function rejection(token: string, using = verifier): Promise<InvalidTokenError> {
  const error: unknown = await using.verify(token).then(
    () => new Error('token was accepted'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  const invalid = error as InvalidTokenError;
  if (token.length > 0) {
    expect(invalid.message).not.toContain(token);
  }
  return invalid;
}

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JoseTokenVerifier with a shared secret', () => {
  it('returns the principal of a valid token', async () => {
    const token = await mintToken(SECRET, { ...agent, roles: ['agent', 'auditor'] });

    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'alice',
      tenantId: 'tenant-1',
      roles: ['agent', 'auditor'],
    });
  });

  it('ignores roles it does not know', async () => {
    const token = await mintToken(SECRET, { ...agent, roles: ['superuser', 'agent', 'agent'] });

    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['agent'] });
  });

  it('accepts a platform admin without a tenant, as tenant null', async () => {
    const token = await mintToken(SECRET, {
      ...agent,
      tenantId: undefined,
      roles: ['platform-admin'],
    });

    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'alice',
      tenantId: null,
      roles: ['platform-admin'],
    });
  });

  it('accepts a contact resolver (a machine role) without a tenant, as tenant null', async () => {
    const token = await mintToken(SECRET, {
      ...agent,
      subject: 'system:serviceaccount:clement:dispatch-service',
      tenantId: undefined,
      roles: ['contact-resolver'],
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'system:serviceaccount:clement:dispatch-service',
      tenantId: null,
      roles: ['contact-resolver'],
    });
  });

  it('rejects an expired token', async () => {
    const token = await mintToken(SECRET, { ...agent, expiresInSeconds: -60 });

    expect((await rejection(token)).reason).toBe('token expired');
  });

  it('rejects a token signed with another secret', async () => {
    const token = await mintToken(OTHER_SECRET, agent);

    expect((await rejection(token)).reason).toBe('signature verification failed');
  });

  it('rejects a wrong or missing issuer', async () => {
    const wrong = await mintToken(SECRET, { ...agent, issuer: 'https://evil.test' });
    const missing = await mintToken(SECRET, { ...agent, issuer: undefined });

    expect((await rejection(wrong)).reason).toBe('iss claim check failed');
    expect((await rejection(missing)).reason).toBe('iss claim missing');
  });

  it('rejects a wrong audience', async () => {
    const token = await mintToken(SECRET, { ...agent, audience: 'payment-service' });

    expect((await rejection(token)).reason).toBe('aud claim check failed');
  });

  it('rejects a token without a tenant unless it is a platform admin', async () => {
    const token = await mintToken(SECRET, { ...agent, tenantId: undefined, roles: ['agent'] });

    expect((await rejection(token)).reason).toBe('tenant claim missing');
  });

  it('rejects roles that are not an array', async () => {
    const token = await new SignJWT({ tenant: 't', roles: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));

    expect((await rejection(token)).reason).toBe('roles claim must be an array');
  });

  it('rejects a token that never expires', async () => {
    const token = await new SignJWT({ tenant: 't', roles: ['agent'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(new TextEncoder().encode(SECRET));

    expect((await rejection(token)).reason).toBe('exp claim missing');
  });

  it('rejects an unsecured token (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
      sub: 'mallory',
      tenant: 'tenant-1',
      roles: ['platform-admin'],
      iss: ISSUER,
      aud: AUDIENCE,
      exp: now + 3600,
    })}.`;

    expect((await rejection(token)).reason).toBe('algorithm not allowed');
  });

  it('rejects garbage without echoing it', async () => {
    expect((await rejection('not-a-jwt')).reason).toBe('malformed token');
    expect((await rejection('')).reason).toBe('malformed token');
  });

  it('needs no issuer or audience when none is configured', async () => {
    const lenient = new JoseTokenVerifier({ sharedSecret: SECRET });
    const token = await mintToken(SECRET, { subject: 'bob', tenantId: 't-2', roles: ['auditor'] });

    await expect(lenient.verify(token)).resolves.toEqual({
      subject: 'bob',
      tenantId: 't-2',
      roles: ['auditor'],
    });
  });
});

describe('assertValidAuthConfig', () => {
  it.each([
    [{}, /either/],
    [{ jwksUrl: 'https://id.test/jwks', sharedSecret: SECRET }, /not both/],
    [{ sharedSecret: 'too-short' }, /at least 32/],
    [{ jwksUrl: 'ftp://id.test/jwks' }, /http\(s\) URL/],
  ])('refuses %j', (config, message) => {
    expect(() => assertValidAuthConfig(config)).toThrow(AuthConfigError);
    expect(() => assertValidAuthConfig(config)).toThrow(message);
  });

  it('never puts the secret in its message', () => {
    expect(() => assertValidAuthConfig({ sharedSecret: 'short-secret' })).not.toThrow(
      /short-secret/,
    );
  });

  it('accepts exactly one key source', () => {
    expect(() => assertValidAuthConfig({ sharedSecret: SECRET })).not.toThrow();
    expect(() => assertValidAuthConfig({ jwksUrl: 'https://id.test/jwks' })).not.toThrow();
  });
});
