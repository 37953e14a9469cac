import { randomBytes } from 'node:crypto';
import {
  PortalLinkSigner,
  parsePortalLinkKeys,
  type PortalLinkClaims,
  type PortalLinkKey,
} from './portal-link-signer';

const BASE = 'https://pay.clement.example';
const NOW = new Date('2026-11-30T12:00:00Z');
const EXPIRES = new Date('2026-12-07T12:00:00Z');
const K1: PortalLinkKey = { id: 'k1', secret: Buffer.alloc(32, 1) };
const K2: PortalLinkKey = { id: 'k2', secret: Buffer.alloc(48, 2) };

// The debtor these ids belong to; none of it may reach the token.
const DEBTOR = { name: 'María García López', phone: '+34600123456', email: 'maria@example.es' };

const CLAIMS: PortalLinkClaims = {
  tenantId: 'acme-bank',
  debtorId: '7d9f1c2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f',
  caseId: 'c2a4e6f8-1b3d-4f5a-9c7e-2d4f6a8b0c1e',
  dispatchId: '0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e',
  expiresAt: EXPIRES,
};

const signer = (keys: PortalLinkKey[] = [K1], activeKeyId?: string) =>
  new PortalLinkSigner({ baseUrl: BASE, keys, activeKeyId });

function flipByte(token: string, index: number): string {
  const bytes = Buffer.from(token, 'base64url');
  bytes[index] ^= 0x01;
  return bytes.toString('base64url');
}

