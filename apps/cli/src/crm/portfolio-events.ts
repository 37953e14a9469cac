import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  ContactChannel,
  ConsentStatus,
  MoneySchema,
  PostalAddressSchema,
  crmV1,
} from '@clement/contracts';
import type { PortfolioRow } from './portfolio-row';

/**
 * The debtor's profile and contact points from a row. `contact_points` is always set: an import
 * row is the CRM's full picture of the debtor, so it replaces the contact points the CRM sent
 * before (contact points the debtor gave Clement are kept by case-service).
 */
export function debtorUpsertedFromRow(
  row: PortfolioRow,
  sourceVersion: bigint,
): crmV1.DebtorUpserted {
  const consents = (entries: [ContactChannel, ConsentStatus][]) =>
    entries
      .filter(([, status]) => status !== ConsentStatus.UNSPECIFIED)
      .map(([channel, status]) => ({ channel, status }));
  const addressLines = [row.addressLine1, row.addressLine2].filter((line) => line !== '');
  const hasAddress =
    addressLines.length > 0 ||
    [row.locality, row.region, row.postalCode, row.countryCode].some((part) => part !== '');

  return create(crmV1.DebtorUpsertedSchema, {
    creditorDebtorId: row.creditorDebtorId,
    sourceVersion,
    kind: row.kind,
    name:
      row.givenNames !== '' || row.familyName !== ''
        ? { givenNames: row.givenNames, familyName: row.familyName }
        : undefined,
    organisationName: row.organisationName,
    dateOfBirth: row.dateOfBirth,
    preferredLanguage: row.preferredLanguage,
    contactPoints: {
      phones:
        row.mobile === ''
          ? []
          : [
              {
                e164: row.mobile,
                type: crmV1.PhoneType.MOBILE,
                consents: consents([
                  [ContactChannel.SMS, row.mobileSmsConsent],
                  [ContactChannel.WHATSAPP, row.whatsappConsent],
                ]),
                timeZone: row.timeZone,
                preferred: true,
              },
            ],
      emails:
        row.email === ''
          ? []
          : [
              {
                address: row.email,
                consents: consents([[ContactChannel.EMAIL, row.emailConsent]]),
                timeZone: row.timeZone,
                preferred: true,
              },
            ],
      postalAddresses: hasAddress
        ? [
            {
              address: create(PostalAddressSchema, {
                addressLines,
                locality: row.locality,
                region: row.region,
                postalCode: row.postalCode,
                countryCode: row.countryCode,
              }),
              timeZone: row.timeZone,
              preferred: true,
            },
          ]
        : [],
    },
  });
}

/** The account of a row, placed with the agency. */
export function accountPlacedFromRow(
  row: PortfolioRow,
  sourceVersion: bigint,
): crmV1.AccountPlaced {
  return create(crmV1.AccountPlacedSchema, {
    creditorDebtorId: row.creditorDebtorId,
    accountReference: row.accountReference,
    sourceVersion,
    productType: row.productType,
    productName: row.productName,
    originalBalance: create(MoneySchema, {
      amountMinor: row.originalBalanceMinor,
      currency: row.currency,
    }),
    currentBalance: create(MoneySchema, {
      amountMinor: row.currentBalanceMinor,
      currency: row.currency,
    }),
    daysPastDue: row.daysPastDue,
    placementDate: row.placementDate,
  });
}

/**
 * The row's source version: its own `source_version` column, else `--source-version`, else the
 * file's modification time in epoch milliseconds.
 */
export function resolveSourceVersion(
  row: Pick<PortfolioRow, 'sourceVersion'>,
  option: bigint | undefined,
  fileModifiedMs: number,
): bigint {
  return row.sourceVersion ?? option ?? BigInt(Math.trunc(fileModifiedMs));
}

/**
 * A CloudEvents id derived from what the event says rather than drawn at random: the SHA-256 of
 * tenant, event type, entity reference and source version, formatted as a UUID (version 5
 * layout, as RFC 9562 allows for name-based ids with other hashes). Importing the same file
 * again yields the same ids, so Clement's inbox drops the records as already seen.
 */
export function deterministicEventId(
  tenant: string,
  eventType: string,
  entityReference: string,
  sourceVersion: bigint,
): string {
  const digest = createHash('sha256')
    .update([tenant, eventType, entityReference, sourceVersion.toString()].join('\u0000'))
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
