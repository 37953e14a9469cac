/**
 * The transparent propensity / ability-to-pay score: a points scorecard. Each feature is a
 * documented count or amount from the case's event history, capped, times a weight from the
 * strategy document; the sum plus a base is clamped to 0..100. The explanation lists every input.
 */
import type { ScoreConfig } from './document-types';
import type { ScoreExplanation } from './engine-types';
import type { CaseFacts } from './journey-state';

export interface ScoreInputs {
  facts: CaseFacts;
  daysPastDue: number;
}

export const SCORE_FEATURES: Readonly<
  Record<string, { description: string; read: (i: ScoreInputs) => number }>
> = {
  payments_count: { description: 'payments received', read: (i) => i.facts.payments.count },
  payments_total_major: {
    description: 'amount paid, in major units (minor / 100, rounded down)',
    read: (i) => Math.floor(i.facts.payments.totalMinor / 100),
  },
  promises_made: { description: 'promises to pay made', read: (i) => i.facts.promises.made },
  promises_kept: { description: 'promises kept', read: (i) => i.facts.promises.kept },
  promises_broken: { description: 'promises broken', read: (i) => i.facts.promises.broken },
  days_past_due: { description: 'days past due now', read: (i) => i.daysPastDue },
  balance_major: {
    description: 'outstanding balance in major units (minor / 100, rounded down)',
    read: (i) => Math.max(0, Math.floor(i.facts.balanceMinor / 100)),
  },
  messages_sent: { description: 'messages sent', read: (i) => i.facts.engagement.sent },
  delivered: { description: 'messages delivered', read: (i) => i.facts.engagement.delivered },
  reads: { description: 'messages read', read: (i) => i.facts.engagement.read },
  clicks: { description: 'links clicked', read: (i) => i.facts.engagement.clicked },
  replies: { description: 'replies received', read: (i) => i.facts.engagement.replied },
  portal_visits: { description: 'portal visits', read: (i) => i.facts.engagement.portalVisits },
  unanswered_messages: {
    description:
      'messages delivered without any click, reply or portal visit (delivered - clicks - replies - visits, at least 0)',
    read: (i) => {
      const e = i.facts.engagement;
      return Math.max(0, e.delivered - e.clicked - e.replied - e.portalVisits);
    },
  },
};

/** Used when the document has no `score` section. */
export const DEFAULT_SCORE: ScoreConfig = {
  base: 50,
  features: [
    { feature: 'payments_count', weight: 10, cap: 3 },
    { feature: 'promises_kept', weight: 10, cap: 2 },
    { feature: 'promises_broken', weight: -15, cap: 2 },
    { feature: 'clicks', weight: 5, cap: 4 },
    { feature: 'replies', weight: 5, cap: 4 },
    { feature: 'portal_visits', weight: 5, cap: 4 },
    { feature: 'days_past_due', weight: -0.1, cap: 180 },
  ],
};

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function computeScore(config: ScoreConfig, inputs: ScoreInputs): ScoreExplanation {
  const contributions = config.features.map(({ feature, weight, cap }) => {
    const raw = SCORE_FEATURES[feature]?.read(inputs) ?? 0;
    const value = cap === undefined ? raw : Math.min(raw, cap);
    return { feature, value, weight, points: round2(value * weight) };
  });
  const total = contributions.reduce((sum, c) => sum + c.points, config.base);
  return { score: Math.min(100, Math.max(0, Math.round(total))), base: config.base, contributions };
}
