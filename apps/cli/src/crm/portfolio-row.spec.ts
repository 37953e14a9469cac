import { ConsentStatus, crmV1 } from '@clement/contracts';
import { validRecord } from './__fixtures__/portfolio-record';
import { parsePortfolioRecord, parseSourceVersion, recordReferences } from './portfolio-row';

describe('reading a portfolio row column by column', () => {
  it('reads a valid row into typed values', () => {
    const { row, problems } = parsePortfolioRecord(validRecord());
    expect(problems).toEqual([]);
    expect(row).toMatchObject({
      creditorDebtorId: 'C-1001',
      kind: crmV1.DebtorKind.PERSON,
      mobileSmsConsent: ConsentStatus.GRANTED,
      whatsappConsent: ConsentStatus.UNSPECIFIED,
      emailConsent: ConsentStatus.WITHDRAWN,
      productType: crmV1.ProductType.CREDIT_CARD,
      originalBalanceMinor: 250000n,
      currentBalanceMinor: 184250n,
      daysPastDue: 46,
      sourceVersion: undefined,
    });
  });

  it('takes JSONL values as strings or numbers, trims text, and defaults kind to person', () => {
    const { row, problems } = parsePortfolioRecord(
      validRecord({
        kind: undefined,
        given_names: '  Lucía ',
        original_balance_minor: 250000,
        days_past_due: 0,
        source_version: 1732436400000,
        region: null,
        product_type: 'Credit_Card',
      }),
    );
    expect(problems).toEqual([]);
    expect(row).toMatchObject({
      kind: crmV1.DebtorKind.PERSON,
      givenNames: 'Lucía',
      originalBalanceMinor: 250000n,
      daysPastDue: 0,
      sourceVersion: 1732436400000n,
      region: '',
      productType: crmV1.ProductType.CREDIT_CARD,
    });
  });

  it.each([
    ['a required column is blank', { currency: ' ' }, 'currency', 'is required'],
    ['a required column is absent', { placement_date: undefined }, 'placement_date', 'is required'],
    [
      'an amount has a decimal point',
      { original_balance_minor: '1234.56' },
      'original_balance_minor',
      'must be an integer in minor units (no decimal point)',
    ],
    [
      'an amount is a JSON fraction',
      { current_balance_minor: 12.5 },
      'current_balance_minor',
      'must be an integer in minor units (no decimal point)',
    ],
    [
      'an amount does not fit 64 bits',
      { current_balance_minor: '99999999999999999999' },
      'current_balance_minor',
      'is out of range',
    ],
    [
      'days past due is negative',
      { days_past_due: '-3' },
      'days_past_due',
      'must be a whole number, 0 or more',
    ],
    [
      'the product type is unknown',
      { product_type: 'loan' },
      'product_type',
      'must be one of credit_card|personal_loan|overdraft|vehicle_finance|mortgage|buy_now_pay_later|utility|telecom|other',
    ],
    ['the kind is unknown', { kind: 'company' }, 'kind', 'must be one of person|organisation'],
    [
      'a consent word is unknown',
      { mobile_sms_consent: 'yes' },
      'mobile_sms_consent',
      'must be one of granted|withdrawn',
    ],
    [
      'a consent has no contact point',
      { mobile: '', whatsapp_consent: 'granted', mobile_sms_consent: '' },
      'whatsapp_consent',
      'is given without a mobile',
    ],
    ['an email consent has no email', { email: '' }, 'email_consent', 'is given without an email'],
    [
      'the source version is not positive',
      { source_version: '0' },
      'source_version',
      'must be a positive integer',
    ],
    [
      'a column is not part of the format',
      { nickname: 'Lu' },
      'nickname',
      'is not a column of the portfolio format',
    ],
    [
      'a JSON value is neither text nor number',
      { region: ['Madrid'] },
      'region',
      'must be a string or a number',
    ],
  ])('rejects a row when %s', (_, overrides, field, reason) => {
    expect(parsePortfolioRecord(validRecord(overrides)).problems).toEqual([{ field, reason }]);
  });

  it('never repeats the value of a column in a reason', () => {
    const { problems } = parsePortfolioRecord(
      validRecord({ kind: 'Lucía García', original_balance_minor: '+34 600 000 123' }),
    );
    expect(problems).toHaveLength(2);
    expect(JSON.stringify(problems)).not.toMatch(/Lucía|600/);
  });

  it('reports every problem of a row at once', () => {
    const { problems } = parsePortfolioRecord(
      validRecord({ creditor_debtor_id: '', currency: '', days_past_due: 'x' }),
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'creditor_debtor_id',
      'currency',
      'days_past_due',
    ]);
  });

  it('finds the references of any record, for the report', () => {
    expect(recordReferences({ creditor_debtor_id: ' C-1 ', account_reference: 7 })).toEqual({
      creditorDebtorId: 'C-1',
      accountReference: '7',
    });
    expect(recordReferences({})).toEqual({ creditorDebtorId: '', accountReference: '' });
  });

  it('parses source versions', () => {
    expect(parseSourceVersion('1732436400000')).toBe(1732436400000n);
    expect(parseSourceVersion('0')).toBeUndefined();
    expect(parseSourceVersion('-1')).toBeUndefined();
    expect(parseSourceVersion('1e9')).toBeUndefined();
    expect(parseSourceVersion('9223372036854775808')).toBeUndefined();
  });
});
