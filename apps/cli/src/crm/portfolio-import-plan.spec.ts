import { fromBinary } from '@bufbuild/protobuf';
import { crmV1 } from '@clement/contracts';
import { envelopeFromHeaders, type OutgoingRecord } from '@clement/messaging';
import { validRecord } from './__fixtures__/portfolio-record';
import {
  columnOfContractField,
  PortfolioImportPlanner,
  type AcceptedRow,
  type ImportContext,
  type PlannedRow,
} from './portfolio-import-plan';

const MTIME = Date.UTC(2026, 10, 24, 8, 30);
const context: ImportContext = {
  tenant: 'acme-bank',
  fileModifiedMs: MTIME,
  now: new Date('2026-11-24T12:00:00Z'),
};

function accepted(planned: PlannedRow): AcceptedRow {
  if (!planned.accepted) throw new Error(`rejected: ${planned.reason}`);
  return planned;
}

const types = (records: readonly OutgoingRecord[]) =>
  records.map((record) => record.headers['ce_type']);

describe('planning the records of a portfolio file', () => {
  it('publishes a DebtorUpserted and an AccountPlaced for a debtor first seen', () => {
    const planned = accepted(new PortfolioImportPlanner(context).plan(2, validRecord()));
    expect(types(planned.records)).toEqual([
      'clement.crm.v1.DebtorUpserted',
      'clement.crm.v1.AccountPlaced',
    ]);
    const [debtor, account] = planned.records;
    expect(debtor.topic).toBe('crm.inbound.events.v1');
    expect(debtor.key).toBe('acme-bank:C-1001');
    expect(account.key).toBe('acme-bank:C-1001');
    expect(envelopeFromHeaders(debtor.headers)).toMatchObject({
      source: '/crm/acme-bank/import',
      type: 'clement.crm.v1.DebtorUpserted',
      time: '2026-11-24T08:30:00.000Z',
      subject: 'C-1001',
      contentType: 'application/protobuf',
      tenantId: 'acme-bank',
      partitionKey: 'acme-bank:C-1001',
      correlationId: debtor.headers['ce_id'],
    });
    expect(debtor.headers['ce_specversion']).toBe('1.0');
    expect(account.headers['ce_correlationid']).toBe(debtor.headers['ce_id']);
    expect(fromBinary(crmV1.DebtorUpsertedSchema, debtor.value).sourceVersion).toBe(BigInt(MTIME));
    expect(fromBinary(crmV1.AccountPlacedSchema, account.value)).toMatchObject({
      accountReference: 'A-1001-1',
      sourceVersion: BigInt(MTIME),
    });
  });

  it('upserts a debtor once; a later row with other debtor columns is accepted with a warning', () => {
    const planner = new PortfolioImportPlanner(context);
    accepted(planner.plan(2, validRecord()));
    const same = accepted(planner.plan(3, validRecord({ account_reference: 'A-1001-2' })));
    expect(types(same.records)).toEqual(['clement.crm.v1.AccountPlaced']);
    expect(same.warning).toBeUndefined();

    const moved = accepted(
      planner.plan(4, validRecord({ account_reference: 'A-1001-3', locality: 'Sevilla' })),
    );
    expect(types(moved.records)).toEqual(['clement.crm.v1.AccountPlaced']);
    expect(moved.warning).toBe('debtor columns differ from line 2; the values on line 2 are used');
  });

  it("upserts the debtor with the first accepted row when the debtor's first row is rejected", () => {
    const planner = new PortfolioImportPlanner(context);
    expect(planner.plan(2, validRecord({ currency: 'EURO' })).accepted).toBe(false);
    const next = accepted(planner.plan(3, validRecord({ account_reference: 'A-1001-2' })));
    expect(types(next.records)).toEqual([
      'clement.crm.v1.DebtorUpserted',
      'clement.crm.v1.AccountPlaced',
    ]);
  });

  it("checks every row's debtor columns against the contract, not only the first row's", () => {
    const planner = new PortfolioImportPlanner(context);
    accepted(planner.plan(2, validRecord()));
    expect(
      planner.plan(3, validRecord({ account_reference: 'A-1001-2', email: 'not-an-email' })),
    ).toMatchObject({
      accepted: false,
      reason: 'email: must be an email address, e.g. jane@example.com',
    });
  });

  it.each([
    [
      'a negative amount',
      { current_balance_minor: '-100' },
      'current_balance_minor: must not be negative',
    ],
    [
      'an unknown currency',
      { currency: 'EURO' },
      'currency: must be an ISO 4217 currency code, e.g. GBP',
    ],
    [
      'a date that does not exist',
      { placement_date: '2026-02-30' },
      'placement_date: must be a date that exists',
    ],
    [
      'a date in another format',
      { placement_date: '30/01/2026' },
      'placement_date: must be a date YYYY-MM-DD',
    ],
    [
      'a birth date in the future',
      { date_of_birth: '2030-01-01' },
      'date_of_birth: must not be in the future',
    ],
    ['a missing debtor id', { creditor_debtor_id: '' }, 'creditor_debtor_id: is required'],
    [
      'a person without a family name',
      { family_name: '' },
      'family_name: needs a family_name or a display_name for a person',
    ],
    [
      'an organisation without a name',
      { kind: 'organisation' },
      'organisation_name: is required for an organisation',
    ],
    ['a mobile that is not E.164', { mobile: '600 000 123' }, 'mobile: must be an E.164 number'],
    [
      'an unknown time zone',
      { time_zone: 'Madrid' },
      'time_zone: must be an IANA time zone, e.g. Europe/London',
    ],
    [
      'a lower-case country',
      { country_code: 'es' },
      'country_code: must be an ISO 3166-1 alpha-2 country code',
    ],
    [
      'a product "other" without a name',
      { product_type: 'other', product_name: '' },
      'product_name: is required when product_type is PRODUCT_TYPE_OTHER',
    ],
    [
      'a non-integer amount',
      { original_balance_minor: '12.50' },
      'original_balance_minor: must be an integer in minor units (no decimal point)',
    ],
  ])('rejects %s, naming the column', (_, overrides, reason) => {
    expect(new PortfolioImportPlanner(context).plan(7, validRecord(overrides))).toEqual({
      accepted: false,
      line: 7,
      creditorDebtorId: (overrides as Record<string, string>)['creditor_debtor_id'] ?? 'C-1001',
      accountReference: 'A-1001-1',
      reason,
    });
  });

  it('reports column problems and contract problems of a row together, once per column', () => {
    const planned = new PortfolioImportPlanner(context).plan(
      2,
      validRecord({ current_balance_minor: 'abc', currency: 'XX', time_zone: 'Nowhere' }),
    );
    expect(planned).toMatchObject({
      accepted: false,
      reason:
        'current_balance_minor: must be an integer in minor units (no decimal point); ' +
        'time_zone: must be an IANA time zone, e.g. Europe/London; ' +
        'currency: must be an ISO 4217 currency code, e.g. GBP',
    });
  });

  it('rejects an account reference seen before in the file', () => {
    const planner = new PortfolioImportPlanner(context);
    accepted(planner.plan(2, validRecord()));
    expect(planner.plan(3, validRecord())).toMatchObject({
      accepted: false,
      reason: 'account_reference: is already on line 2',
    });
  });

  it('produces the same ids and versions when the same file is planned again', () => {
    const plan = () => {
      const planner = new PortfolioImportPlanner(context);
      return [
        accepted(planner.plan(2, validRecord())),
        accepted(planner.plan(3, validRecord({ account_reference: 'A-1001-2' }))),
      ].flatMap((row) => row.records.map((record) => record.headers['ce_id']));
    };
    const first = plan();
    expect(new Set(first).size).toBe(3);
    expect(plan()).toEqual(first);
  });

  it('takes the version from the row, else --source-version, else the file time', () => {
    const version = (planner: PortfolioImportPlanner, record: Record<string, unknown>) =>
      fromBinary(crmV1.AccountPlacedSchema, accepted(planner.plan(2, record)).records.at(-1)!.value)
        .sourceVersion;
    expect(version(new PortfolioImportPlanner(context), validRecord())).toBe(BigInt(MTIME));
    expect(
      version(new PortfolioImportPlanner({ ...context, sourceVersion: 42n }), validRecord()),
    ).toBe(42n);
    expect(
      version(
        new PortfolioImportPlanner({ ...context, sourceVersion: 42n }),
        validRecord({ source_version: '43' }),
      ),
    ).toBe(43n);
    // A new version is a new id: the service applies it instead of dropping a duplicate.
    const id = (sourceVersion: bigint) =>
      accepted(new PortfolioImportPlanner({ ...context, sourceVersion }).plan(2, validRecord()))
        .records[0].headers['ce_id'];
    expect(id(42n)).not.toBe(id(43n));
  });

  it('reports a line that is not a record with its references, when it has any', () => {
    expect(new PortfolioImportPlanner(context).reject(9, {}, 'the line is not valid JSON')).toEqual(
      {
        accepted: false,
        line: 9,
        creditorDebtorId: '',
        accountReference: '',
        reason: 'the line is not valid JSON',
      },
    );
  });

  it('names contract fields by the column they come from', () => {
    expect(columnOfContractField('contact_points.phones[0].e164')).toBe('mobile');
    expect(columnOfContractField('contact_points.emails[0].time_zone')).toBe('time_zone');
    expect(columnOfContractField('contact_points.postal_addresses[0].address')).toBe(
      'address_line1',
    );
    expect(columnOfContractField('original_balance.currency')).toBe('currency');
    expect(columnOfContractField('placement_date')).toBe('placement_date');
  });
});
