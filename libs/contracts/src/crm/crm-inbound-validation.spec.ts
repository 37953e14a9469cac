import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clone, create, fromJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { TimestampSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { parse } from 'yaml';
import {
  ChannelConsentSchema,
  ConsentStatus,
  ContactChannel,
  ContactPointSource,
} from '../gen/clement/common/v1/contact_pb';
import { HoldKind } from '../gen/clement/common/v1/hold_pb';
import { MoneySchema } from '../gen/clement/common/v1/money_pb';
import { VulnerabilityCategory } from '../gen/clement/common/v1/vulnerability_pb';
import * as crmV1 from '../gen/clement/crm/v1/crm_pb';
import { CRM_INBOUND_MESSAGES } from '../topics';
import {
  crmInboundProblems,
  describeProblems,
  isCrmInboundMessage,
  type CrmInboundMessage,
  type FieldProblem,
} from './crm-inbound-validation';

const now = new Date('2026-11-24T12:00:00Z');
const problemsOf = (message: CrmInboundMessage): FieldProblem[] =>
  crmInboundProblems(message, { now });

const at = (iso: string) => timestampFromDate(new Date(iso));
const gbp = (amountMinor: bigint) => create(MoneySchema, { amountMinor, currency: 'GBP' });

// ---------------------------------------------------------------------------------------------
// One valid example of each inbound event
// ---------------------------------------------------------------------------------------------

const debtorUpserted = create(crmV1.DebtorUpsertedSchema, {
  creditorDebtorId: 'C-102938',
  sourceVersion: 1732350000000n,
  kind: crmV1.DebtorKind.PERSON,
  name: { givenNames: 'Jane', familyName: 'Doe' },
  dateOfBirth: '1984-07-21',
  preferredLanguage: 'en-GB',
  contactPoints: {
    phones: [
      {
        e164: '+447700900123',
        type: crmV1.PhoneType.MOBILE,
        source: ContactPointSource.CREDITOR_VERIFIED,
        consents: [
          {
            channel: ContactChannel.SMS,
            status: ConsentStatus.GRANTED,
            recordedAt: at('2024-03-01T10:00:00Z'),
          },
          { channel: ContactChannel.VOICE, status: ConsentStatus.WITHDRAWN },
        ],
        timeZone: 'Europe/London',
        preferred: true,
      },
      {
        e164: '+441134960000',
        type: crmV1.PhoneType.LANDLINE,
        consents: [{ channel: ContactChannel.VOICE, status: ConsentStatus.GRANTED }],
      },
    ],
    emails: [
      {
        address: 'jane.doe@example.com',
        source: ContactPointSource.DEBTOR_PROVIDED,
        consents: [{ channel: ContactChannel.EMAIL, status: ConsentStatus.GRANTED }],
        timeZone: 'Europe/London',
      },
    ],
    postalAddresses: [
      {
        address: {
          addressLines: ['Flat 2', '10 High Street'],
          locality: 'Leeds',
          postalCode: 'LS1 4AB',
          countryCode: 'GB',
        },
        consents: [{ channel: ContactChannel.LETTER, status: ConsentStatus.GRANTED }],
        preferred: true,
      },
    ],
  },
});

const accountPlaced = create(crmV1.AccountPlacedSchema, {
  creditorDebtorId: 'C-102938',
  accountReference: 'CC-4455-01',
  sourceVersion: 1732350000000n,
  productType: crmV1.ProductType.CREDIT_CARD,
  productName: 'Acme Platinum Card',
  originalBalance: gbp(250_000n),
  currentBalance: gbp(184_250n),
  daysPastDue: 45,
  placementDate: '2026-11-23',
});

const accountUpdated = create(crmV1.AccountUpdatedSchema, {
  creditorDebtorId: 'C-102938',
  accountReference: 'CC-4455-01',
  sourceVersion: 1732436400000n,
  currentBalance: gbp(186_010n),
  daysPastDue: 46,
});

const paymentReported = create(crmV1.PaymentReportedSchema, {
  creditorDebtorId: 'C-102938',
  accountReference: 'CC-4455-01',
  sourceVersion: 1732440000000n,
  creditorPaymentReference: 'PAY-2026-000123',
  amount: gbp(50_000n),
  paidAt: at('2026-11-24T09:12:00Z'),
  method: crmV1.PaymentMethod.CARD,
  status: crmV1.PaymentReportStatus.RECEIVED,
});

const accountRecalled = create(crmV1.AccountRecalledSchema, {
  creditorDebtorId: 'C-102938',
  accountReference: 'CC-4455-01',
  sourceVersion: 1732500000000n,
  reason: crmV1.RecallReason.COMPLAINT,
  effectiveAt: at('2026-11-25T00:00:00Z'),
});

const contactPointsChanged = create(crmV1.ContactPointsChangedSchema, {
  creditorDebtorId: 'C-102938',
  sourceVersion: 1732443600000n,
  contactPoints: { phones: [{ e164: '+447700900123', type: crmV1.PhoneType.MOBILE }] },
});

const vulnerabilityReported = create(crmV1.VulnerabilityReportedSchema, {
  creditorDebtorId: 'C-102938',
  sourceVersion: 1732447200000n,
  categories: [VulnerabilityCategory.LIFE_EVENT],
  identifiedAt: at('2026-11-20T14:00:00Z'),
  reviewDate: '2027-02-20',
});

const holdRequested = create(crmV1.HoldRequestedSchema, {
  creditorDebtorId: 'C-102938',
  sourceVersion: 1732450800000n,
  creditorHoldReference: 'BS-7781',
  kind: HoldKind.BREATHING_SPACE,
  startsAt: at('2026-11-24T00:00:00Z'),
  endsAt: at('2027-01-23T00:00:00Z'),
});

const holdLifted = create(crmV1.HoldLiftedSchema, {
  creditorDebtorId: 'C-102938',
  sourceVersion: 1733000000000n,
  creditorHoldReference: 'BS-7781',
  liftedAt: at('2026-12-01T00:00:00Z'),
});

const validExamples: readonly CrmInboundMessage[] = [
  debtorUpserted,
  accountPlaced,
  accountUpdated,
  paymentReported,
  accountRecalled,
  contactPointsChanged,
  vulnerabilityReported,
  holdRequested,
  holdLifted,
];

/** A copy of a valid message with one change. */
function variant<M extends CrmInboundMessage>(message: M, change: (copy: M) => void): M {
  const schema = CRM_INBOUND_MESSAGES.find((s) => s.typeName === message.$typeName)!;
  const copy = clone(schema as DescMessage, message) as M;
  change(copy);
  return copy;
}

const contactPointsOf = (m: crmV1.DebtorUpserted) => m.contactPoints!;
const firstPhone = (m: crmV1.DebtorUpserted) => contactPointsOf(m).phones[0];
const landline = (m: crmV1.DebtorUpserted) => contactPointsOf(m).phones[1];
const firstEmail = (m: crmV1.DebtorUpserted) => contactPointsOf(m).emails[0];
const firstPostal = (m: crmV1.DebtorUpserted) => contactPointsOf(m).postalAddresses[0];

describe('crmInboundProblems', () => {
  it('has a valid example for every inbound event', () => {
    expect(validExamples.map((m) => m.$typeName)).toEqual(
      CRM_INBOUND_MESSAGES.map((s) => s.typeName),
    );
  });

  it.each(validExamples.map((m) => [m.$typeName, m] as const))('accepts %s', (_name, message) => {
    expect(problemsOf(message)).toEqual([]);
  });

  it.each([
    [
      'an organisation',
      variant(debtorUpserted, (m) => {
        m.kind = crmV1.DebtorKind.ORGANISATION;
        m.name = undefined;
        m.organisationName = 'Doe Plumbing Ltd';
        m.dateOfBirth = '';
      }),
    ],
    [
      'a person known only by a display name',
      variant(debtorUpserted, (m) => {
        m.name = create(crmV1.PersonNameSchema, { displayName: 'Dr J. Doe' });
      }),
    ],
    [
      'a debtor without contact points (left as they are)',
      variant(debtorUpserted, (m) => {
        m.contactPoints = undefined;
        m.dateOfBirth = '';
        m.preferredLanguage = '';
      }),
    ],
    [
      'an empty contact point set',
      variant(contactPointsChanged, (m) => {
        m.contactPoints = create(crmV1.ContactPointSetSchema);
      }),
    ],
    [
      'a date of birth on a leap day',
      variant(debtorUpserted, (m) => {
        m.dateOfBirth = '2000-02-29';
      }),
    ],
    [
      'a date of birth today',
      variant(debtorUpserted, (m) => {
        m.dateOfBirth = '2026-11-24';
      }),
    ],
    [
      'WhatsApp on a work number and a UTC time zone',
      variant(debtorUpserted, (m) => {
        firstPhone(m).type = crmV1.PhoneType.WORK;
        firstPhone(m).consents.push(
          create(ChannelConsentSchema, {
            channel: ContactChannel.WHATSAPP,
            status: ConsentStatus.GRANTED,
          }),
        );
        firstPhone(m).timeZone = 'UTC';
      }),
    ],
    [
      'a postal address with only a postal code',
      variant(debtorUpserted, (m) => {
        const address = firstPostal(m).address!;
        address.addressLines = [];
        address.locality = '';
      }),
    ],
    [
      'a zero balance',
      variant(accountUpdated, (m) => {
        m.currentBalance!.amountMinor = 0n;
      }),
    ],
    [
      'an account of another currency',
      variant(accountPlaced, (m) => {
        m.originalBalance!.currency = 'EUR';
        m.currentBalance!.currency = 'EUR';
      }),
    ],
    [
      'a product of type OTHER with a name',
      variant(accountPlaced, (m) => {
        m.productType = crmV1.ProductType.OTHER;
      }),
    ],
    [
      'a reversed payment without a method',
      variant(paymentReported, (m) => {
        m.status = crmV1.PaymentReportStatus.REVERSED;
        m.method = crmV1.PaymentMethod.UNSPECIFIED;
      }),
    ],
    [
      'a vulnerability record emptied',
      variant(vulnerabilityReported, (m) => {
        m.categories = [];
        m.identifiedAt = undefined;
        m.reviewDate = '';
      }),
    ],
    [
      'a dispute on one account that lasts until lifted',
      variant(holdRequested, (m) => {
        m.kind = HoldKind.DISPUTE;
        m.accountReference = 'CC-4455-01';
        m.startsAt = undefined;
        m.endsAt = undefined;
      }),
    ],
    [
      'a reference of exactly 128 characters',
      variant(holdLifted, (m) => {
        m.creditorHoldReference = 'H'.repeat(128);
      }),
    ],
  ])('also accepts %s', (_name, message) => {
    expect(problemsOf(message)).toEqual([]);
  });

  // One failing case per rule; each message breaks exactly one rule.
  const rejected: ReadonlyArray<readonly [string, CrmInboundMessage, string, string]> = [
    // creditor ids and references
    [
      'missing debtor id',
      variant(accountUpdated, (m) => (m.creditorDebtorId = '')),
      'creditor_debtor_id',
      'is required',
    ],
    [
      'blank debtor id',
      variant(holdLifted, (m) => (m.creditorDebtorId = '   ')),
      'creditor_debtor_id',
      'must not be blank',
    ],
    [
      'debtor id with spaces around',
      variant(accountUpdated, (m) => (m.creditorDebtorId = ' C-1')),
      'creditor_debtor_id',
      'must not start or end with whitespace',
    ],
    [
      'reference over 128 characters',
      variant(accountUpdated, (m) => (m.accountReference = 'A'.repeat(129))),
      'account_reference',
      'must be at most 128 characters',
    ],
    [
      'reference with a control character',
      variant(accountRecalled, (m) => (m.accountReference = 'CC\u000701')),
      'account_reference',
      'must not contain control characters',
    ],
    [
      'missing payment reference',
      variant(paymentReported, (m) => (m.creditorPaymentReference = '')),
      'creditor_payment_reference',
      'is required',
    ],
    [
      'missing hold reference',
      variant(holdRequested, (m) => (m.creditorHoldReference = '')),
      'creditor_hold_reference',
      'is required',
    ],
    [
      'bad optional account reference on a hold',
      variant(holdRequested, (m) => (m.accountReference = 'CC\n01')),
      'account_reference',
      'must not contain control characters',
    ],
    // source versions
    [
      'zero source version',
      variant(debtorUpserted, (m) => (m.sourceVersion = 0n)),
      'source_version',
      'must be positive',
    ],
    [
      'negative source version',
      variant(holdLifted, (m) => (m.sourceVersion = -5n)),
      'source_version',
      'must be positive',
    ],
    // money
    [
      'missing balance',
      variant(accountUpdated, (m) => (m.currentBalance = undefined)),
      'current_balance',
      'is required',
    ],
    [
      'missing currency',
      variant(accountUpdated, (m) => (m.currentBalance!.currency = '')),
      'current_balance.currency',
      'is required',
    ],
    [
      'lower-case currency',
      variant(accountUpdated, (m) => (m.currentBalance!.currency = 'gbp')),
      'current_balance.currency',
      'must be an ISO 4217 currency code, e.g. GBP',
    ],
    [
      'made-up currency',
      variant(paymentReported, (m) => (m.amount!.currency = 'ABC')),
      'amount.currency',
      'must be an ISO 4217 currency code, e.g. GBP',
    ],
    [
      'negative balance',
      variant(accountUpdated, (m) => (m.currentBalance!.amountMinor = -1n)),
      'current_balance.amount_minor',
      'must not be negative',
    ],
    [
      'negative original balance',
      variant(accountPlaced, (m) => (m.originalBalance!.amountMinor = -100n)),
      'original_balance.amount_minor',
      'must not be negative',
    ],
    [
      'missing original balance',
      variant(accountPlaced, (m) => (m.originalBalance = undefined)),
      'original_balance',
      'is required',
    ],
    [
      'zero payment',
      variant(paymentReported, (m) => (m.amount!.amountMinor = 0n)),
      'amount.amount_minor',
      'must be positive',
    ],
    [
      'missing payment amount',
      variant(paymentReported, (m) => (m.amount = undefined)),
      'amount',
      'is required',
    ],
    [
      'balances in two currencies',
      variant(accountPlaced, (m) => (m.currentBalance!.currency = 'EUR')),
      'current_balance.currency',
      'must be the currency of original_balance',
    ],
    // DebtorUpserted
    [
      'debtor kind unspecified',
      variant(debtorUpserted, (m) => (m.kind = crmV1.DebtorKind.UNSPECIFIED)),
      'kind',
      'is required',
    ],
    [
      'debtor kind unknown to the schema',
      variant(debtorUpserted, (m) => (m.kind = 7 as crmV1.DebtorKind)),
      'kind',
      'must be one of DEBTOR_KIND_PERSON, DEBTOR_KIND_ORGANISATION',
    ],
    [
      'person without a family or display name',
      variant(debtorUpserted, (m) => (m.name!.familyName = ' ')),
      'name',
      'needs a family_name or a display_name for a person',
    ],
    [
      'person without a name at all',
      variant(debtorUpserted, (m) => (m.name = undefined)),
      'name',
      'needs a family_name or a display_name for a person',
    ],
    [
      'organisation without its name',
      variant(debtorUpserted, (m) => {
        m.kind = crmV1.DebtorKind.ORGANISATION;
        m.organisationName = '';
      }),
      'organisation_name',
      'is required for an organisation',
    ],
    [
      'date of birth not YYYY-MM-DD',
      variant(debtorUpserted, (m) => (m.dateOfBirth = '21/07/1984')),
      'date_of_birth',
      'must be a date YYYY-MM-DD',
    ],
    [
      'date of birth that does not exist',
      variant(debtorUpserted, (m) => (m.dateOfBirth = '2025-02-30')),
      'date_of_birth',
      'must be a date that exists',
    ],
    [
      'date of birth on 29 February of a common year',
      variant(debtorUpserted, (m) => (m.dateOfBirth = '1900-02-29')),
      'date_of_birth',
      'must be a date that exists',
    ],
    [
      'date of birth in the future',
      variant(debtorUpserted, (m) => (m.dateOfBirth = '2026-11-25')),
      'date_of_birth',
      'must not be in the future',
    ],
    [
      'date of birth before 1900',
      variant(debtorUpserted, (m) => (m.dateOfBirth = '1899-12-31')),
      'date_of_birth',
      'must not be before 1900-01-01',
    ],
    [
      'language that is no BCP 47 tag',
      variant(debtorUpserted, (m) => (m.preferredLanguage = 'en_GB')),
      'preferred_language',
      'must be a BCP 47 language tag, e.g. en-GB',
    ],
    // phones
    [
      'phone number not in E.164',
      variant(debtorUpserted, (m) => (firstPhone(m).e164 = '07700900123')),
      'contact_points.phones[0].e164',
      'must be an E.164 number',
    ],
    [
      'phone without a number',
      variant(debtorUpserted, (m) => (firstPhone(m).e164 = '')),
      'contact_points.phones[0].e164',
      'is required',
    ],
    [
      'unknown phone type',
      variant(debtorUpserted, (m) => (firstPhone(m).type = 9 as crmV1.PhoneType)),
      'contact_points.phones[0].type',
      'must be one of PHONE_TYPE_MOBILE, PHONE_TYPE_LANDLINE, PHONE_TYPE_WORK',
    ],
    [
      'time zone unknown to IANA',
      variant(debtorUpserted, (m) => (firstPhone(m).timeZone = 'Mars/Olympus')),
      'contact_points.phones[0].time_zone',
      'must be an IANA time zone, e.g. Europe/London',
    ],
    [
      'time zone given as an offset',
      variant(debtorUpserted, (m) => (firstPhone(m).timeZone = '+01:00')),
      'contact_points.phones[0].time_zone',
      'must be an IANA time zone, e.g. Europe/London',
    ],
    [
      'email consent on a phone',
      variant(debtorUpserted, (m) => (firstPhone(m).consents[1].channel = ContactChannel.EMAIL)),
      'contact_points.phones[0].consents[1].channel',
      'must be CONTACT_CHANNEL_SMS or CONTACT_CHANNEL_VOICE or CONTACT_CHANNEL_WHATSAPP for a phone',
    ],
    [
      'SMS consent on a landline',
      variant(debtorUpserted, (m) => (landline(m).consents[0].channel = ContactChannel.SMS)),
      'contact_points.phones[1].consents[0].channel',
      'must be CONTACT_CHANNEL_VOICE for a landline',
    ],
    [
      'WhatsApp consent on a landline',
      variant(debtorUpserted, (m) => (landline(m).consents[0].channel = ContactChannel.WHATSAPP)),
      'contact_points.phones[1].consents[0].channel',
      'must be CONTACT_CHANNEL_VOICE for a landline',
    ],
    [
      'consent without a channel',
      variant(
        debtorUpserted,
        (m) => (firstPhone(m).consents[0].channel = ContactChannel.UNSPECIFIED),
      ),
      'contact_points.phones[0].consents[0].channel',
      'is required',
    ],
    [
      'two consents for one channel',
      variant(debtorUpserted, (m) => (firstPhone(m).consents[1].channel = ContactChannel.SMS)),
      'contact_points.phones[0].consents[1].channel',
      'is listed twice; give one consent per channel',
    ],
    [
      'unknown consent status',
      variant(debtorUpserted, (m) => (firstPhone(m).consents[0].status = 5 as ConsentStatus)),
      'contact_points.phones[0].consents[0].status',
      'must be one of CONSENT_STATUS_GRANTED, CONSENT_STATUS_WITHDRAWN',
    ],
    [
      'consent recorded at an impossible instant',
      variant(debtorUpserted, (m) => (firstPhone(m).consents[0].recordedAt!.nanos = -1)),
      'contact_points.phones[0].consents[0].recorded_at',
      'must be a timestamp between 0001-01-01 and 9999-12-31',
    ],
    [
      'unknown contact point source',
      variant(debtorUpserted, (m) => (firstPhone(m).source = 42 as ContactPointSource)),
      'contact_points.phones[0].source',
      'must be one of CONTACT_POINT_SOURCE_DEBTOR_PROVIDED, CONTACT_POINT_SOURCE_CREDITOR_VERIFIED, ' +
        'CONTACT_POINT_SOURCE_THIRD_PARTY, CONTACT_POINT_SOURCE_CLEMENT',
    ],
    // emails
    [
      'email address without a domain',
      variant(debtorUpserted, (m) => (firstEmail(m).address = 'jane.doe@example')),
      'contact_points.emails[0].address',
      'must be an email address, e.g. jane@example.com',
    ],
    [
      'email address with a space',
      variant(debtorUpserted, (m) => (firstEmail(m).address = 'jane doe@example.com')),
      'contact_points.emails[0].address',
      'must be an email address, e.g. jane@example.com',
    ],
    [
      'email address over 254 characters',
      variant(debtorUpserted, (m) => (firstEmail(m).address = `${'j'.repeat(250)}@example.com`)),
      'contact_points.emails[0].address',
      'must be at most 254 characters',
    ],
    [
      'email without an address',
      variant(debtorUpserted, (m) => (firstEmail(m).address = '')),
      'contact_points.emails[0].address',
      'is required',
    ],
    [
      'SMS consent on an email address',
      variant(debtorUpserted, (m) => (firstEmail(m).consents[0].channel = ContactChannel.SMS)),
      'contact_points.emails[0].consents[0].channel',
      'must be CONTACT_CHANNEL_EMAIL for an email address',
    ],
    // postal addresses
    [
      'email consent on a postal address',
      variant(debtorUpserted, (m) => (firstPostal(m).consents[0].channel = ContactChannel.EMAIL)),
      'contact_points.postal_addresses[0].consents[0].channel',
      'must be CONTACT_CHANNEL_LETTER for a postal address',
    ],
    [
      'postal contact without an address',
      variant(debtorUpserted, (m) => (firstPostal(m).address = undefined)),
      'contact_points.postal_addresses[0].address',
      'is required',
    ],
    [
      'postal address with only a country',
      variant(debtorUpserted, (m) => {
        const address = firstPostal(m).address!;
        address.addressLines = [' '];
        address.locality = '';
        address.postalCode = '';
      }),
      'contact_points.postal_addresses[0].address',
      'needs an address line, a locality or a postal_code',
    ],
    [
      'lower-case country code',
      variant(debtorUpserted, (m) => (firstPostal(m).address!.countryCode = 'gb')),
      'contact_points.postal_addresses[0].address.country_code',
      'must be an ISO 3166-1 alpha-2 country code',
    ],
    [
      'missing country code',
      variant(debtorUpserted, (m) => (firstPostal(m).address!.countryCode = '')),
      'contact_points.postal_addresses[0].address.country_code',
      'is required',
    ],
    // AccountPlaced
    [
      'product type unspecified',
      variant(accountPlaced, (m) => (m.productType = crmV1.ProductType.UNSPECIFIED)),
      'product_type',
      'is required',
    ],
    [
      'product of type OTHER without a name',
      variant(accountPlaced, (m) => {
        m.productType = crmV1.ProductType.OTHER;
        m.productName = '';
      }),
      'product_name',
      'is required when product_type is PRODUCT_TYPE_OTHER',
    ],
    [
      'missing placement date',
      variant(accountPlaced, (m) => (m.placementDate = '')),
      'placement_date',
      'is required',
    ],
    [
      'placement date in month 13',
      variant(accountPlaced, (m) => (m.placementDate = '2026-13-01')),
      'placement_date',
      'must be a date that exists',
    ],
    // PaymentReported
    [
      'payment without paid_at',
      variant(paymentReported, (m) => (m.paidAt = undefined)),
      'paid_at',
      'is required',
    ],
    [
      'payment status unspecified',
      variant(paymentReported, (m) => (m.status = crmV1.PaymentReportStatus.UNSPECIFIED)),
      'status',
      'is required',
    ],
    [
      'payment method unknown to the schema',
      variant(paymentReported, (m) => (m.method = 42 as crmV1.PaymentMethod)),
      'method',
      'must be one of PAYMENT_METHOD_CARD, PAYMENT_METHOD_BANK_TRANSFER, PAYMENT_METHOD_DIRECT_DEBIT, PAYMENT_METHOD_OTHER',
    ],
    // AccountRecalled
    [
      'recall reason unspecified',
      variant(accountRecalled, (m) => (m.reason = crmV1.RecallReason.UNSPECIFIED)),
      'reason',
      'is required',
    ],
    [
      'recall without effective_at',
      variant(accountRecalled, (m) => (m.effectiveAt = undefined)),
      'effective_at',
      'is required',
    ],
    // ContactPointsChanged
    [
      'contact points changed without a set',
      variant(contactPointsChanged, (m) => (m.contactPoints = undefined)),
      'contact_points',
      'is required (an empty set removes every contact point)',
    ],
    [
      'contact points changed with a bad number',
      variant(contactPointsChanged, (m) => (m.contactPoints!.phones[0].e164 = '+0123')),
      'contact_points.phones[0].e164',
      'must be an E.164 number',
    ],
    // VulnerabilityReported
    [
      'vulnerability category unspecified',
      variant(vulnerabilityReported, (m) => m.categories.push(VulnerabilityCategory.UNSPECIFIED)),
      'categories[1]',
      'must be one of VULNERABILITY_CATEGORY_HEALTH, VULNERABILITY_CATEGORY_LIFE_EVENT, ' +
        'VULNERABILITY_CATEGORY_LOW_RESILIENCE, VULNERABILITY_CATEGORY_LOW_CAPABILITY',
    ],
    [
      'review date that does not parse',
      variant(vulnerabilityReported, (m) => (m.reviewDate = '2027-2-20')),
      'review_date',
      'must be a date YYYY-MM-DD',
    ],
    [
      'identified_at beyond year 9999',
      variant(vulnerabilityReported, (m) => (m.identifiedAt!.seconds = 253_402_300_800n)),
      'identified_at',
      'must be a timestamp between 0001-01-01 and 9999-12-31',
    ],
    // HoldRequested
    [
      'hold kind unspecified',
      variant(holdRequested, (m) => (m.kind = HoldKind.UNSPECIFIED)),
      'kind',
      'is required',
    ],
    [
      'breathing space without a start',
      variant(holdRequested, (m) => (m.startsAt = undefined)),
      'starts_at',
      'is required for HOLD_KIND_BREATHING_SPACE',
    ],
    [
      'breathing space without an end',
      variant(holdRequested, (m) => (m.endsAt = undefined)),
      'ends_at',
      'is required for HOLD_KIND_BREATHING_SPACE',
    ],
    [
      'hold ending when it starts',
      variant(holdRequested, (m) => (m.endsAt = clone(TimestampSchema, m.startsAt!))),
      'ends_at',
      'must be after starts_at',
    ],
    [
      'dispute ending before it starts',
      variant(holdRequested, (m) => {
        m.kind = HoldKind.DISPUTE;
        m.endsAt = at('2026-11-23T23:59:59.999Z');
      }),
      'ends_at',
      'must be after starts_at',
    ],
    // HoldLifted
    [
      'hold lifted without lifted_at',
      variant(holdLifted, (m) => (m.liftedAt = undefined)),
      'lifted_at',
      'is required',
    ],
  ];

  it.each(rejected)('rejects %s', (_rule, message, field, reason) => {
    expect(problemsOf(message)).toEqual([{ field, reason }]);
  });

  it('reports every problem of an event, in field order', () => {
    const broken = create(crmV1.AccountPlacedSchema, {
      creditorDebtorId: 'C-1',
      originalBalance: { amountMinor: -1n, currency: 'GBP' },
    });
    expect(problemsOf(broken)).toEqual([
      { field: 'account_reference', reason: 'is required' },
      { field: 'source_version', reason: 'must be positive' },
      { field: 'product_type', reason: 'is required' },
      { field: 'original_balance.amount_minor', reason: 'must not be negative' },
      { field: 'current_balance', reason: 'is required' },
      { field: 'placement_date', reason: 'is required' },
    ]);
  });

  it('never repeats the offending values, which may be personal data', () => {
    const personal = [
      '07700 900123',
      'jane at example dot com',
      'Doe\u0000',
      'Mars/Jane',
      '13/13/1913',
    ];
    const broken = variant(debtorUpserted, (m) => {
      firstPhone(m).e164 = personal[0];
      firstEmail(m).address = personal[1];
      m.creditorDebtorId = personal[2];
      firstPhone(m).timeZone = personal[3];
      m.dateOfBirth = personal[4];
    });
    const report = describeProblems(problemsOf(broken));
    expect(report.split('; ')).toHaveLength(5);
    for (const value of personal) expect(report).not.toContain(value);
  });

  it('uses the system clock when no time is given', () => {
    const nextYear = new Date().getUTCFullYear() + 1;
    const bornNextYear = variant(debtorUpserted, (m) => (m.dateOfBirth = `${nextYear}-01-01`));
    expect(crmInboundProblems(bornNextYear)).toEqual([
      { field: 'date_of_birth', reason: 'must not be in the future' },
    ]);
  });

  it('refuses a message that is not a CRM inbound event', () => {
    const outbound = create(crmV1.PromiseMadeSchema, { creditorDebtorId: 'C-1' });
    expect(isCrmInboundMessage(outbound)).toBe(false);
    expect(isCrmInboundMessage(holdLifted)).toBe(true);
    expect(() => crmInboundProblems(outbound as unknown as CrmInboundMessage)).toThrow(
      'not a CRM inbound event: clement.crm.v1.PromiseMade',
    );
  });

  it('accepts every inbound example of the published AsyncAPI contract', () => {
    const documentPath = path.resolve(__dirname, '../../../../docs/asyncapi/crm.asyncapi.yaml');
    const doc = parse(readFileSync(documentPath, 'utf8')) as {
      components: { messages: Record<string, { examples: { payload: JsonValue }[] }> };
    };
    for (const schema of CRM_INBOUND_MESSAGES) {
      const [example] = doc.components.messages[schema.typeName].examples;
      const message = fromJson(schema as DescMessage, example.payload) as CrmInboundMessage;
      expect({ type: schema.typeName, problems: problemsOf(message) }).toEqual({
        type: schema.typeName,
        problems: [],
      });
    }
  });
});

describe('describeProblems', () => {
  it('joins problems as "field: reason" pairs for DLQ headers and reports', () => {
    expect(
      describeProblems([
        {
          field: 'current_balance.currency',
          reason: 'must be an ISO 4217 currency code, e.g. GBP',
        },
        { field: 'contact_points.phones[0].e164', reason: 'must be an E.164 number' },
      ]),
    ).toBe(
      'current_balance.currency: must be an ISO 4217 currency code, e.g. GBP; ' +
        'contact_points.phones[0].e164: must be an E.164 number',
    );
  });

  it('is empty when there is nothing wrong', () => {
    expect(describeProblems([])).toBe('');
  });
});