describe('PortalLinkSigner', () => {
  it('round-trips the claims through a link', () => {
    const link = signer().createLink(CLAIMS);
    expect(link.url).toBe(`${BASE}/l/${link.token}`);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(signer().verify(link.token, NOW)).toEqual({ ok: true, keyId: 'k1', claims: CLAIMS });
  });

  it('round-trips ids that are not UUIDs, and upper-case UUIDs verbatim', () => {
    const claims = {
      ...CLAIMS,
      debtorId: 'D-000123',
      caseId: 'case:2026/7'.replace('/', '.'),
      dispatchId: '0F1E2D3C-4B5A-4968-8778-695A4B3C2D1E',
    };
    expect(signer().verify(signer().sign(claims), NOW)).toEqual({
      ok: true,
      keyId: 'k1',
      claims,
    });
  });

  it('is short enough for an SMS: 92 bytes (124 characters) with four UUIDs', () => {
    const token = signer().sign({ ...CLAIMS, tenantId: '5b8c1e2a-9d3f-4a6b-8c7d-1e2f3a4b5c6d' });
    expect(token.length).toBeLessThanOrEqual(124);
    expect(signer().sign(CLAIMS).length).toBeLessThanOrEqual(116);
  });

  it('truncates the expiry to whole seconds', () => {
    const link = signer().createLink({ ...CLAIMS, expiresAt: new Date(EXPIRES.getTime() + 999) });
    expect(link.expiresAt).toEqual(EXPIRES);
  });

  describe('expiry boundary', () => {
    const token = signer().sign(CLAIMS);
    it.each([
      ['one millisecond before', EXPIRES.getTime() - 1, true],
      ['exactly at', EXPIRES.getTime(), false],
      ['one second after', EXPIRES.getTime() + 1000, false],
    ])('%s the expiry: valid = %s', (_, now, valid) => {
      const result = signer().verify(token, new Date(now));
      expect(result.ok).toBe(valid);
      if (!result.ok) expect(result.reason).toBe('expired');
    });
  });

  describe('tampering', () => {
    const token = signer().sign(CLAIMS);
    const length = Buffer.from(token, 'base64url').length;

    it.each(Array.from({ length }, (_, index) => index))(
      'rejects a token with byte %i altered',
      (index) => {
        const result = signer().verify(flipByte(token, index), NOW);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(['forged', 'malformed']).toContain(result.reason);
      },
    );

    it('calls a truncated token forged (its last bytes are read as the signature)', () => {
      expect(signer().verify(token.slice(0, 40), NOW)).toEqual({ ok: false, reason: 'forged' });
    });

    it('calls an altered expiry forged, not expired or valid', () => {
      // version (1) + kid length (1) + "k1" (2), then the 4 expiry bytes.
      expect(signer().verify(flipByte(token, 7), NOW)).toEqual({ ok: false, reason: 'forged' });
    });

    it('rejects a token signed with another secret under the same key id', () => {
      const other = signer([{ id: 'k1', secret: Buffer.alloc(32, 9) }]).sign(CLAIMS);
      expect(signer().verify(other, NOW)).toEqual({ ok: false, reason: 'forged' });
    });

    it('checks the signature before the expiry', () => {
      const forged = flipByte(token, length - 1);
      expect(signer().verify(forged, new Date(EXPIRES.getTime() + 1000))).toEqual({
        ok: false,
        reason: 'forged',
      });
    });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc.def'],
    ['padded', `${signer().sign(CLAIMS)}=`],
    ['too short', 'AQJrMQ'],
    ['unknown version', Buffer.from([2, 2, 107, 49, ...Buffer.alloc(30)]).toString('base64url')],
    ['huge', 'A'.repeat(1000)],
  ])('calls a %s token malformed', (_, token) => {
    expect(signer().verify(token, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls a token naming an unknown key id forged', () => {
    const token = signer([K2]).sign(CLAIMS);
    expect(signer([K1]).verify(token, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  describe('key rotation', () => {
    const oldToken = signer([K1]).sign(CLAIMS);
    const rotated = signer([K2, K1]);

    it('signs with the active key and names it in the token', () => {
      const result = rotated.verify(rotated.sign(CLAIMS), NOW);
      expect(result).toMatchObject({ ok: true, keyId: 'k2' });
    });

    it('still verifies tokens of a key kept for verification', () => {
      expect(rotated.verify(oldToken, NOW)).toMatchObject({ ok: true, keyId: 'k1' });
    });

    it('rejects tokens of a retired key', () => {
      expect(signer([K2]).verify(oldToken, NOW)).toEqual({ ok: false, reason: 'forged' });
    });

    it('honours an explicit active key id', () => {
      const explicit = signer([K1, K2], 'k2');
      expect(explicit.verify(explicit.sign(CLAIMS), NOW)).toMatchObject({ keyId: 'k2' });
    });
  });

  it('puts no PII in the link, in any encoding', () => {
    const link = signer().createLink(CLAIMS);
    const decoded = Buffer.from(link.token, 'base64url').toString('latin1');
    for (const text of [link.url, decoded]) {
      for (const value of [
        DEBTOR.name,
        'María',
        'García',
        DEBTOR.phone,
        DEBTOR.phone.slice(1),
        '600123456',
        DEBTOR.email,
      ]) {
        expect(text).not.toContain(value);
      }
    }
  });

  it.each([
    ['a phone number as debtor id', { debtorId: DEBTOR.phone }],
    ['an email as debtor id', { debtorId: DEBTOR.email }],
    ['a name as case id', { caseId: DEBTOR.name }],
    ['an invalid tenant id', { tenantId: 'Acme Bank' }],
    ['an empty dispatch id', { dispatchId: '' }],
    ['an invalid expiry', { expiresAt: new Date(Number.NaN) }],
  ])('refuses to sign %s', (_, override) => {
    expect(() => signer().sign({ ...CLAIMS, ...override })).toThrow(/invalid/);
  });

  describe('configuration', () => {
    it.each([
      ['no keys', { keys: [] }, /at least one/],
      ['a short key', { keys: [{ id: 'k1', secret: Buffer.alloc(31) }] }, /shorter than 32/],
      ['a bad key id', { keys: [{ id: 'key/one', secret: K1.secret }] }, /key id/],
      ['a duplicate key id', { keys: [K1, K1] }, /twice/],
      ['an unknown active key', { keys: [K1], activeKeyId: 'k9' }, /not among/],
      ['an http base URL', { baseUrl: 'http://pay.example' }, /https/],
      ['a base URL with a query', { baseUrl: 'https://pay.example/?a=1' }, /https/],
      ['not a URL', { baseUrl: 'pay.example' }, /not a URL/],
    ])('rejects %s', (_, override, message) => {
      expect(() => new PortalLinkSigner({ baseUrl: BASE, keys: [K1], ...override })).toThrow(
        message,
      );
    });

    it('drops a trailing slash of the base URL', () => {
      const link = new PortalLinkSigner({ baseUrl: `${BASE}/`, keys: [K1] }).createLink(CLAIMS);
      expect(link.url.startsWith(`${BASE}/l/`)).toBe(true);
    });
  });
});

describe('parsePortalLinkKeys', () => {
  const secret = randomBytes(32);

  it('reads kid:base64 pairs, first one first, in base64 or base64url', () => {
    const spec = `k2:${secret.toString('base64url')}, k1:${secret.toString('base64')}`;
    expect(parsePortalLinkKeys(spec)).toEqual([
      { id: 'k2', secret },
      { id: 'k1', secret },
    ]);
  });

  it.each([
    ['empty', '', /none given/],
    ['no key id', secret.toString('base64'), /entry 1/],
    ['not base64', 'k1:***', /not base64/],
    ['too short', `k1:${randomBytes(31).toString('base64')}`, /shorter than 32/],
  ])('rejects %s, without printing the secret', (_, spec, message) => {
    let error: unknown;
    try {
      parsePortalLinkKeys(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    const value = spec.split(':')[1];
    if (value) expect((error as Error).message).not.toContain(value);
  });
});
