import type { EngineChannel } from '../lib/engine-types';
import {
  type ChannelDay,
  type Payments,
  type ReasonCounts,
  type SimulationReport,
  SIMULATED_CHANNELS,
} from './simulation-report';

/** A simulation report as plain-text tables for a terminal (the JSON is the stable interface). */
export function renderReportTable(report: SimulationReport): string {
  const lines: string[] = [];
  const { strategy } = report;
  lines.push(
    `Strategy ${strategy.strategyId} v${strategy.version}${strategy.name ? ` (${strategy.name})` : ''}: ` +
      `${report.cases} cases, ${report.days} days from ${report.start}, seed ${report.seed}, policy ${report.jurisdiction}`,
  );
  if (report.unassignedCases > 0)
    lines.push(`${report.unassignedCases} case(s) were not assigned a strategy`);
  lines.push('');

  const header = [
    'day',
    ...SIMULATED_CHANNELS,
    'deferred',
    'blocked',
    'cancelled',
    'escalations',
    'promises',
    'payments',
    'paid',
  ];
  const row = (
    label: string,
    channels: Record<EngineChannel, ChannelDay>,
    o: { escalations: number; promises: number; payments: Payments },
  ) => [
    label,
    ...SIMULATED_CHANNELS.map((channel) => String(channels[channel].messages)),
    String(sum(channels, 'deferrals')),
    String(sum(channels, 'blocks')),
    String(sum(channels, 'cancelled')),
    String(o.escalations),
    String(o.promises),
    String(o.payments.count),
    money(o.payments.amountMinor),
  ];
  const rows = report.byDay.map((day) => row(day.date, day.channels, day));
  rows.push(row('total', report.totals.channels, report.totals));
  lines.push(...table(header, rows));
  lines.push('');

  const { totals } = report;
  for (const channel of SIMULATED_CHANNELS) {
    const day = totals.channels[channel];
    lines.push(
      `${channel}: ${day.messages} sent; ${day.deferrals} deferred${reasons(day.deferralReasons)}; ` +
        `${day.blocks} blocked${reasons(day.blockReasons)}; ${day.cancelled} cancelled`,
    );
  }
  lines.push(`cancelled by reason:${reasons(totals.cancelReasons, '') || ' none'}`);
  lines.push(`escalations by queue:${reasons(totals.escalationQueues, '') || ' none'}`);
  lines.push(
    `debtors: ${totals.clicks} clicks, ${totals.replies} replies, ${totals.optOuts} opt-outs, ` +
      `${totals.promises} promises (${totals.promisesKept} kept, ${totals.promisesBroken} broken), ` +
      `${totals.payments.count} payments, ${totals.casesPaidInFull} cases paid in full`,
  );
  lines.push(`decisions:${reasons(totals.decisions as ReasonCounts, '')}`);

  const arms = Object.entries(report.arms);
  if (arms.length > 0) {
    lines.push('');
    lines.push(
      ...table(
        [
          'arm',
          'strategy',
          'cases',
          'messages',
          'escalations',
          'promises',
          'payments',
          'paid in full',
          'paid',
        ],
        arms.map(([arm, a]) => [
          arm,
          `${a.strategy.strategyId} v${a.strategy.version}`,
          String(a.cases),
          String(a.messages),
          String(a.escalations),
          String(a.promises),
          String(a.payments.count),
          String(a.casesPaidInFull),
          money(a.payments.amountMinor),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function sum(
  channels: Record<EngineChannel, ChannelDay>,
  field: 'deferrals' | 'blocks' | 'cancelled',
): number {
  return SIMULATED_CHANNELS.reduce((total, channel) => total + channels[channel][field], 0);
}

function reasons(counts: ReasonCounts, wrap: '' | '()' = '()'): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return '';
  const text = entries.map(([code, count]) => `${code} ${count}`).join(', ');
  return wrap === '()' ? ` (${text})` : ` ${text}`;
}

/** Minor units shown in major units per currency, e.g. "EUR 1234.50 + GBP 20.00". */
function money(amounts: Record<string, number>): string {
  const entries = Object.entries(amounts);
  if (entries.length === 0) return '-';
  return entries
    .map(([currency, minor]) => {
      const digits = fractionDigits(currency);
      return `${currency} ${(minor / 10 ** digits).toFixed(digits)}`;
    })
    .join(' + ');
}

function fractionDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Left-aligned first column, right-aligned numbers. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)];
}
