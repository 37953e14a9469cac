import type { Condition } from './document-types';
import { evaluateCondition, FACTS, type FactView } from './facts';
import { emptyFacts } from './journey-state';

function view(change: (v: FactView) => void = () => undefined): FactView {
  const v: FactView = {
    facts: {
      ...emptyFacts(),
      balanceMinor: 250_00,
      productTypes: ['credit_card', 'overdraft'],
      channels: ['sms', 'email'],
    },
    holds: [],
    daysPastDue: 12,
    stage: 'early',
    score: 64,
    arm: 'champion',
    hasPlan: false,
  };
  change(v);
  return v;
}

describe('evaluateCondition', () => {
  it.each<[string, Condition, boolean]>([
    ['eq on a number', { fact: 'balance', eq: 250_00 }, true],
    ['gte / lt', { fact: 'days_past_due', gte: 10, lt: 30 }, true],
    ['gt false', { fact: 'score', gt: 64 }, false],
    ['in on a string', { fact: 'stage', in: ['early', 'late'] }, true],
    ['not_in', { fact: 'stage', not_in: ['late'] }, true],
    ['many-valued eq matches any', { fact: 'product', eq: 'overdraft' }, true],
    ['many-valued ne means none', { fact: 'product', ne: 'overdraft' }, false],
    ['many-valued not_in means none', { fact: 'product', not_in: ['mortgage'] }, true],
    ['boolean fact', { fact: 'vulnerable', eq: false }, true],
    ['reachable channels', { fact: 'reachable_channel', eq: 'whatsapp' }, false],
    ['unknown value is only ne', { fact: 'language', ne: 'es' }, true],
    ['unknown value never eq', { fact: 'language', eq: 'es' }, false],
    [
      'all',
      {
        all: [
          { fact: 'stage', eq: 'early' },
          { fact: 'score', gte: 60 },
        ],
      },
      true,
    ],
    [
      'any',
      {
        any: [
          { fact: 'stage', eq: 'late' },
          { fact: 'score', gte: 90 },
        ],
      },
      false,
    ],
    ['not', { not: { fact: 'on_hold', eq: true } }, true],
    ['arm', { fact: 'arm', eq: 'champion' }, true],
  ])('%s', (_name, condition, expected) => {
    expect(evaluateCondition(condition, view())).toBe(expected);
  });

  it('reads holds, opt-outs and engagement from the journey', () => {
    const v = view((x) => {
      x.holds = [{ holdId: 'h', kind: 'dispute' }];
      x.facts.optedOut = ['sms'];
      x.facts.engagement.delivered = 2;
    });
    expect(evaluateCondition({ fact: 'on_hold', eq: true }, v)).toBe(true);
    expect(evaluateCondition({ fact: 'hold_kind', in: ['dispute', 'insolvency'] }, v)).toBe(true);
    expect(evaluateCondition({ fact: 'reachable_channel', eq: 'sms' }, v)).toBe(false);
    expect(evaluateCondition({ fact: 'engagement.delivered', gte: 2 }, v)).toBe(true);
  });

  it('documents every fact with a type and a description', () => {
    for (const definition of Object.values(FACTS)) {
      expect(['number', 'string', 'boolean']).toContain(definition.type);
      expect(definition.description.length).toBeGreaterThan(5);
    }
  });
});
