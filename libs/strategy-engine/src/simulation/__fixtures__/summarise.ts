import type { ReasonCounts, SimulationReport } from '../simulation-report';
import { SIMULATED_CHANNELS } from '../simulation-report';

const merge = (counts: ReasonCounts[]) => {
  const merged: ReasonCounts = {};
  for (const c of counts) for (const [k, v] of Object.entries(c)) merged[k] = (merged[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
};

/**
 * A report in a compact form for golden comparisons: totals, and one line per day with activity
 * ("wa/sms/email sent, deferred, blocked, cancelled, escalations, promises, payments").
 */
export function summarise(report: SimulationReport) {
  const { totals } = report;
  const channels = SIMULATED_CHANNELS.map((c) => totals.channels[c]);
  const days: Record<string, string> = {};
  for (const day of report.byDay) {
    const ch = SIMULATED_CHANNELS.map((c) => day.channels[c]);
    const line =
      `sent ${ch.map((c) => c.messages).join('/')}` +
      ` def ${ch.reduce((s, c) => s + c.deferrals, 0)} blk ${ch.reduce((s, c) => s + c.blocks, 0)}` +
      ` cnc ${ch.reduce((s, c) => s + c.cancelled, 0)} esc ${day.escalations} prm ${day.promises} pay ${day.payments.count}`;
    if (line !== 'sent 0/0/0 def 0 blk 0 cnc 0 esc 0 prm 0 pay 0') days[day.date] = line;
  }
  return {
    messages: Object.fromEntries(SIMULATED_CHANNELS.map((c) => [c, totals.channels[c].messages])),
    deferralReasons: merge(channels.map((c) => c.deferralReasons)),
    blockReasons: merge(channels.map((c) => c.blockReasons)),
    cancelReasons: totals.cancelReasons,
    escalationQueues: totals.escalationQueues,
    promises: [totals.promises, totals.promisesKept, totals.promisesBroken],
    payments: totals.payments,
    casesPaidInFull: totals.casesPaidInFull,
    debtors: { clicks: totals.clicks, replies: totals.replies, optOuts: totals.optOuts },
    decisions: totals.decisions,
    days,
  };
}
