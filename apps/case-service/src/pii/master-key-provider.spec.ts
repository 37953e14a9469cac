import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  BLIND_INDEX_KEY_LABEL,
  deriveKey,
  LocalMasterKeyProvider,
  type MasterKeyProvider,
} from './master-key-provider';
import {
  KeyUnwrapError,
  MasterKeyConfigError,
  PiiErrorCode,
  UnknownMasterKeyError,
} from './pii-errors';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
const CONTEXT = 'tenant-a:5b0e4a4e-7c1e-4f7a-9a53-0d7f0e1b2c3d';

function config(...entries: [string, Buffer][]): string {
  return entries.map(([id, key]) => `${id}:${key.toString('base64')}`).join(',');
}

function configError(value: string): MasterKeyConfigError {
  try {
    LocalMasterKeyProvider.fromConfig(value);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    return error as MasterKeyConfigError;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('LocalMasterKeyProvider', () => {
  it('wraps under the first key and unwraps with the same context', async () => {
    const provider: MasterKeyProvider = LocalMasterKeyProvider.fromConfig(
      config(['k2', NEW], ['k1', OLD]),
    );
    const dataKey = randomBytes(32);

    const { masterKeyId, wrapped } = await provider.wrap(dataKey, CONTEXT);

    expect(provider.currentKeyId).toBe('k2');
    expect(masterKeyId).toBe('k2');
    expect(wrapped).toHaveLength(12 + 32 + 16);
    expect(wrapped.includes(dataKey)).toBe(false);
    await expect(provider.unwrap(wrapped, masterKeyId, CONTEXT)).resolves.toEqual(dataKey);
  });

  it('uses a fresh nonce for every wrap', async () => {
    const provider = new LocalMasterKeyProvider([{ id: 'k1', key: OLD }]);
    const dataKey = randomBytes(32);

    const first = await provider.wrap(dataKey, CONTEXT);
    const second = await provider.wrap(dataKey, CONTEXT);

    expect(first.wrapped.equals(second.wrapped)).toBe(false);
  });

  it('still unwraps keys wrapped under a rotated-out master key', async () => {
    const before = LocalMasterKeyProvider.fromConfig(config(['k1', OLD]));
    const after = LocalMasterKeyProvider.fromConfig(config(['k2', NEW], ['k1', OLD]));
    const dataKey = randomBytes(32);
    const { masterKeyId, wrapped } = await before.wrap(dataKey, CONTEXT);

    await expect(after.unwrap(wrapped, masterKeyId, CONTEXT)).resolves.toEqual(dataKey);
    expect((await after.wrap(dataKey, CONTEXT)).masterKeyId).toBe('k2');
  });

  it('rejects a wrong context, a tampered key and an unknown master key', async () => {
    const provider = LocalMasterKeyProvider.fromConfig(config(['k1', OLD]));
    const { wrapped } = await provider.wrap(randomBytes(32), CONTEXT);
    const tampered = Buffer.from(wrapped);
    tampered[20] ^= 0x01;

    await expect(provider.unwrap(wrapped, 'k1', 'tenant-b:other')).rejects.toBeInstanceOf(
      KeyUnwrapError,
    );
    await expect(provider.unwrap(tampered, 'k1', CONTEXT)).rejects.toBeInstanceOf(KeyUnwrapError);
    await expect(provider.unwrap(wrapped.subarray(0, 20), 'k1', CONTEXT)).rejects.toThrow(
      /malformed/,
    );
    await expect(provider.unwrap(wrapped, 'k9', CONTEXT)).rejects.toEqual(
      new UnknownMasterKeyError('k9'),
    );
  });

  it('derives a stable blind-index key from the current master key by HKDF', async () => {
    const provider = LocalMasterKeyProvider.fromConfig(config(['k2', NEW], ['k1', OLD]));

    const key = await provider.blindIndexKey();

    expect(key).toEqual(deriveKey(NEW, BLIND_INDEX_KEY_LABEL));
    expect(key).toHaveLength(32);
    expect(key.equals(NEW)).toBe(false);
    expect(deriveKey(NEW, 'another/label').equals(key)).toBe(false);
  });

  it('can pin the blind-index key to an older master key so rotation keeps indexes valid', async () => {
    const before = LocalMasterKeyProvider.fromConfig(config(['k1', OLD]));
    const after = LocalMasterKeyProvider.fromConfig(config(['k2', NEW], ['k1', OLD]), {
      blindIndexKeyId: 'k1',
    });

    expect(await after.blindIndexKey()).toEqual(await before.blindIndexKey());
    expect(() =>
      LocalMasterKeyProvider.fromConfig(config(['k1', OLD]), { blindIndexKeyId: 'k0' }),
    ).toThrow(MasterKeyConfigError);
  });

  it('matches RFC 5869 test case 3 (HKDF-SHA256, no salt, no info)', () => {
    const ikm = Buffer.alloc(22, 0x0b);

    expect(deriveKey(ikm, '').toString('hex')).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d',
    );
  });

  describe('fromConfig', () => {
    const secret = randomBytes(32).toString('base64');

    it.each([
      ['empty', '', /empty/],
      ['blank', '  ', /empty/],
      ['no key id', secret, /entry 1 is not of the form/],
      ['empty entry', `k1:${secret},`, /entry 2 is not of the form/],
      ['bad key id', `k 1:${secret}`, /entry 1 has an invalid key id/],
      [
        'not base64',
        `k1:${secret.slice(0, -4)}!!!!`,
        /entry 1 \("k1"\) is not valid standard base64/,
      ],
      ['short key', `k1:${randomBytes(31).toString('base64')}`, /must decode to 32 bytes, got 31/],
      ['long key', `k1:${randomBytes(48).toString('base64')}`, /must decode to 32 bytes, got 48/],
      ['duplicate id', `k1:${secret},k1:${secret}`, /"k1" is configured twice/],
    ])('rejects %s without printing key material', (_case, value, message) => {
      const error = configError(value);

      expect(error.message).toMatch(message);
      expect(error.code).toBe(PiiErrorCode.MasterKeyConfigInvalid);
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain(secret.slice(0, 12));
    });

    it('rejects a key pasted where the id belongs without echoing it', () => {
      const pasted = `${secret}:${secret}`;

      expect(configError(pasted).message).not.toContain(secret.slice(0, 12));
    });

    it('tolerates spaces around entries', () => {
      const other = randomBytes(32).toString('base64');
      const provider = LocalMasterKeyProvider.fromConfig(` k2:${secret} , k1:${other} `);

      expect(provider.currentKeyId).toBe('k2');
    });
  });

  it('keeps key material out of inspect and JSON output', async () => {
    const provider = LocalMasterKeyProvider.fromConfig(config(['k1', OLD]));
    const shown = `${inspect(provider, { depth: 5, showHidden: true })}${JSON.stringify(provider)}`;

    expect(shown).toContain('k1');
    for (const secret of [OLD, await provider.blindIndexKey()]) {
      expect(shown).not.toContain(secret.toString('base64'));
      expect(shown).not.toContain(secret.toString('hex'));
      expect(shown).not.toMatch(
        new RegExp(secret.subarray(0, 4).toString('hex').replace(/(..)/g, '$1 ').trim()),
      );
    }
  });
});
