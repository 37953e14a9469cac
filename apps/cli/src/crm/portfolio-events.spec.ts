import { ConsentStatus, ContactChannel, crmV1 } from '@clement/contracts';
import { validRecord } from './__fixtures__/portfolio-record';
import {
  accountPlacedFromRow,
  debtorUpsertedFromRow,
  deterministicEventId,
  resolveSourceVersion,
} from './portfolio-events';
import { parsePortfolioRecord } from './portfolio-row';

const rowOf = (overrides: Record<string, unknown> = {}) =>
  parsePortfolioRecord(validRecord(overrides)).row;

describe('portfolio rows as CRM inbound events', () => {
  it('maps the debtor columns to a DebtorUpserted with the row as contact points', () => {
    const debtor = debtorUpsertedFromRow(rowOf(), 7n);
    expect(debtor).toMatchObject({
      creditorDebtorId: 'C-1001',
      sourceVersion: 7n,
      kind: crmV1.DebtorKind.PERSON,
      name: { givenNames: 'Lucía', familyName: 'García López', displayName: '' },
      dateOfBirth: '1980-04-12',
      preferredLanguage: 'es-ES',
    });
    expect(debtor.contactPoints?.phones).toEqual([
      expect.objectContaining({
        e164: '+34600000123',
        type: crmV1.PhoneType.MOBILE,
        consents: [
          expect.objectContaining({ channel: ContactChannel.SMS, status: ConsentStatus.GRANTED }),
        ],
        timeZone: 'Europe/Madrid',
        preferred: true,
      }),
    ]);
    expect(debtor.contactPoints?.emails).toEqual([
      expect.objectContaining({
        address: 'lucia@example.com',
        consents: [
          expect.objectContaining({
            channel: ContactChannel.EMAIL,
            status: ConsentStatus.WITHDRAWN,
          }),
        ],
      }),
    ]);
    expect(debtor.contactPoints?.postalAddresses[0].address).toMatchObject({
      addressLines: ['Calle Mayor 12', '2º B'],
      locality: 'Madrid',
      region: 'Madrid',
      postalCode: '28013',
      countryCode: 'ES',
    });
  });

  it('sends an empty contact point set when the row has none: the row is the full picture', () => {
    const debtor = debtorUpsertedFromRow(
      rowOf({
        mobile: '',
        mobile_sms_consent: '',
        email: '',
        email_consent: '',
        address_line1: '',
        address_line2: '',
        locality: '',
        region: '',
        postal_code: '',
        country_code: '',
      }),
      1n,
    );
    expect(debtor.contactPoints).toMatchObject({ phones: [], emails: [], postalAddresses: [] });
  });

  it('maps an organisation without a person name', () => {
    const debtor = debtorUpsertedFromRow(
      rowOf({
        kind: 'organisation',
        given_names: '',
        family_name: '',
        organisation_name: 'Acme S.L.',
      }),
      1n,
    );
    expect(debtor.kind).toBe(crmV1.DebtorKind.ORGANISATION);
    expect(debtor.name).toBeUndefined();
    expect(debtor.organisationName).toBe('Acme S.L.');
  });

  it('maps the account columns to an AccountPlaced in one currency', () => {
    expect(accountPlacedFromRow(rowOf(), 9n)).toMatchObject({
      creditorDebtorId: 'C-1001',
      accountReference: 'A-1001-1',
      sourceVersion: 9n,
      productType: crmV1.ProductType.CREDIT_CARD,
      productName: 'Tarjeta Visa Clásica',
      originalBalance: { amountMinor: 250000n, currency: 'EUR' },
      currentBalance: { amountMinor: 184250n, currency: 'EUR' },
      daysPastDue: 46,
      placementDate: '2026-10-01',
    });
  });

  it('takes the source version from the row, else the option, else the file time', () => {
    const mtime = 1732436400123.456;
    expect(resolveSourceVersion({ sourceVersion: 5n }, 6n, mtime)).toBe(5n);
    expect(resolveSourceVersion({ sourceVersion: undefined }, 6n, mtime)).toBe(6n);
    expect(resolveSourceVersion({ sourceVersion: undefined }, undefined, mtime)).toBe(
      1732436400123n,
    );
  });

  it('derives UUID-shaped ids from tenant, type, entity and version', () => {
    const id = deterministicEventId('acme-bank', 'clement.crm.v1.AccountPlaced', 'account/A-1', 5n);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(
      deterministicEventId('acme-bank', 'clement.crm.v1.AccountPlaced', 'account/A-1', 5n),
    ).toBe(id);
    const others = [
      deterministicEventId('other-bank', 'clement.crm.v1.AccountPlaced', 'account/A-1', 5n),
      deterministicEventId('acme-bank', 'clement.crm.v1.DebtorUpserted', 'account/A-1', 5n),
      deterministicEventId('acme-bank', 'clement.crm.v1.AccountPlaced', 'account/A-2', 5n),
      deterministicEventId('acme-bank', 'clement.crm.v1.AccountPlaced', 'account/A-1', 6n),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });
});
