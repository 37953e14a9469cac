import type { EngineChannel, ReplyIntent } from '../lib/engine-types';

/** How debtors answer one channel. Rates are shares (0..1). */
export interface ChannelBehaviour {
  /** Share of sent messages that are delivered; the rest fail for good (the engine falls back). */
  delivered: number;
  /**
   * Per delivered message, one reaction at most: these shares are mutually exclusive and sum to
   * at most 1 (the rest is silence). Pay and promise go through the portal, so they click first.
   */
  click: number;
  reply: number;
  /** STOP (or unsubscribe): opts the debtor out of this channel. */
  stop: number;
  promise: number;
  pay: number;
}

/** A range of hours; a value is drawn uniformly inside it. */
export interface HoursRange {
  min: number;
  max: number;
}

/** The simple debtor-behaviour model of `clement strategy simulate` (docs/strategy-simulation.md). */
export interface BehaviourModel {
  channels: Record<EngineChannel, ChannelBehaviour>;
  /** Relative weights of a reply's intent. */
  replyIntents: Record<ReplyIntent, number>;
  payment: {
    /** Share of payments that clear the balance; the others pay `partShare` of it. */
    fullShare: number;
    partShare: number;
  };
  promise: {
    /** The promised date is this many days after the promise (local date of the debtor). */
    daysAhead: { min: number; max: number };
    graceDays: number;
    /** Share of promises kept (paid in full on the date); the rest break after the grace days. */
    keepRate: number;
  };
  delays: {
    /** From sent to delivered (or failed). */
    deliveryMinutes: number;
    /** From delivered to the reaction (a click, a reply, a STOP). */
    reactionHours: HoursRange;
    /** From the click to the payment or promise made on the portal. */
    portalMinutes: number;
  };
  /**
   * Share of cases whose vulnerability is known at placement (portfolio files carry no such
   * column; a case may also say so itself with `vulnerable`).
   */
  vulnerableShare: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourModel = {
  // Mobile messages are read far more than email (docs: ~98% SMS / ~99% WhatsApp vs ~21% email).
  channels: {
    whatsapp: { delivered: 0.95, click: 0.12, reply: 0.06, stop: 0.01, promise: 0.04, pay: 0.05 },
    sms: { delivered: 0.97, click: 0.08, reply: 0.04, stop: 0.02, promise: 0.03, pay: 0.04 },
    email: { delivered: 0.9, click: 0.03, reply: 0.01, stop: 0.005, promise: 0.01, pay: 0.015 },
  },
  replyIntents: { pay: 2, balance: 3, plan: 2, agent: 1, dispute: 1, other: 1 },
  payment: { fullShare: 0.6, partShare: 0.3 },
  promise: { daysAhead: { min: 3, max: 10 }, graceDays: 2, keepRate: 0.65 },
  delays: { deliveryMinutes: 1, reactionHours: { min: 0.1, max: 6 }, portalMinutes: 10 },
  vulnerableShare: 0.05,
};

export interface BehaviourProblem {
  path: string;
  message: string;
}

type Partial2<T> = { [K in keyof T]?: T[K] extends object ? Partial2<T[K]> : T[K] };
export type BehaviourOverride = Partial2<BehaviourModel>;

/** The defaults with an override on top, key by key (a behaviour file need only name what differs). */
export function mergeBehaviour(
  override: unknown,
  base: BehaviourModel = DEFAULT_BEHAVIOUR,
): BehaviourModel {
  return deepMerge(base, override) as BehaviourModel;
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isShare = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
const isNonNegative = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** What is wrong with a (merged) model, with JSON pointers; empty when it is usable. */
export function behaviourProblems(model: unknown): BehaviourProblem[] {
  const problems: BehaviourProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const check = (path: string, value: unknown, test: (v: unknown) => boolean, what: string) => {
    if (!test(value)) add(path, `must be ${what}`);
  };
  const expected = (
    path: string,
    value: unknown,
    keys: readonly string[],
  ): value is Record<string, unknown> => {
    if (!isObject(value)) {
      add(path, 'must be an object');
      return false;
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key))
        add(`${path}/${key}`, `is not a field (expected ${keys.join(', ')})`);
    }
    return true;
  };
  if (!expected('', model, Object.keys(DEFAULT_BEHAVIOUR))) return problems;

