import type { DescEnum, MessageShape } from '@bufbuild/protobuf';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import {
  ConsentStatusSchema,
  ContactChannel,
  ContactChannelSchema,
  ContactPointSourceSchema,
  type ChannelConsent,
} from '../gen/clement/common/v1/contact_pb';
import { HoldKind, HoldKindSchema } from '../gen/clement/common/v1/hold_pb';
import type { Money } from '../gen/clement/common/v1/money_pb';
import { VulnerabilityCategorySchema } from '../gen/clement/common/v1/vulnerability_pb';
import * as crmV1 from '../gen/clement/crm/v1/crm_pb';
import { CRM_INBOUND_MESSAGES } from '../topics';

/**
 * Validation of CRM inbound events (crm.inbound.events.v1) beyond what decoding checks: proto3
 * has no required fields, so the rules the field comments in crm.proto state live here. An event
 * with problems is not applied; it is dead-lettered with {@link describeProblems} as the reason.
 *
 * Reasons never repeat the offending value: they end up in DLQ headers, logs and CLI output, and
 * the values are often personal data (names, phone numbers, email addresses).
 */

/** One thing wrong with an event. */
export interface FieldProblem {
  /** The proto field path in snake_case, e.g. `current_balance.currency`, `contact_points.phones[0].e164`. */
  readonly field: string;
  /** What is wrong, readable by an integrator, e.g. `must not be negative`. */
  readonly reason: string;
}

/** Any message allowed on crm.inbound.events.v1; `$typeName` tells which. */
export type CrmInboundMessage = MessageShape<(typeof CRM_INBOUND_MESSAGES)[number]>;

export interface CrmInboundValidationOptions {
  /** The current time, for "not in the future" rules; defaults to the system clock. */
  readonly now?: Date;
}

/** The creditor's ids and references appear in Kafka keys and headers: short, printable text. */
export const CRM_REFERENCE_MAX_LENGTH = 128;
/** RFC 5321 limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;
/** The earliest date of birth accepted; anything before is a placeholder or a typo. */
export const EARLIEST_DATE_OF_BIRTH = '1900-01-01';

const E164 = /^\+[1-9]\d{6,14}$/;
// Deliberately simple: one @, no spaces or control characters, a dotted domain.
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(?:\.[^\s@\p{Cc}.]+)+$/u;
const COUNTRY_CODE = /^[A-Z]{2}$/;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CONTROL_CHARACTER = /\p{Cc}/u;
const ISO_4217_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
// The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;

/** Every problem of an inbound event; an empty list means the event is valid. */
export function crmInboundProblems(
  message: CrmInboundMessage,
  options: CrmInboundValidationOptions = {},
): FieldProblem[] {
  const validate = VALIDATORS[message.$typeName] as Validator<CrmInboundMessage> | undefined;
  if (validate === undefined) {
    throw new TypeError(`not a CRM inbound event: ${String(message.$typeName)}`);
  }
  const problems = new Problems();
  validate(message, problems, { today: (options.now ?? new Date()).toISOString().slice(0, 10) });
  return problems.list;
}

/** Whether a decoded message is one of the CRM inbound events. */
export function isCrmInboundMessage(message: { $typeName: string }): message is CrmInboundMessage {
  return Object.hasOwn(VALIDATORS, message.$typeName);
}

/** `field: reason; field: reason`, for the `dlq-reason` header and CLI reports. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map(({ field, reason }) => `${field}: ${reason}`).join('; ');
}

// ---------------------------------------------------------------------------------------------
// The rules of each event
// ---------------------------------------------------------------------------------------------

interface Context {
  /** Today as `YYYY-MM-DD` (UTC). */
  readonly today: string;
}

type Validator<M> = (message: M, problems: Problems, context: Context) => void;

