import { renderReportTable } from './report-table';
import { SimulationReportBuilder } from './simulation-report';

const START = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function builder(days = 3) {
  return new SimulationReportBuilder(
    {
      strategy: { strategyId: 'early', version: 2, name: 'Early' },
      jurisdiction: 'EU_ES',
      seed: 7,
      start: new Date(START).toISOString(),
      days,
      cases: 2,
    },
    START,
  );
}

describe('SimulationReportBuilder', () => {
  it('counts per day and channel, with reasons, and totals them', () => {
    const report = builder();
    report.assigned('champion', { strategyId: 'early', version: 2 });
    report.assigned('challenger', { strategyId: 'early-b', version: 1 });
    report.message(START + 9 * HOUR, 'sms', 'champion');
    report.message(START + DAY + 9 * HOUR, 'sms', 'challenger');
    report.message(START + DAY + 10 * HOUR, 'email', 'champion');
    report.deferral(START + 8 * HOUR, 'sms', ['quiet_hours']);
    report.deferral(START + 8 * HOUR, 'sms', ['quiet_hours', 'frequency_cap.sms.7d']);
    report.block(START + DAY, 'whatsapp', ['consent.missing']);
    report.cancelled(START + 2 * DAY, 'email', 'payment');
    report.outcome(START + 2 * DAY, 'escalation', 'champion', 'collections');
    report.payment(START + 2 * DAY, 1_000, 'EUR', 'champion', false);
    report.payment(START + 2 * DAY, 500, 'GBP', 'challenger', true);
    report.decision(START, 'send');
    report.decision(START, 'send');
    report.decision(START + DAY, 'wait');
    const built = report.build(0);

    expect(built.byDay.map((d) => d.date)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
    expect(built.byDay[0]!.channels.sms).toEqual({
      messages: 1,
      deferrals: 2,
      deferralReasons: { 'frequency_cap.sms.7d': 1, quiet_hours: 2 },
      blocks: 0,
      blockReasons: {},
      cancelled: 0,
    });
    expect(built.byDay[1]!.channels.whatsapp.blockReasons).toEqual({ 'consent.missing': 1 });
    expect(built.byDay[1]!.channels.email.messages).toBe(1);
    expect(built.byDay[2]!.payments).toEqual({ count: 2, amountMinor: { EUR: 1_000, GBP: 500 } });
    expect(built.byDay[2]!.escalations).toBe(1);
    expect(built.totals.channels.sms.messages).toBe(2);
    expect(built.totals.messages).toBe(3);
    expect(built.totals.escalationQueues).toEqual({ collections: 1 });
    expect(built.totals.cancelReasons).toEqual({ payment: 1 });
    expect(built.totals.casesPaidInFull).toBe(1);
    expect(built.totals.decisions).toEqual({ send: 2, wait: 1 });
    expect(built.arms.champion).toMatchObject({
      cases: 1,
      messages: 2,
      escalations: 1,
      payments: { count: 1, amountMinor: { EUR: 1_000 } },
    });
    expect(built.arms.challenger).toMatchObject({
      cases: 1,
      messages: 1,
      casesPaidInFull: 1,
      strategy: { strategyId: 'early-b', version: 1 },
    });
  });

  it('ignores what happens outside the simulated days', () => {
    const report = builder(1);
    report.message(START + DAY, 'sms', undefined);
    report.message(START - 1, 'sms', undefined);
    report.payment(START + DAY, 100, 'EUR', undefined, true);
    report.cancelled(START + DAY, 'sms', 'payment');
    const built = report.build(0);
    expect(built.totals.messages).toBe(0);
    expect(built.totals.payments.count).toBe(0);
    expect(built.totals.casesPaidInFull).toBe(0);
    expect(built.totals.cancelReasons).toEqual({});
    expect(built.byDay).toHaveLength(1);
  });
});

describe('renderReportTable', () => {
  it('prints a row per day, a total row, reasons and arms', () => {
    const report = builder(2);
    report.assigned('champion', { strategyId: 'early', version: 2 });
    report.message(START + 9 * HOUR, 'whatsapp', 'champion');
    report.block(START + 9 * HOUR, 'sms', ['opted_out.sms']);
    report.payment(START + DAY, 12_345, 'EUR', 'champion', true);
    const text = renderReportTable(report.build(1));
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'Strategy early v2 (Early): 2 cases, 2 days from 2026-12-01T00:00:00.000Z, seed 7, policy EU_ES',
    );
    expect(lines[1]).toBe('1 case(s) were not assigned a strategy');
    expect(text).toMatch(
      /^day\s+whatsapp\s+sms\s+email\s+deferred\s+blocked\s+cancelled\s+escalations\s+promises\s+payments\s+paid$/m,
    );
    expect(text).toMatch(/^2026-12-01\s+1\s+0\s+0\s+0\s+1\s+0\s+0\s+0\s+0\s+-$/m);
    expect(text).toMatch(/^2026-12-02\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+1\s+EUR 123\.45$/m);
    expect(text).toMatch(/^total\s+1\s+0\s+0\s+0\s+1\s+0\s+0\s+0\s+1\s+EUR 123\.45$/m);
    expect(text).toContain('sms: 0 sent; 0 deferred; 1 blocked (opted_out.sms 1); 0 cancelled');
    expect(text).toMatch(/^champion\s+early v2\s+1\s+1\s+0\s+0\s+1\s+1\s+EUR 123\.45$/m);
  });
});
