import { ConsentStatus, crmV1 } from '@clement/contracts';

/**
 * The columns of a portfolio file (CSV header names, and the keys of each JSONL object). One row
 * is one account; the debtor columns repeat on every account of a debtor with several accounts.
 */
export const PORTFOLIO_COLUMNS = [
  'creditor_debtor_id',
  'kind',
  'given_names',
  'family_name',
  'organisation_name',
  'date_of_birth',
  'preferred_language',
  'mobile',
  'mobile_sms_consent',
  'whatsapp_consent',
  'email',
  'email_consent',
  'time_zone',
  'address_line1',
  'address_line2',
  'locality',
  'region',
  'postal_code',
  'country_code',
  'account_reference',
  'product_type',
  'product_name',
  'currency',
  'original_balance_minor',
  'current_balance_minor',
  'days_past_due',
  'placement_date',
  'source_version',
] as const;

export type PortfolioColumn = (typeof PORTFOLIO_COLUMNS)[number];

/** Columns every row must fill in; the contract adds rules of its own (e.g. a person's name). */
export const REQUIRED_COLUMNS: readonly PortfolioColumn[] = [
  'creditor_debtor_id',
  'account_reference',
  'product_type',
  'currency',
  'original_balance_minor',
  'current_balance_minor',
  'days_past_due',
  'placement_date',
];

export const KIND_WORDS: Readonly<Record<string, crmV1.DebtorKind>> = {
  person: crmV1.DebtorKind.PERSON,
  organisation: crmV1.DebtorKind.ORGANISATION,
};

export const CONSENT_WORDS: Readonly<Record<string, ConsentStatus>> = {
  granted: ConsentStatus.GRANTED,
  withdrawn: ConsentStatus.WITHDRAWN,
};

export const PRODUCT_TYPE_WORDS: Readonly<Record<string, crmV1.ProductType>> = {
  credit_card: crmV1.ProductType.CREDIT_CARD,
  personal_loan: crmV1.ProductType.PERSONAL_LOAN,
  overdraft: crmV1.ProductType.OVERDRAFT,
  vehicle_finance: crmV1.ProductType.VEHICLE_FINANCE,
  mortgage: crmV1.ProductType.MORTGAGE,
  buy_now_pay_later: crmV1.ProductType.BUY_NOW_PAY_LATER,
  utility: crmV1.ProductType.UTILITY,
  telecom: crmV1.ProductType.TELECOM,
  other: crmV1.ProductType.OTHER,
};

const words = (map: Readonly<Record<string, unknown>>) => Object.keys(map).join('|');

/** What each column holds; printed by `clement crm import --help` and in docs/crm-import.md. */
export const COLUMN_DESCRIPTIONS: Readonly<Record<PortfolioColumn, string>> = {
  creditor_debtor_id: 'required; your opaque id of the debtor (customer number, never PII)',
  kind: `${words(KIND_WORDS)}; blank means person`,
  given_names: "a person's given names (required for a person, with family_name)",
  family_name: "a person's family name",
  organisation_name: "an organisation's legal name (required for an organisation)",
  date_of_birth: 'YYYY-MM-DD, optional',
  preferred_language: 'BCP 47 tag, e.g. es-ES, en-GB',
  mobile: 'E.164 mobile number, e.g. +447700900123',
  mobile_sms_consent: `SMS consent on the mobile: ${words(CONSENT_WORDS)} or blank (not stated)`,
  whatsapp_consent: `WhatsApp consent on the mobile: ${words(CONSENT_WORDS)} or blank`,
  email: 'email address',
  email_consent: `email consent: ${words(CONSENT_WORDS)} or blank`,
  time_zone: 'IANA time zone of the debtor, e.g. Europe/Madrid',
  address_line1: 'postal address, first line',
  address_line2: 'postal address, second line',
  locality: 'city or town',
  region: 'county, province or state',
  postal_code: 'postal code',
  country_code: 'ISO 3166-1 alpha-2, e.g. ES, GB',
  account_reference: 'required; your opaque reference of the account',
  product_type: `required: ${words(PRODUCT_TYPE_WORDS)}`,
  product_name: 'the product as the debtor knows it, e.g. "Acme Platinum Card"',
  currency: 'required; ISO 4217 code, e.g. EUR, GBP',
  original_balance_minor: 'required; integer minor units (1234.56 EUR is 123456)',
  current_balance_minor: 'required; integer minor units, same currency',
  days_past_due: 'required; integer, 0 or more',
  placement_date: 'required; YYYY-MM-DD',
  source_version: 'optional; positive integer, overrides --source-version for the row',
};

/** The column list as help text: one indented line per column. */
export function columnsHelp(indent = '  '): string {
  const width = Math.max(...PORTFOLIO_COLUMNS.map((column) => column.length));
  return PORTFOLIO_COLUMNS.map(
    (column) => `${indent}${column.padEnd(width)}  ${COLUMN_DESCRIPTIONS[column]}`,
  ).join('\n');
}