/** One validator per inbound event; a new inbound event does not compile until it has one. */
const VALIDATORS: { [M in CrmInboundMessage as M['$typeName']]: Validator<M> } = {
  'clement.crm.v1.DebtorUpserted': (m, p, context) => {
    versionedByDebtor(m, p);
    p.check('kind', requiredEnum(m.kind, crmV1.DebtorKindSchema));
    if (m.kind === crmV1.DebtorKind.PERSON) {
      if (isBlank(m.name?.familyName ?? '') && isBlank(m.name?.displayName ?? '')) {
        p.add('name', 'needs a family_name or a display_name for a person');
      }
    }
    if (m.kind === crmV1.DebtorKind.ORGANISATION && isBlank(m.organisationName)) {
      p.add('organisation_name', 'is required for an organisation');
    }
    if (m.dateOfBirth !== '') p.check('date_of_birth', dateOfBirth(m.dateOfBirth, context));
    if (m.preferredLanguage !== '') {
      p.check('preferred_language', languageTag(m.preferredLanguage));
    }
    if (m.contactPoints !== undefined) contactPointSet(m.contactPoints, p.at('contact_points'));
  },

  'clement.crm.v1.AccountPlaced': (m, p) => {
    versionedByAccount(m, p);
    p.check('product_type', requiredEnum(m.productType, crmV1.ProductTypeSchema));
    if (m.productType === crmV1.ProductType.OTHER && isBlank(m.productName)) {
      p.add('product_name', 'is required when product_type is PRODUCT_TYPE_OTHER');
    }
    money(m.originalBalance, p.at('original_balance'), 'not negative');
    money(m.currentBalance, p.at('current_balance'), 'not negative');
    if (
      m.originalBalance !== undefined &&
      m.currentBalance !== undefined &&
      isCurrency(m.originalBalance.currency) &&
      isCurrency(m.currentBalance.currency) &&
      m.originalBalance.currency !== m.currentBalance.currency
    ) {
      p.add('current_balance.currency', 'must be the currency of original_balance');
    }
    p.check('placement_date', requiredDate(m.placementDate));
  },

  'clement.crm.v1.AccountUpdated': (m, p) => {
    versionedByAccount(m, p);
    money(m.currentBalance, p.at('current_balance'), 'not negative');
  },

  'clement.crm.v1.PaymentReported': (m, p) => {
    versionedByAccount(m, p);
    p.check('creditor_payment_reference', reference(m.creditorPaymentReference));
    money(m.amount, p.at('amount'), 'positive');
    p.check('paid_at', requiredTimestamp(m.paidAt));
    p.check('method', knownEnum(m.method, crmV1.PaymentMethodSchema));
    p.check('status', requiredEnum(m.status, crmV1.PaymentReportStatusSchema));
  },

  'clement.crm.v1.AccountRecalled': (m, p) => {
    versionedByAccount(m, p);
    p.check('reason', requiredEnum(m.reason, crmV1.RecallReasonSchema));
    p.check('effective_at', requiredTimestamp(m.effectiveAt));
  },

  'clement.crm.v1.ContactPointsChanged': (m, p) => {
    versionedByDebtor(m, p);
    if (m.contactPoints === undefined) {
      // The event exists to replace the set, so a missing one is a mistake, not "no change".
      p.add('contact_points', 'is required (an empty set removes every contact point)');
    } else {
      contactPointSet(m.contactPoints, p.at('contact_points'));
    }
  },

  'clement.crm.v1.VulnerabilityReported': (m, p) => {
    versionedByDebtor(m, p);
    m.categories.forEach((category, index) => {
      p.check(`categories[${index}]`, listedEnum(category, VulnerabilityCategorySchema));
    });
    p.check('identified_at', optionalTimestamp(m.identifiedAt));
    if (m.reviewDate !== '') p.check('review_date', calendarDate(m.reviewDate));
  },

  'clement.crm.v1.HoldRequested': (m, p) => {
    p.check('creditor_debtor_id', reference(m.creditorDebtorId));
    // Empty means every account of the debtor.
    if (m.accountReference !== '') p.check('account_reference', reference(m.accountReference));
    p.check('source_version', sourceVersion(m.sourceVersion));
    p.check('creditor_hold_reference', reference(m.creditorHoldReference));
    p.check('kind', requiredEnum(m.kind, HoldKindSchema));
    if (m.kind === HoldKind.BREATHING_SPACE) {
      p.check('starts_at', m.startsAt ? undefined : 'is required for HOLD_KIND_BREATHING_SPACE');
      p.check('ends_at', m.endsAt ? undefined : 'is required for HOLD_KIND_BREATHING_SPACE');
    }
    p.check('starts_at', optionalTimestamp(m.startsAt));
    p.check('ends_at', optionalTimestamp(m.endsAt));
    if (
      isValidTimestamp(m.startsAt) &&
      isValidTimestamp(m.endsAt) &&
      compareTimestamps(m.endsAt, m.startsAt) <= 0
    ) {
      p.add('ends_at', 'must be after starts_at');
    }
  },

  'clement.crm.v1.HoldLifted': (m, p) => {
    versionedByDebtor(m, p);
    p.check('creditor_hold_reference', reference(m.creditorHoldReference));
    p.check('lifted_at', requiredTimestamp(m.liftedAt));
  },
};

