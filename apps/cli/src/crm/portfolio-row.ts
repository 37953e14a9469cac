import { ConsentStatus, crmV1 } from '@clement/contracts';
import {
  CONSENT_WORDS,
  KIND_WORDS,
  PORTFOLIO_COLUMNS,
  PRODUCT_TYPE_WORDS,
  REQUIRED_COLUMNS,
  type PortfolioColumn,
} from './portfolio-columns';

/** One row of a portfolio file, checked column by column (the contract's rules come later). */
export interface PortfolioRow {
  readonly creditorDebtorId: string;
  readonly kind: crmV1.DebtorKind;
  readonly givenNames: string;
  readonly familyName: string;
  readonly organisationName: string;
  readonly dateOfBirth: string;
  readonly preferredLanguage: string;
  readonly mobile: string;
  readonly mobileSmsConsent: ConsentStatus;
  readonly whatsappConsent: ConsentStatus;
  readonly email: string;
  readonly emailConsent: ConsentStatus;
  readonly timeZone: string;
  readonly addressLine1: string;
  readonly addressLine2: string;
  readonly locality: string;
  readonly region: string;
  readonly postalCode: string;
  readonly countryCode: string;
  readonly accountReference: string;
  readonly productType: crmV1.ProductType;
  readonly productName: string;
  readonly currency: string;
  readonly originalBalanceMinor: bigint;
  readonly currentBalanceMinor: bigint;
  readonly daysPastDue: number;
  readonly placementDate: string;
  /** The row's own `source_version`, when the column is filled in. */
  readonly sourceVersion?: bigint;
}

/** Something wrong with one column of a row; `field` is the column name. */
export interface ColumnProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * A row read column by column. Columns with problems hold a neutral value (0, blank, unspecified)
 * so the row can still be mapped and checked against the contract for everything else.
 */
export interface RowParse {
  readonly row: PortfolioRow;
  readonly problems: readonly ColumnProblem[];
}

/** The references of a record, for the rejection report, whatever else is wrong with it. */
export function recordReferences(record: Readonly<Record<string, unknown>>): {
  creditorDebtorId: string;
  accountReference: string;
} {
  const text = (value: unknown) =>
    typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  return {
    creditorDebtorId: text(record['creditor_debtor_id']),
    accountReference: text(record['account_reference']),
  };
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT32_MAX = 2 ** 32 - 1;
const KNOWN = new Set<string>(PORTFOLIO_COLUMNS);

/**
 * Reads one record (CSV row keyed by header, or a JSONL object) column by column. Problems name
 * the column and never repeat its value: a value in the wrong column may be a name or a number.
 */
export function parsePortfolioRecord(record: Readonly<Record<string, unknown>>): RowParse {
  const problems: ColumnProblem[] = [];
  const add = (field: string, reason: string) => problems.push({ field, reason });
  const values = new Map<PortfolioColumn, string>();

  for (const [key, value] of Object.entries(record)) {
    if (!KNOWN.has(key)) {
      add(key, 'is not a column of the portfolio format');
      continue;
    }
    if (value === null || value === undefined) values.set(key as PortfolioColumn, '');
    else if (typeof value === 'string') values.set(key as PortfolioColumn, value.trim());
    else if (typeof value === 'number' && Number.isFinite(value))
      values.set(key as PortfolioColumn, String(value));
    else add(key, 'must be a string or a number');
  }
  const text = (column: PortfolioColumn) => values.get(column) ?? '';

  for (const column of REQUIRED_COLUMNS) {
    if (text(column) === '') add(column, 'is required');
  }

  const word = <T>(column: PortfolioColumn, map: Readonly<Record<string, T>>, blank: T): T => {
    const value = text(column).toLowerCase();
    if (value === '') return blank;
    const found = map[value];
    if (found === undefined) {
      add(column, `must be one of ${Object.keys(map).join('|')}`);
      return blank;
    }
    return found;
  };
  const kind = word('kind', KIND_WORDS, crmV1.DebtorKind.PERSON);
  const mobileSmsConsent = word('mobile_sms_consent', CONSENT_WORDS, ConsentStatus.UNSPECIFIED);
  const whatsappConsent = word('whatsapp_consent', CONSENT_WORDS, ConsentStatus.UNSPECIFIED);
  const emailConsent = word('email_consent', CONSENT_WORDS, ConsentStatus.UNSPECIFIED);
  const productType = word('product_type', PRODUCT_TYPE_WORDS, crmV1.ProductType.UNSPECIFIED);

  for (const consent of ['mobile_sms_consent', 'whatsapp_consent'] as const) {
    if (text(consent) !== '' && text('mobile') === '') add(consent, 'is given without a mobile');
  }
  if (text('email_consent') !== '' && text('email') === '')
    add('email_consent', 'is given without an email');

  const integer = (column: PortfolioColumn): bigint => {
    const value = text(column);
    if (value === '') return 0n;
    if (!/^-?\d+$/.test(value)) {
      add(column, 'must be an integer in minor units (no decimal point)');
      return 0n;
    }
    const parsed = BigInt(value);
    if (parsed > INT64_MAX || parsed < -INT64_MAX) {
      add(column, 'is out of range');
      return 0n;
    }
    return parsed;
  };
  const originalBalanceMinor = integer('original_balance_minor');
  const currentBalanceMinor = integer('current_balance_minor');

  let daysPastDue = 0;
  const days = text('days_past_due');
  if (days !== '') {
    if (!/^\d+$/.test(days) || Number(days) > UINT32_MAX)
      add('days_past_due', 'must be a whole number, 0 or more');
    else daysPastDue = Number(days);
  }

  let sourceVersion: bigint | undefined;
  const version = text('source_version');
  if (version !== '') {
    const parsed = parseSourceVersion(version);
    if (parsed === undefined) add('source_version', 'must be a positive integer');
    else sourceVersion = parsed;
  }

  return {
    problems,
    row: {
      creditorDebtorId: text('creditor_debtor_id'),
      kind,
      givenNames: text('given_names'),
      familyName: text('family_name'),
      organisationName: text('organisation_name'),
      dateOfBirth: text('date_of_birth'),
      preferredLanguage: text('preferred_language'),
      mobile: text('mobile'),
      mobileSmsConsent,
      whatsappConsent,
      email: text('email'),
      emailConsent,
      timeZone: text('time_zone'),
      addressLine1: text('address_line1'),
      addressLine2: text('address_line2'),
      locality: text('locality'),
      region: text('region'),
      postalCode: text('postal_code'),
      countryCode: text('country_code'),
      accountReference: text('account_reference'),
      productType,
      productName: text('product_name'),
      currency: text('currency'),
      originalBalanceMinor,
      currentBalanceMinor,
      daysPastDue,
      placementDate: text('placement_date'),
      sourceVersion,
    },
  };
}

/** A source version: a positive integer that fits an int64; undefined otherwise. */
export function parseSourceVersion(value: string): bigint | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const parsed = BigInt(value.trim());
  return parsed > 0n && parsed <= INT64_MAX ? parsed : undefined;
}
