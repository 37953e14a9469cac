import { randomBytes } from 'node:crypto';
import { BlindIndex, normaliseEmail, normalisePhone } from './blind-index';
import { PiiInputError } from './pii-errors';

const index = new BlindIndex(randomBytes(32));

describe('normalisePhone', () => {
  it.each([
    '+442079460000',
    '+44 20 7946 0000',
    '+44 (20) 7946-0000',
    '+44-20-7946-0000',
    ' +44\t20\u00a079460000 ',
    '+44 [20] 7946–0000',
  ])('%j becomes +442079460000', (input) => {
    expect(normalisePhone(input)).toBe('+442079460000');
  });

  it('keeps a number without "+" distinct from one with it', () => {
    expect(normalisePhone('020 7946 0000')).toBe('02079460000');
  });

  it.each(['', '+', '++44', '44+1', '+44 20 7946 000O', 'tel:+44', '+44.20'])(
    'rejects %j without echoing it',
    (input) => {
      expect(() => normalisePhone(input)).toThrow(PiiInputError);
      try {
        normalisePhone(input);
      } catch (error: unknown) {
        if (input.length > 3) expect((error as Error).message).not.toContain(input);
      }
    },
  );
});

describe('normaliseEmail', () => {
  it('trims and lower-cases the whole address', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM \n')).toBe('jane.doe@example.com');
  });

  it('treats composed and decomposed accents as equal', () => {
    expect(normaliseEmail('zoe\u0301@example.com')).toBe(normaliseEmail('zo\u00e9@example.com'));
  });

  it('rejects an empty address', () => {
    expect(() => normaliseEmail('   ')).toThrow(PiiInputError);
  });
});

describe('BlindIndex', () => {
  it('gives 16 bytes, equal for equal normalised values', () => {
    const a = index.phone('tenant-a', '+44 20 7946 0000');

    expect(a).toHaveLength(16);
    expect(index.phone('tenant-a', '+44 (20) 7946-0000')).toEqual(a);
    expect(index.email('tenant-a', 'Jane@Example.com')).toEqual(
      index.email('tenant-a', ' jane@example.com'),
    );
  });

  it('separates tenants, so equal numbers cannot be correlated across them', () => {
    expect(index.phone('tenant-a', '+442079460000')).not.toEqual(
      index.phone('tenant-b', '+442079460000'),
    );
    expect(index.email('tenant-a', 'jane@example.com')).not.toEqual(
      index.email('tenant-b', 'jane@example.com'),
    );
  });

  it('separates phone from email and distinct values', () => {
    // The same string as phone and as email must not collide (domain prefix).
    expect(index.phone('tenant-a', '+442079460000')).not.toEqual(
      index.email('tenant-a', '+442079460000'),
    );
    expect(index.phone('tenant-a', '+442079460000')).not.toEqual(
      index.phone('tenant-a', '+442079460001'),
    );
    expect(index.email('tenant-a', 'jane@example.com')).not.toEqual(
      index.email('tenant-a', 'jane@example.org'),
    );
  });

  it('depends on the key', () => {
    expect(new BlindIndex(randomBytes(32)).phone('tenant-a', '+442079460000')).not.toEqual(
      index.phone('tenant-a', '+442079460000'),
    );
  });

  it('rejects short keys and empty tenants', () => {
    expect(() => new BlindIndex(randomBytes(16))).toThrow(PiiInputError);
    expect(() => index.phone('', '+442079460000')).toThrow(PiiInputError);
  });
});
