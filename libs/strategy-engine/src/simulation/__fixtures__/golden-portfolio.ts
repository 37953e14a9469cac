import type { BehaviourModel } from '../behaviour-model';
import { mulberry32 } from '../prng';
import type { SimulatedCase, SimulatedContactPoint } from '../simulated-case';

const ZONES: { zone: string | undefined; currency: string; language: string; weight: number }[] = [
  { zone: 'Europe/Madrid', currency: 'EUR', language: 'es-ES', weight: 55 },
  { zone: 'Europe/London', currency: 'GBP', language: 'en-GB', weight: 25 },
  { zone: 'Atlantic/Canary', currency: 'EUR', language: 'es-ES', weight: 10 },
  { zone: 'America/New_York', currency: 'USD', language: 'en-US', weight: 5 },
  { zone: undefined, currency: 'EUR', language: 'es-ES', weight: 5 },
];
const PRODUCTS = ['credit_card', 'personal_loan', 'overdraft', 'telecom', 'utility'];

/**
 * A fixed portfolio for the golden simulation tests, generated from its own seed so the file
 * stays small. Days past due avoid the days just before a stage boundary (31, 91), so the first
 * days of a run never re-segment a case. Every 25th case is known to be vulnerable.
 */
export function goldenPortfolio(size = 200): SimulatedCase[] {
  const random = mulberry32(2026);
  const between = (min: number, max: number) => min + Math.floor(random.next() * (max - min + 1));
  const chance = (share: number) => random.next() < share;
  return Array.from({ length: size }, (_, index) => {
    const n = String(index + 1).padStart(3, '0');
    let point = random.next() * 100;
    const place = ZONES.find((z) => (point -= z.weight) < 0) ?? ZONES[0]!;
    const stage = random.next();
    const daysPastDue =
      stage < 0.5 ? between(1, 24) : stage < 0.8 ? between(35, 80) : between(95, 240);
    const hasMobile = chance(0.85);
    const hasEmail = !hasMobile || chance(0.7);
    const contactPoints: SimulatedContactPoint[] = [];
    if (hasMobile) {
      const consents: SimulatedContactPoint['consents'] = {};
      if (chance(0.5)) consents.whatsapp = 'granted';
      if (chance(0.05)) consents.sms = 'withdrawn';
      contactPoints.push({ id: `debtor-${n}:mobile`, kind: 'mobile', consents });
    }
    if (hasEmail) {
      contactPoints.push({
        id: `debtor-${n}:email`,
        kind: 'email',
        consents: chance(0.05) ? { email: 'withdrawn' } : {},
      });
    }
    const products = [PRODUCTS[between(0, PRODUCTS.length - 1)]!];
    if (chance(0.2)) products.push('overdraft');
    return {
      tenantId: 'golden',
      caseId: `case-${n}`,
      debtorId: `debtor-${n}`,
      balanceMinor: between(5_000, 800_000),
      currency: place.currency,
      daysPastDue,
      productTypes: [...new Set(products)],
      contactPoints,
      timeZones: place.zone ? [place.zone] : [],
      language: place.language,
      vulnerable: (index + 1) % 25 === 0 ? [index % 2 === 0 ? 'health' : 'low_resilience'] : [],
    };
  });
}

/** The golden tests' behaviour: spelled out, so a change of the defaults does not move them. */
export const GOLDEN_BEHAVIOUR: BehaviourModel = {
  channels: {
    whatsapp: { delivered: 0.95, click: 0.12, reply: 0.06, stop: 0.01, promise: 0.04, pay: 0.05 },
    sms: { delivered: 0.97, click: 0.08, reply: 0.04, stop: 0.02, promise: 0.03, pay: 0.04 },
    email: { delivered: 0.9, click: 0.03, reply: 0.01, stop: 0.005, promise: 0.01, pay: 0.015 },
  },
  replyIntents: { pay: 2, balance: 3, plan: 2, agent: 1, dispute: 1, other: 1 },
  payment: { fullShare: 0.6, partShare: 0.3 },
  promise: { daysAhead: { min: 3, max: 10 }, graceDays: 2, keepRate: 0.65 },
  delays: { deliveryMinutes: 1, reactionHours: { min: 0.1, max: 6 }, portalMinutes: 10 },
  vulnerableShare: 0,
};

/** Every channel alike and every message delivered: a strategy change then moves counts exactly. */
export const UNIFORM_BEHAVIOUR: BehaviourModel = {
  ...GOLDEN_BEHAVIOUR,
  channels: {
    whatsapp: { delivered: 1, click: 0.1, reply: 0.05, stop: 0.02, promise: 0.04, pay: 0.05 },
    sms: { delivered: 1, click: 0.1, reply: 0.05, stop: 0.02, promise: 0.04, pay: 0.05 },
    email: { delivered: 1, click: 0.1, reply: 0.05, stop: 0.02, promise: 0.04, pay: 0.05 },
  },
};
