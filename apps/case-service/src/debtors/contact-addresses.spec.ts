import { randomBytes, randomUUID } from 'node:crypto';
import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { PostalAddressSchema } from '@clement/contracts';
import type { DataSource } from 'typeorm';
import { BlindIndex, type DebtorKeyStore } from '../pii';
import { TenantScope } from '../tenancy/tenant-scope';
import { ContactAddresses } from './contact-addresses';
import { DebtorSealer, DebtorVault } from './debtor-vault';
import type { DebtorRecord, DebtorsRepository, StoredContactPoint } from './debtors.repository';

const scope = TenantScope.of('acme-bank');
const debtorId = randomUUID();
const keyId = 'dk_test';
const dataKey = randomBytes(32);
const sealer = new DebtorSealer(scope, debtorId, keyId, dataKey);

function point(
  kind: StoredContactPoint['kind'],
  plaintext: Uint8Array | string,
): StoredContactPoint {
  return {
    id: randomUUID(),
    kind,
    value: sealer.sealToBytes(plaintext),
    blindIndex: null,
    phoneType: null,
    consents: [],
    timeZone: null,
    source: 'CONTACT_POINT_SOURCE_UNSPECIFIED',
    preferred: false,
    origin: 'crm',
  };
}

const postal = create(PostalAddressSchema, {
  addressLines: ['10 High Street'],
  locality: 'Leeds',
  postalCode: 'LS1 1AA',
  countryCode: 'GB',
});
const mobile = point('mobile', '+447700900123');
const email = point('email', 'jane.doe@example.com');
const letter = point('postal', toBinary(PostalAddressSchema, postal));

function setup(
  options: { erasedAt?: Date | null; keyDestroyed?: boolean; debtorExists?: boolean } = {},
) {
  const debtor = { id: debtorId, keyId, erasedAt: options.erasedAt ?? null } as DebtorRecord;
  const debtors = {
    findById: jest.fn(async (_db: unknown, asked: TenantScope, id: string) =>
      options.debtorExists !== false && asked.tenantId === scope.tenantId && id === debtorId
        ? debtor
        : undefined,
    ),
    contactPointsOf: jest.fn(async () => [mobile, email, letter]),
  };
  const keys = {
    find: jest.fn(async () => (options.keyDestroyed ? undefined : Buffer.from(dataKey))),
  };
  const vault = new DebtorVault(keys as unknown as DebtorKeyStore, new BlindIndex(randomBytes(32)));
  const addresses = new ContactAddresses(
    { manager: {} } as DataSource,
    debtors as unknown as DebtorsRepository,
    vault,
  );
  return { addresses, debtors, keys };
}

describe('ContactAddresses', () => {
  it('decrypts a phone, an email and a postal address', async () => {
    const { addresses } = setup();

    await expect(addresses.resolve(scope, debtorId, mobile.id)).resolves.toEqual({
      outcome: 'found',
      address: '+447700900123',
      kind: 'mobile',
      keyId,
    });
    await expect(addresses.resolve(scope, debtorId, email.id)).resolves.toMatchObject({
      address: 'jane.doe@example.com',
      kind: 'email',
    });
    const found = await addresses.resolve(scope, debtorId, letter.id);
    expect(found).toMatchObject({ outcome: 'found', kind: 'postal' });
    expect(found.outcome === 'found' && JSON.parse(found.address)).toEqual(
      toJson(PostalAddressSchema, postal),
    );
  });

  it('answers not found for an unknown debtor, another tenant, or an unknown contact point', async () => {
    const { addresses, keys } = setup();

    await expect(addresses.resolve(scope, randomUUID(), mobile.id)).resolves.toEqual({
      outcome: 'debtor_not_found',
    });
    await expect(
      addresses.resolve(TenantScope.of('other-bank'), debtorId, mobile.id),
    ).resolves.toEqual({ outcome: 'debtor_not_found' });
    await expect(addresses.resolve(scope, debtorId, randomUUID())).resolves.toEqual({
      outcome: 'contact_point_not_found',
    });
    // Nothing was decrypted on the way to a 404.
    expect(keys.find).not.toHaveBeenCalled();
  });

  it('answers erased once the debtor is erased, without touching the key store', async () => {
    const { addresses, keys, debtors } = setup({ erasedAt: new Date() });

    await expect(addresses.resolve(scope, debtorId, mobile.id)).resolves.toEqual({
      outcome: 'erased',
    });
    expect(keys.find).not.toHaveBeenCalled();
    expect(debtors.contactPointsOf).not.toHaveBeenCalled();
  });

  it('answers erased when the key is gone even if the debtor is not marked yet', async () => {
    const { addresses } = setup({ keyDestroyed: true });

    await expect(addresses.resolve(scope, debtorId, mobile.id)).resolves.toEqual({
      outcome: 'erased',
    });
  });
});
