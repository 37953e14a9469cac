import { ConsentStatus } from '@clement/contracts';
import type { SimulatedCase, SimulatedContactPoint } from '@clement/strategy-engine';
import { UsageError } from '../kafka-from-env';
import { PRODUCT_TYPE_WORDS } from '../crm/portfolio-columns';
import { formatOfFile, openPortfolio, type SourceLine } from '../crm/portfolio-reader';
import { parsePortfolioRecord, type PortfolioRow } from '../crm/portfolio-row';

export interface PortfolioCases {
  cases: SimulatedCase[];
  /** Lines left out, as "line <n>: <reason>" (never the values: they may be personal data). */
  skipped: string[];
}

const PRODUCT_WORD_OF = new Map(
  Object.entries(PRODUCT_TYPE_WORDS).map(([word, type]) => [type, word]),
);

const consentOf = (status: ConsentStatus): 'granted' | 'withdrawn' | undefined =>
  status === ConsentStatus.GRANTED
    ? 'granted'
    : status === ConsentStatus.WITHDRAWN
      ? 'withdrawn'
      : undefined;

/**
 * Reads a portfolio file (the `clement crm import` formats) into simulated cases: one case per
 * debtor, grouping the debtor's account rows (balances summed, the largest days past due). The
 * debtor's first row gives the contact data, as in an import. Rows with problems are skipped.
 */
export async function readPortfolioCases(file: string, tenantId: string): Promise<PortfolioCases> {
  const { lines } = openPortfolio(file, formatOfFile(file));
  return casesFromLines(lines, tenantId);
}

export async function casesFromLines(
  lines: AsyncIterable<SourceLine>,
  tenantId: string,
): Promise<PortfolioCases> {
  const byDebtor = new Map<string, { first: PortfolioRow; rows: PortfolioRow[] }>();
  const skipped: string[] = [];
  try {
    for await (const line of lines) {
      if ('error' in line) {
        skipped.push(`line ${line.line}: ${line.error}`);
        continue;
      }
      const { row, problems } = parsePortfolioRecord(line.record);
      if (problems.length > 0) {
        skipped.push(
          `line ${line.line}: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`,
        );
        continue;
      }
      const debtor = byDebtor.get(row.creditorDebtorId);
      if (!debtor) byDebtor.set(row.creditorDebtorId, { first: row, rows: [row] });
      else if (row.currency !== debtor.first.currency) {
        skipped.push(`line ${line.line}: currency differs from the debtor's first account`);
      } else debtor.rows.push(row);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(
        `no such portfolio file: ${(error as NodeJS.ErrnoException).path ?? ''}`,
      );
    throw error;
  }
  const cases = [...byDebtor.entries()].map(([debtorId, { first, rows }]) =>
    caseOf(tenantId, debtorId, first, rows),
  );
  return { cases, skipped };
}

function caseOf(
  tenantId: string,
  debtorId: string,
  first: PortfolioRow,
  rows: PortfolioRow[],
): SimulatedCase {
  const contactPoints: SimulatedContactPoint[] = [];
  if (first.mobile !== '') {
    const consents: SimulatedContactPoint['consents'] = {};
    const sms = consentOf(first.mobileSmsConsent);
    const whatsapp = consentOf(first.whatsappConsent);
    if (sms) consents.sms = sms;
    if (whatsapp) consents.whatsapp = whatsapp;
    contactPoints.push({ id: `${debtorId}:mobile`, kind: 'mobile', consents });
  }
  if (first.email !== '') {
    const email = consentOf(first.emailConsent);
    contactPoints.push({
      id: `${debtorId}:email`,
      kind: 'email',
      consents: email ? { email } : {},
    });
  }
  return {
    tenantId,
    caseId: `case-${debtorId}`,
    debtorId,
    balanceMinor: Number(rows.reduce((sum, row) => sum + row.currentBalanceMinor, 0n)),
    currency: first.currency,
    daysPastDue: Math.max(...rows.map((row) => row.daysPastDue)),
    productTypes: [...new Set(rows.map((row) => PRODUCT_WORD_OF.get(row.productType) ?? 'other'))],
    contactPoints,
    timeZones: first.timeZone !== '' ? [first.timeZone] : [],
    ...(first.preferredLanguage !== '' ? { language: first.preferredLanguage } : {}),
  };
}