// The creditor's ids come first in every inbound event; problems are listed in field order.
function versionedByDebtor(
  m: { creditorDebtorId: string; sourceVersion: bigint },
  p: Problems,
): void {
  p.check('creditor_debtor_id', reference(m.creditorDebtorId));
  p.check('source_version', sourceVersion(m.sourceVersion));
}

function versionedByAccount(
  m: { creditorDebtorId: string; accountReference: string; sourceVersion: bigint },
  p: Problems,
): void {
  p.check('creditor_debtor_id', reference(m.creditorDebtorId));
  p.check('account_reference', reference(m.accountReference));
  p.check('source_version', sourceVersion(m.sourceVersion));
}

// ---------------------------------------------------------------------------------------------
// Contact points
// ---------------------------------------------------------------------------------------------

/** The channels each kind of contact point can carry (crm.proto, contact.proto). */
const CHANNELS = {
  phone: [ContactChannel.SMS, ContactChannel.VOICE, ContactChannel.WHATSAPP],
  landline: [ContactChannel.VOICE],
  email: [ContactChannel.EMAIL],
  postal: [ContactChannel.LETTER],
} as const satisfies Record<string, readonly ContactChannel[]>;

const CONTACT_POINT_NAMES: Record<keyof typeof CHANNELS, string> = {
  phone: 'a phone',
  landline: 'a landline',
  email: 'an email address',
  postal: 'a postal address',
};

function contactPointSet(set: crmV1.ContactPointSet, p: Problems): void {
  set.phones.forEach((phone, index) => {
    const at = p.at(`phones[${index}]`);
    at.check('e164', required(phone.e164) ?? matches(phone.e164, E164, 'an E.164 number'));
    at.check('type', knownEnum(phone.type, crmV1.PhoneTypeSchema));
    const kind = phone.type === crmV1.PhoneType.LANDLINE ? 'landline' : 'phone';
    contactPointCommon(phone, kind, at);
  });
  set.emails.forEach((email, index) => {
    const at = p.at(`emails[${index}]`);
    at.check('address', emailAddress(email.address));
    contactPointCommon(email, 'email', at);
  });
  set.postalAddresses.forEach((postal, index) => {
    const at = p.at(`postal_addresses[${index}]`);
    const address = postal.address;
    if (address === undefined) {
      at.add('address', 'is required');
    } else {
      const hasContent = [...address.addressLines, address.locality, address.postalCode].some(
        (part) => !isBlank(part),
      );
      if (!hasContent) at.add('address', 'needs an address line, a locality or a postal_code');
      at.check(
        'address.country_code',
        required(address.countryCode) ??
          matches(address.countryCode, COUNTRY_CODE, 'an ISO 3166-1 alpha-2 country code'),
      );
    }
    contactPointCommon(postal, 'postal', at);
  });
}

