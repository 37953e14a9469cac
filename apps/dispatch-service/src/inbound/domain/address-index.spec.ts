import { createHmac } from 'node:crypto';
import {
  addressIndex,
  normalisedEmail,
  normalisedPhone,
  parseAddressIndexKey,
  type AddressChannel,
} from './address-index';

const KEY = new Uint8Array(Buffer.alloc(32, 7));
const OTHER_KEY = new Uint8Array(Buffer.alloc(32, 8));
const TENANT = 'acme-bank';
const PHONE = '+34600111222';

const index = (channel: AddressChannel, address: string, tenantId = TENANT, key = KEY) =>
  addressIndex(key, tenantId, channel, address);

/** The error thrown by fn, which must not contain any of the fragments. */
function thrownWithout(fn: () => unknown, fragments: string[]): Error {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(Error);
  for (const fragment of fragments) expect((error as Error).message).not.toContain(fragment);
  return error as Error;
}

describe('addressIndex', () => {
  it('is hex HMAC-SHA256 over tenant, kind and normalised address, one per line', () => {
    const expected = createHmac('sha256', KEY).update(`${TENANT}\nphone\n${PHONE}`).digest('hex');
    expect(index('sms', PHONE)).toBe(expected);
    expect(index('sms', PHONE)).toMatch(/^[0-9a-f]{64}$/);
    const email = createHmac('sha256', KEY).update(`${TENANT}\nemail\nmaria@example.es`);
    expect(index('email', 'Maria@Example.ES')).toBe(email.digest('hex'));
  });

  it.each<[AddressChannel, string]>([
    ['sms', '+34600111222'],
    ['sms', '+34 600 111 222'],
    ['sms', '+34 600-111-222'],
    ['sms', ' +34 (600) 111.222 '],
    ['whatsapp', 'whatsapp:+34 600-111-222'],
    ['whatsapp', 'whatsapp:+34600111222'],
    ['whatsapp', 'WhatsApp:+34600111222'],
    ['whatsapp', '+34600111222'],
    ['sms', 'whatsapp: +34 600 111 222'],
  ])('gives the one phone index for %s %j', (channel, address) => {
    expect(index(channel, address)).toBe(index('sms', PHONE));
  });

  it('gives the same index on sms and whatsapp, and a different one per tenant and per key', () => {
    const sms = index('sms', '+34600111222');
    expect(index('whatsapp', 'whatsapp:+34 600-111-222')).toBe(sms);
    expect(index('sms', PHONE, 'other-bank')).not.toBe(sms);
    expect(index('whatsapp', PHONE, 'other-bank')).toBe(index('sms', PHONE, 'other-bank'));
    expect(index('sms', PHONE, TENANT, OTHER_KEY)).not.toBe(sms);
    expect(index('sms', '+34600111223')).not.toBe(sms);
  });

  it.each([
    ['maria@example.es', 'maria@example.es'],
    ['  Maria@Example.ES \n', 'maria@example.es'],
    ['MARIA.GARCIA+deuda@EXAMPLE.es', 'maria.garcia+deuda@example.es'],
    ['jose\u0301@example.es', 'jos\u00e9@example.es'],
    ['JOSÉ@EXAMPLE.ES', 'josé@example.es'],
  ])('normalises the email %j to %j', (raw, expected) => {
    expect(normalisedEmail(raw)).toBe(expected);
    expect(index('email', raw)).toBe(index('email', expected));
  });

  it('keeps phones and emails apart, even for the same text', () => {
    expect(() => index('email', PHONE)).toThrow();
    expect(index('email', `${PHONE}@example.es`)).not.toBe(index('sms', PHONE));
  });

  it.each([
    ['digits without +', '34600111222'],
    ['national number', '600 111 222'],
    ['leading zero after +', '+0034600111222'],
    ['too short', '+346001'],
    ['too long', '+3460011122233344'],
    ['letters', '+34 600 CALL ME'],
    ['slash separator', '+34/600/111/222'],
    ['two numbers', '+34600111222,+34600111223'],
    ['empty', ''],
    ['an email on sms', 'maria@example.es'],
  ])('rejects a phone number that is not E.164 (%s) without echoing it', (_case, address) => {
    const digits = address.replace(/\D/g, '');
    const fragments = [address, digits, ...(digits.length >= 3 ? [digits.slice(-3)] : [])];
    const error = thrownWithout(() => index('sms', address), fragments.filter(Boolean));
    expect(error.message).toMatch(/E\.164/);
    thrownWithout(() => index('whatsapp', `whatsapp:${address}`), fragments.filter(Boolean));
  });

  it('rejects an email that is not local@domain without echoing it', () => {
    for (const address of ['maria.example.es', 'maria@', '@example.es', 'ma ria@example.es', '']) {
      thrownWithout(
        () => index('email', address),
        [address, 'maria', 'example'].filter((f) => f.length > 0),
      );
    }
  });

  it('rejects a short key, a bad tenant id and an unknown channel without echoing the address', () => {
    thrownWithout(() => addressIndex(new Uint8Array(31), TENANT, 'sms', PHONE), [PHONE, '600']);
    thrownWithout(() => addressIndex(KEY, 'Acme\nphone', 'sms', PHONE), [PHONE, '600']);
    thrownWithout(() => addressIndex(KEY, TENANT, 'fax' as AddressChannel, PHONE), [PHONE]);
  });

  it('exposes the phone normalisation', () => {
    expect(normalisedPhone('whatsapp:+1 (415) 555-0100')).toBe('+14155550100');
  });
});

describe('parseAddressIndexKey', () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 251) % 256));

  it('reads standard and URL-safe base64 of at least 32 bytes', () => {
    expect(Buffer.from(parseAddressIndexKey(bytes.toString('base64')))).toEqual(bytes);
    expect(Buffer.from(parseAddressIndexKey(bytes.toString('base64url')))).toEqual(bytes);
    expect(Buffer.from(parseAddressIndexKey(` ${bytes.toString('base64')}\n`))).toEqual(bytes);
    expect(parseAddressIndexKey(Buffer.alloc(64, 3).toString('base64'))).toHaveLength(64);
  });

  it('gives a key addressIndex accepts', () => {
    const key = parseAddressIndexKey(Buffer.from(KEY).toString('base64'));
    expect(addressIndex(key, TENANT, 'sms', PHONE)).toBe(index('sms', PHONE));
  });

  it.each([
    ['31 bytes', Buffer.alloc(31, 9).toString('base64')],
    ['empty', ''],
    ['not base64', 'this is not a key!!'],
    ['too much padding', `${Buffer.alloc(32, 9).toString('base64')}===`],
  ])('rejects %s without echoing key material', (_case, encoded) => {
    const fragments = encoded.length > 0 ? [encoded, encoded.slice(0, 8)] : [];
    thrownWithout(() => parseAddressIndexKey(encoded), fragments);
  });
});
