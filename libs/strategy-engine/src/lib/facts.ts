/**
 * The facts segment rules and branches can test, and the evaluation of conditions over them.
 * "Many-valued" facts (product, vulnerability, hold_kind, reachable_channel) match eq/in when any
 * value matches and ne/not_in when none does.
 */
import type { Condition, FactValue } from './document-types';
import type { Arm } from './engine-types';
import type { CaseFacts, HoldState } from './journey-state';

export type FactType = 'number' | 'string' | 'boolean';

export interface FactView {
  facts: CaseFacts;
  holds: HoldState[];
  daysPastDue: number;
  stage: string;
  score: number;
  arm: Arm | undefined;
  hasPlan: boolean;
}

interface FactDefinition {
  type: FactType;
  many?: boolean;
  description: string;
  read: (view: FactView) => FactValue | FactValue[] | undefined;
}

export const FACTS: Readonly<Record<string, FactDefinition>> = {
  balance: {
    type: 'number',
    description: 'outstanding balance in minor units',
    read: (v) => v.facts.balanceMinor,
  },
  currency: {
    type: 'string',
    description: 'ISO 4217 currency code',
    read: (v) => v.facts.currency,
  },
  days_past_due: {
    type: 'number',
    description: 'days past due now (at placement + days since)',
    read: (v) => v.daysPastDue,
  },
  stage: { type: 'string', description: 'the stage id for days_past_due', read: (v) => v.stage },
  product: {
    type: 'string',
    many: true,
    description: "any of the case's product types",
    read: (v) => v.facts.productTypes,
  },
  vulnerable: {
    type: 'boolean',
    description: 'any vulnerability disclosed',
    read: (v) => v.facts.vulnerabilities.length > 0,
  },
  vulnerability: {
    type: 'string',
    many: true,
    description: 'vulnerability categories',
    read: (v) => v.facts.vulnerabilities,
  },
  on_hold: { type: 'boolean', description: 'any hold in force', read: (v) => v.holds.length > 0 },
  hold_kind: {
    type: 'string',
    many: true,
    description: 'kinds of the holds in force',
    read: (v) => v.holds.map((h) => h.kind),
  },
  score: { type: 'number', description: 'propensity score 0–100', read: (v) => v.score },
  'engagement.sent': {
    type: 'number',
    description: 'messages sent',
    read: (v) => v.facts.engagement.sent,
  },
  'engagement.delivered': {
    type: 'number',
    description: 'messages delivered',
    read: (v) => v.facts.engagement.delivered,
  },
  'engagement.read': {
    type: 'number',
    description: 'messages read',
    read: (v) => v.facts.engagement.read,
  },
  'engagement.clicked': {
    type: 'number',
    description: 'links clicked',
    read: (v) => v.facts.engagement.clicked,
  },
  'engagement.replied': {
    type: 'number',
    description: 'replies received',
    read: (v) => v.facts.engagement.replied,
  },
  'engagement.portal_visits': {
    type: 'number',
    description: 'portal visits',
    read: (v) => v.facts.engagement.portalVisits,
  },
  'promises.made': {
    type: 'number',
    description: 'promises to pay made',
    read: (v) => v.facts.promises.made,
  },
  'promises.kept': {
    type: 'number',
    description: 'promises kept',
    read: (v) => v.facts.promises.kept,
  },
  'promises.broken': {
    type: 'number',
    description: 'promises broken',
    read: (v) => v.facts.promises.broken,
  },
  'payments.count': {
    type: 'number',
    description: 'payments received',
    read: (v) => v.facts.payments.count,
  },
  'payments.total': {
    type: 'number',
    description: 'amount paid in minor units',
    read: (v) => v.facts.payments.totalMinor,
  },
  has_plan: { type: 'boolean', description: 'a payment plan is in force', read: (v) => v.hasPlan },
  reachable_channel: {
    type: 'string',
    many: true,
    description: 'channels the debtor can be reached on and has not opted out of',
    read: (v) => v.facts.channels.filter((c) => !v.facts.optedOut.includes(c)),
  },
  time_zone: {
    type: 'string',
    description: "the debtor's first known IANA zone",
    read: (v) => v.facts.timeZones[0],
  },
  language: {
    type: 'string',
    description: 'preferred language (BCP 47)',
    read: (v) => v.facts.language,
  },
  arm: { type: 'string', description: 'champion or challenger', read: (v) => v.arm },
  last_reply_intent: {
    type: 'string',
    description: 'intent of the last reply',
    read: (v) => v.facts.lastReplyIntent,
  },
  last_task_outcome: {
    type: 'string',
    description: 'outcome of the last completed agent task',
    read: (v) => v.facts.lastTaskOutcome,
  },
};

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in'] as const;

function compare(
  value: FactValue | undefined,
  operator: string,
  operand: FactValue | FactValue[],
): boolean {
  if (value === undefined) return operator === 'ne' || operator === 'not_in';
  switch (operator) {
    case 'eq':
      return value === operand;
    case 'ne':
      return value !== operand;
    case 'gt':
      return typeof value === 'number' && value > (operand as number);
    case 'gte':
      return typeof value === 'number' && value >= (operand as number);
    case 'lt':
      return typeof value === 'number' && value < (operand as number);
    case 'lte':
      return typeof value === 'number' && value <= (operand as number);
    case 'in':
      return (operand as FactValue[]).includes(value);
    case 'not_in':
      return !(operand as FactValue[]).includes(value);
    default:
      return false;
  }
}

export function evaluateCondition(condition: Condition, view: FactView): boolean {
  if ('all' in condition && condition.all)
    return condition.all.every((c) => evaluateCondition(c, view));
  if ('any' in condition && condition.any)
    return condition.any.some((c) => evaluateCondition(c, view));
  if ('not' in condition && condition.not) return !evaluateCondition(condition.not, view);
  const { fact, ...operators } = condition as { fact: string } & Record<
    string,
    FactValue | FactValue[]
  >;
  const definition = FACTS[fact];
  if (!definition) return false;
  const value = definition.read(view);
  return Object.entries(operators).every(([operator, operand]) => {
    if (!Array.isArray(value)) return compare(value, operator, operand);
    const negative = operator === 'ne' || operator === 'not_in';
    return negative
      ? value.every((item) => compare(item, operator, operand))
      : value.some((item) => compare(item, operator, operand));
  });
}