function contactPointCommon(
  point: { source: number; consents: ChannelConsent[]; timeZone: string },
  kind: keyof typeof CHANNELS,
  p: Problems,
): void {
  p.check('source', knownEnum(point.source, ContactPointSourceSchema));
  if (point.timeZone !== '') p.check('time_zone', timeZone(point.timeZone));
  const allowed: readonly ContactChannel[] = CHANNELS[kind];
  const seen = new Set<ContactChannel>();
  point.consents.forEach((consent, index) => {
    const at = p.at(`consents[${index}]`);
    const channelProblem = requiredEnum(consent.channel, ContactChannelSchema);
    if (channelProblem !== undefined) {
      at.add('channel', channelProblem);
    } else if (!allowed.includes(consent.channel)) {
      const names = allowed.map((channel) => enumName(ContactChannelSchema, channel));
      at.add('channel', `must be ${names.join(' or ')} for ${CONTACT_POINT_NAMES[kind]}`);
    } else if (seen.has(consent.channel)) {
      at.add('channel', 'is listed twice; give one consent per channel');
    }
    seen.add(consent.channel);
    at.check('status', knownEnum(consent.status, ConsentStatusSchema));
    at.check('recorded_at', optionalTimestamp(consent.recordedAt));
  });
}

// ---------------------------------------------------------------------------------------------
// Field rules: each returns a reason, or undefined when the value is fine
// ---------------------------------------------------------------------------------------------

type Reason = string | undefined;

function isBlank(value: string): boolean {
  return value.trim() === '';
}

function required(value: string): Reason {
  return value === '' ? 'is required' : undefined;
}

function matches(value: string, pattern: RegExp, what: string): Reason {
  return pattern.test(value) ? undefined : `must be ${what}`;
}

/** A creditor id or reference: it travels in Kafka keys and headers. */
function reference(value: string): Reason {
  if (value === '') return 'is required';
  if (isBlank(value)) return 'must not be blank';
  if (value.trim() !== value) return 'must not start or end with whitespace';
  if ([...value].length > CRM_REFERENCE_MAX_LENGTH) {
    return `must be at most ${CRM_REFERENCE_MAX_LENGTH} characters`;
  }
  if (CONTROL_CHARACTER.test(value)) return 'must not contain control characters';
  return undefined;
}

function sourceVersion(value: bigint): Reason {
  return value > 0n ? undefined : 'must be positive';
}

function isCurrency(code: string): boolean {
  return ISO_4217_CODES.has(code);
}

function money(value: Money | undefined, p: Problems, sign: 'not negative' | 'positive'): void {
  if (value === undefined) {
    p.add('', 'is required');
    return;
  }
  p.check(
    'currency',
    required(value.currency) ??
      (isCurrency(value.currency) ? undefined : 'must be an ISO 4217 currency code, e.g. GBP'),
  );
  if (sign === 'positive' && value.amountMinor <= 0n) p.add('amount_minor', 'must be positive');
  if (sign === 'not negative' && value.amountMinor < 0n) {
    p.add('amount_minor', 'must not be negative');
  }
}

/** A calendar date `YYYY-MM-DD` that exists. */
function calendarDate(value: string): Reason {
  const parts = CALENDAR_DATE.exec(value);
  if (parts === null) return 'must be a date YYYY-MM-DD';
  const [year, month, day] = parts.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return 'must be a date that exists';
  }
  return undefined;
}