  if (expected('/channels', model['channels'], Object.keys(DEFAULT_BEHAVIOUR.channels))) {
    for (const [channel, rates] of Object.entries(model['channels'] as Record<string, unknown>)) {
      const path = `/channels/${channel}`;
      if (!expected(path, rates, Object.keys(DEFAULT_BEHAVIOUR.channels.sms))) continue;
      for (const [key, value] of Object.entries(rates))
        check(`${path}/${key}`, value, isShare, 'a share from 0 to 1');
      const reactions = ['click', 'reply', 'stop', 'promise', 'pay'].reduce(
        (sum, key) => sum + (isShare(rates[key]) ? (rates[key] as number) : 0),
        0,
      );
      if (reactions > 1 + 1e-9)
        add(path, `click + reply + stop + promise + pay is ${reactions}, more than 1`);
    }
  }
  if (
    expected('/replyIntents', model['replyIntents'], Object.keys(DEFAULT_BEHAVIOUR.replyIntents))
  ) {
    const intents = model['replyIntents'] as Record<string, unknown>;
    for (const [key, value] of Object.entries(intents))
      check(`/replyIntents/${key}`, value, isNonNegative, 'a weight, 0 or more');
    if (!Object.values(intents).some((w) => typeof w === 'number' && w > 0))
      add('/replyIntents', 'needs one positive weight');
  }
  if (expected('/payment', model['payment'], ['fullShare', 'partShare'])) {
    const payment = model['payment'] as Record<string, unknown>;
    check('/payment/fullShare', payment['fullShare'], isShare, 'a share from 0 to 1');
    check(
      '/payment/partShare',
      payment['partShare'],
      (v) => isShare(v) && (v as number) > 0,
      'a share above 0, at most 1',
    );
  }
  if (expected('/promise', model['promise'], ['daysAhead', 'graceDays', 'keepRate'])) {
    const promise = model['promise'] as Record<string, unknown>;
    checkRange(
      '/promise/daysAhead',
      promise['daysAhead'],
      (v) => Number.isInteger(v) && (v as number) >= 1,
      'whole days, 1 or more',
      add,
    );
    check(
      '/promise/graceDays',
      promise['graceDays'],
      (v) => Number.isInteger(v) && (v as number) >= 0,
      'whole days, 0 or more',
    );
    check('/promise/keepRate', promise['keepRate'], isShare, 'a share from 0 to 1');
  }
  if (expected('/delays', model['delays'], ['deliveryMinutes', 'reactionHours', 'portalMinutes'])) {
    const delays = model['delays'] as Record<string, unknown>;
    check(
      '/delays/deliveryMinutes',
      delays['deliveryMinutes'],
      isNonNegative,
      'minutes, 0 or more',
    );
    check('/delays/portalMinutes', delays['portalMinutes'], isNonNegative, 'minutes, 0 or more');
    checkRange(
      '/delays/reactionHours',
      delays['reactionHours'],
      isNonNegative,
      'hours, 0 or more',
      add,
    );
  }
  check('/vulnerableShare', model['vulnerableShare'], isShare, 'a share from 0 to 1');
  return problems;
}

function checkRange(
  path: string,
  value: unknown,
  test: (v: unknown) => boolean,
  what: string,
  add: (path: string, message: string) => void,
): void {
  if (!isObject(value) || !test(value['min']) || !test(value['max'])) {
    add(path, `must be { min, max } in ${what}`);
  } else if ((value['min'] as number) > (value['max'] as number)) {
    add(path, 'min must not be above max');
  }
}
