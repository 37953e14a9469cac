import { emptyFacts } from './journey-state';
import { computeScore, DEFAULT_SCORE } from './score';

describe('computeScore', () => {
  const config = {
    base: 50,
    features: [
      { feature: 'payments_count', weight: 15, cap: 3 },
      { feature: 'promises_broken', weight: -20, cap: 2 },
      { feature: 'days_past_due', weight: -0.2, cap: 180 },
      { feature: 'clicks', weight: 5, cap: 4 },
    ],
  };

  it('explains every feature: value (capped), weight and points', () => {
    const facts = emptyFacts();
    facts.payments.count = 5;
    facts.engagement.clicked = 1;
    const result = computeScore(config, { facts, daysPastDue: 10 });
    expect(result.contributions).toEqual([
      { feature: 'payments_count', value: 3, weight: 15, points: 45 },
      { feature: 'promises_broken', value: 0, weight: -20, points: -0 },
      { feature: 'days_past_due', value: 10, weight: -0.2, points: -2 },
      { feature: 'clicks', value: 1, weight: 5, points: 5 },
    ]);
    expect(result.score).toBe(98); // 50 + 45 - 2 + 5
    expect(result.base).toBe(50);
  });

  it('clamps to 0..100', () => {
    const facts = emptyFacts();
    facts.promises.broken = 2;
    expect(computeScore(config, { facts, daysPastDue: 180 }).score).toBe(0); // 50 - 40 - 36
    facts.promises.broken = 0;
    facts.payments.count = 3;
    facts.engagement.clicked = 4;
    expect(computeScore(config, { facts, daysPastDue: 0 }).score).toBe(100);
  });

  it('the default scorecard rewards engagement and penalises broken promises', () => {
    const engaged = emptyFacts();
    engaged.engagement.clicked = 2;
    const broken = emptyFacts();
    broken.promises.broken = 1;
    const neutral = computeScore(DEFAULT_SCORE, { facts: emptyFacts(), daysPastDue: 0 }).score;
    expect(computeScore(DEFAULT_SCORE, { facts: engaged, daysPastDue: 0 }).score).toBeGreaterThan(
      neutral,
    );
    expect(computeScore(DEFAULT_SCORE, { facts: broken, daysPastDue: 0 }).score).toBeLessThan(
      neutral,
    );
  });
});
