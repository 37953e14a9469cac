import { randomBytes, randomUUID } from 'node:crypto';
import { create, fromBinary } from '@bufbuild/protobuf';
import {
  caseV1,
  crmV1,
  ContactChannel,
  ConsentStatus,
  PostalAddressSchema,
} from '@clement/contracts';
import { BlindIndex, type DebtorKeyStore } from '../pii';
import { TenantScope } from '../tenancy/tenant-scope';
import { contactPointsForEvent, contactPointsFromCrm } from './contact-points';
import { DebtorSealer, DebtorVault } from './debtor-vault';

const scope = TenantScope.of('acme-bank');
const debtorId = randomUUID();
const sealer = new DebtorSealer(scope, debtorId, 'dk_test', randomBytes(32));
// The mapping only uses the vault's blind index; no key store is needed.
const vault = new DebtorVault({} as DebtorKeyStore, new BlindIndex(randomBytes(32)));

const set = create(crmV1.ContactPointSetSchema, {
  phones: [
    {
      e164: '+447700900123',
      type: crmV1.PhoneType.MOBILE,
      timeZone: 'Europe/London',
      consents: [{ channel: ContactChannel.SMS, status: ConsentStatus.GRANTED }],
    },
    { e164: '+442079460000', type: crmV1.PhoneType.WORK },
  ],
  emails: [{ address: ' Jane.Doe@Example.com ', preferred: true }],
  postalAddresses: [
    { address: { addressLines: ['10 High Street'], locality: 'Leeds', countryCode: 'GB' } },
  ],
});

describe('contact points from the CRM', () => {
  const points = contactPointsFromCrm(set, { scope, sealer, vault, existing: [] });

  it('encrypts every address and indexes phones and emails', () => {
    expect(points.map((point) => [point.kind, point.phoneType, point.blindIndex !== null])).toEqual(
      [
        ['mobile', 'MOBILE', true],
        ['landline', 'WORK', true],
        ['email', null, true],
        ['postal', null, false],
      ],
    );
    for (const point of points) {
      expect(point.value.includes(Buffer.from('+447700900123'))).toBe(false);
      expect(point.value.includes(Buffer.from('Leeds'))).toBe(false);
    }
    expect(sealer.openBytes(points[0]!.value).toString()).toBe('+447700900123');
    expect(sealer.openBytes(points[2]!.value).toString()).toBe('Jane.Doe@Example.com');
    expect(fromBinary(PostalAddressSchema, sealer.openBytes(points[3]!.value)).locality).toBe(
      'Leeds',
    );
    expect(points[2]?.blindIndex).toEqual(
      vault.blindIndex.email('acme-bank', 'jane.doe@example.com'),
    );
  });

  it('keeps the id of a phone or email it already knew, so opt-outs stay attached', () => {
    const again = contactPointsFromCrm(set, { scope, sealer, vault, existing: points });

    expect(again.slice(0, 3).map((point) => point.id)).toEqual(
      points.slice(0, 3).map((point) => point.id),
    );
    expect(again[3]?.id).not.toBe(points[3]?.id);
  });

  it('carries consents, zones and the encrypted value into the case event', () => {
    const [mobile] = contactPointsForEvent(points);

    expect(mobile).toMatchObject({
      contactPointId: points[0]?.id,
      kind: caseV1.ContactPointKind.MOBILE,
      timeZone: 'Europe/London',
      consents: [{ channel: ContactChannel.SMS, status: ConsentStatus.GRANTED }],
      value: { keyId: 'dk_test', algorithm: 'AES-256-GCM' },
    });
    expect(sealer.open(mobile!.value!).toString()).toBe('+447700900123');
  });
});
