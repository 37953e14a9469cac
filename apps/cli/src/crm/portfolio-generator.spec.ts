import { PORTFOLIO_COLUMNS } from './portfolio-columns';
import {
  csvHeader,
  csvRow,
  DEFECTS,
  generatePortfolio,
  jsonRow,
  seededRandom,
} from './portfolio-generator';
import { PortfolioImportPlanner } from './portfolio-import-plan';

describe('the synthetic portfolio generator', () => {
  const rows = [...generatePortfolio({ debtors: 1000, invalid: 14, seed: 7 })];
  const valid = rows.filter((row) => row.defect === undefined);

  it('is deterministic for a seed', () => {
    expect([...generatePortfolio({ debtors: 1000, invalid: 14, seed: 7 })]).toEqual(rows);
    expect([...generatePortfolio({ debtors: 1000, seed: 8 })][0]).not.toEqual(rows[0]);
    const [a, b] = [seededRandom(1), seededRandom(1)];
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('has about 1.3 accounts per debtor and the contact details of no one', () => {
    const debtors = new Set(valid.map((row) => row.values.creditor_debtor_id));
    expect(debtors.size).toBe(1000);
    expect(valid.length / debtors.size).toBeGreaterThan(1.2);
    expect(valid.length / debtors.size).toBeLessThan(1.4);
    for (const { values } of valid) {
      if (values.mobile) expect(values.mobile).toMatch(/^\+(447700900|34600000)\d{3}$/);
      if (values.email) expect(values.email).toMatch(/@example\.com$/);
      expect(['Europe/Madrid', 'Europe/London']).toContain(values.time_zone);
      expect(Number(values.current_balance_minor)).toBeGreaterThanOrEqual(5_000);
      expect(Number(values.original_balance_minor)).toBeLessThanOrEqual(1_500_000);
      expect(Number(values.days_past_due)).toBeGreaterThanOrEqual(1);
      expect(Number(values.days_past_due)).toBeLessThanOrEqual(400);
      expect(values.currency).toBe(values.country_code === 'ES' ? 'EUR' : 'GBP');
    }
  });

  it('produces rows the importer accepts, except the malformed ones, each for its defect', () => {
    const planner = new PortfolioImportPlanner({
      tenant: 'acme-bank',
      fileModifiedMs: Date.UTC(2026, 10, 24),
      now: new Date('2026-11-24T00:00:00Z'),
    });
    const outcomes = rows.map((row, index) => ({
      defect: row.defect,
      planned: planner.plan(index + 2, row.values),
    }));
    expect(outcomes.filter(({ planned }) => !planned.accepted).map(({ defect }) => defect)).toEqual(
      Array.from({ length: 14 }, (_, index) => DEFECTS[index % DEFECTS.length].name),
    );
    expect(outcomes.filter(({ planned }) => planned.accepted && planned.warning)).toEqual([]);
  });

  it('spreads malformed rows over the file', () => {
    const positions = rows.flatMap((row, index) => (row.defect ? [index] : []));
    expect(positions[0]).toBeGreaterThan(50);
    expect(positions.at(-1)).toBeLessThan(rows.length - 50);
  });

  it('writes CSV with quoting and JSONL without blank columns', () => {
    expect(csvHeader()).toBe(PORTFOLIO_COLUMNS.join(','));
    expect(
      csvRow({ ...valid[0].values, organisation_name: 'Smith, Jones & Partners LLP' }),
    ).toContain(',"Smith, Jones & Partners LLP",');
    const json = JSON.parse(jsonRow({ ...valid[0].values, region: '' })) as Record<string, unknown>;
    expect(json).not.toHaveProperty('region');
    expect(typeof json['current_balance_minor']).toBe('number');
  });
});