function requiredDate(value: string): Reason {
  return required(value) ?? calendarDate(value);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function dateOfBirth(value: string, { today }: Context): Reason {
  // `YYYY-MM-DD` strings compare in date order.
  return (
    calendarDate(value) ??
    (value < EARLIEST_DATE_OF_BIRTH ? `must not be before ${EARLIEST_DATE_OF_BIRTH}` : undefined) ??
    (value > today ? 'must not be in the future' : undefined)
  );
}

// Valid tags seen so far, bounded like the zones below: few languages occur in a portfolio.
const knownLanguageTags = new Set<string>();

function languageTag(value: string): Reason {
  if (knownLanguageTags.has(value)) return undefined;
  try {
    Intl.getCanonicalLocales(value);
    if (knownLanguageTags.size < 10_000) knownLanguageTags.add(value);
    return undefined;
  } catch {
    return 'must be a BCP 47 language tag, e.g. en-GB';
  }
}

// Only valid zones are remembered, so the set is bounded by the IANA database (~600 names).
const knownTimeZones = new Set<string>();

function timeZone(value: string): Reason {
  const reason = 'must be an IANA time zone, e.g. Europe/London';
  if (knownTimeZones.has(value)) return undefined;
  // Newer runtimes accept offsets such as "+01:00", which know nothing of daylight saving time.
  if (/^[+-]/.test(value)) return reason;
  try {
    // Building a formatter is the one portable check, and it is slow: hence the cache.
    new Intl.DateTimeFormat('en', { timeZone: value });
    if (knownTimeZones.size < 10_000) knownTimeZones.add(value);
    return undefined;
  } catch {
    return reason;
  }
}

function emailAddress(value: string): Reason {
  if (value === '') return 'is required';
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  return matches(value, EMAIL, 'an email address, e.g. jane@example.com');
}

function isValidTimestamp(value: Timestamp | undefined): value is Timestamp {
  return (
    value !== undefined &&
    value.seconds >= MIN_TIMESTAMP_SECONDS &&
    value.seconds <= MAX_TIMESTAMP_SECONDS &&
    Number.isInteger(value.nanos) &&
    value.nanos >= 0 &&
    value.nanos <= 999_999_999
  );
}

function optionalTimestamp(value: Timestamp | undefined): Reason {
  if (value === undefined || isValidTimestamp(value)) return undefined;
  return 'must be a timestamp between 0001-01-01 and 9999-12-31';
}

function requiredTimestamp(value: Timestamp | undefined): Reason {
  return value === undefined ? 'is required' : optionalTimestamp(value);
}

function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  return a.nanos - b.nanos;
}

function enumName(schema: DescEnum, value: number): string {
  return schema.value[value]?.name ?? String(value);
}

function definedValues(schema: DescEnum): string {
  return schema.values
    .filter((value) => value.number !== 0)
    .map((value) => value.name)
    .join(', ');
}

/** Unset (0) is fine; anything else must be a value the schema defines. */
function knownEnum(value: number, schema: DescEnum): Reason {
  if (value === 0 || schema.value[value] !== undefined) return undefined;
  return `must be one of ${definedValues(schema)}`;
}

/** Must be set, to a value the schema defines. */
function requiredEnum(value: number, schema: DescEnum): Reason {
  return value === 0 ? 'is required' : knownEnum(value, schema);
}

/** An element of a repeated enum: the unspecified value means nothing there. */
function listedEnum(value: number, schema: DescEnum): Reason {
  return value === 0 ? `must be one of ${definedValues(schema)}` : knownEnum(value, schema);
}

// ---------------------------------------------------------------------------------------------
// Collecting problems with their field paths
// ---------------------------------------------------------------------------------------------

class Problems {
  constructor(
    readonly list: FieldProblem[] = [],
    private readonly prefix = '',
  ) {}

  /** Records a problem with `field` (relative to this collector; '' for the collector's own path). */
  add(field: string, reason: string): void {
    const path = [this.prefix, field].filter((part) => part !== '').join('.');
    this.list.push({ field: path, reason });
  }

  /** Records a problem when a rule returned a reason. */
  check(field: string, reason: Reason): void {
    if (reason !== undefined) this.add(field, reason);
  }

  /** A collector for a nested message, e.g. `p.at('contact_points').at('phones[0]')`. */
  at(field: string): Problems {
    return new Problems(this.list, this.prefix === '' ? field : `${this.prefix}.${field}`);
  }
}
