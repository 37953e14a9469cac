import type { SourceLine } from '../crm/portfolio-reader';
import { validRecord } from '../crm/__fixtures__/portfolio-record';
import { casesFromLines } from './portfolio-cases';

async function* lines(...items: SourceLine[]): AsyncIterable<SourceLine> {
  yield* items;
}

describe('casesFromLines', () => {
  it('makes one case per debtor: balances summed, the largest days past due, each product once', async () => {
    const { cases, skipped } = await casesFromLines(
      lines(
        { line: 2, record: validRecord({ days_past_due: '10', current_balance_minor: '1000' }) },
        {
          line: 3,
          record: validRecord({
            account_reference: 'A-1001-2',
            days_past_due: '45',
            current_balance_minor: '500',
            product_type: 'overdraft',
          }),
        },
        {
          line: 4,
          record: validRecord({
            account_reference: 'A-1001-3',
            current_balance_minor: '1',
            mobile: '+34600000999',
          }),
        },
        {
          line: 5,
          record: validRecord({
            creditor_debtor_id: 'C-2',
            account_reference: 'A-2',
            mobile: '',
            mobile_sms_consent: '',
            email_consent: '',
            whatsapp_consent: '',
            time_zone: '',
            preferred_language: '',
          }),
        },
      ),
      'acme',
    );
    expect(skipped).toEqual([]);
    expect(cases).toEqual([
      {
        tenantId: 'acme',
        caseId: 'case-C-1001',
        debtorId: 'C-1001',
        balanceMinor: 1501,
        currency: 'EUR',
        daysPastDue: 46,
        productTypes: ['credit_card', 'overdraft'],
        // The debtor's first row gives the contact data, as in an import.
        contactPoints: [
          { id: 'C-1001:mobile', kind: 'mobile', consents: { sms: 'granted' } },
          { id: 'C-1001:email', kind: 'email', consents: { email: 'withdrawn' } },
        ],
        timeZones: ['Europe/Madrid'],
        language: 'es-ES',
      },
      {
        tenantId: 'acme',
        caseId: 'case-C-2',
        debtorId: 'C-2',
        balanceMinor: 184250,
        currency: 'EUR',
        daysPastDue: 46,
        productTypes: ['credit_card'],
        contactPoints: [{ id: 'C-2:email', kind: 'email', consents: {} }],
        timeZones: [],
      },
    ]);
  });

  it('skips broken lines, bad rows and accounts in another currency, naming columns only', async () => {
    const { cases, skipped } = await casesFromLines(
      lines(
        { line: 2, record: validRecord() },
        { line: 3, error: 'the line is not valid JSON' },
        {
          line: 4,
          record: validRecord({ current_balance_minor: '12.50', account_reference: 'A-9' }),
        },
        { line: 5, record: validRecord({ currency: 'GBP', account_reference: 'A-10' }) },
      ),
      'acme',
    );
    expect(cases).toHaveLength(1);
    expect(skipped).toEqual([
      'line 3: the line is not valid JSON',
      'line 4: current_balance_minor: must be an integer in minor units (no decimal point)',
      "line 5: currency differs from the debtor's first account",
    ]);
  });
});
