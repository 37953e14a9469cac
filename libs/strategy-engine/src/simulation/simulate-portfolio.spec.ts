import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EU_ES } from '@clement/contact-policy';
import { parse, stringify } from 'yaml';
import type { StrategyDocument } from '../lib/document-types';
import { loadStrategy } from '../lib/strategy-document';
import {
  GOLDEN_BEHAVIOUR,
  UNIFORM_BEHAVIOUR,
  goldenPortfolio,
} from './__fixtures__/golden-portfolio';
import { summarise } from './__fixtures__/summarise';
import { mergeBehaviour } from './behaviour-model';
import { SimulationError, simulatePortfolio } from './simulate-portfolio';
import { channelsOf } from './simulated-case';
import { SIMULATED_CHANNELS, type SimulationReport } from './simulation-report';

const GOLDEN_TEXT = readFileSync(join(__dirname, '__fixtures__/golden-strategy.yaml'), 'utf8');
const TUESDAY = Date.parse('2026-12-01T00:00:00Z');
const SATURDAY = Date.parse('2026-12-05T00:00:00Z');
const CASES = goldenPortfolio();

/** The golden strategy, optionally edited as a designer would edit the document. */
function strategy(
  edit?: (doc: StrategyDocument) => void,
  ref = { strategyId: 'golden', version: 1 },
) {
  const doc = parse(GOLDEN_TEXT) as StrategyDocument;
  edit?.(doc);
  return loadStrategy(stringify(doc), ref);
}

const stepOf = (doc: StrategyDocument, path: string, id: string) => {
  const step = doc.paths[path]!.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${path}/${id}`);
  return step;
};

const dayMessages = (report: SimulationReport, day: number) =>
  Object.fromEntries(SIMULATED_CHANNELS.map((c) => [c, report.byDay[day]!.channels[c].messages]));

describe('simulatePortfolio: golden run', () => {
  // 200 generated cases, seed 42, 30 days from Tuesday 1 December 2026. The golden strategy is
  // written for UK_FCA (Mon–Sat from 08:00); run under EU_ES (Mon–Fri from 09:00) it shows the
  // policy at work: first messages at 08:30 are deferred to 09:00, Saturday ones expire.
  const run = () =>
    simulatePortfolio({
      strategy: strategy(),
      cases: CASES,
      start: TUESDAY,
      days: 30,
      seed: 42,
      behaviour: GOLDEN_BEHAVIOUR,
      policy: EU_ES,
    });

  it('matches the expected counts', () => {
    expect(summarise(run())).toEqual({
      messages: { whatsapp: 31, sms: 92, email: 154 },
      // Every early-path first message (08:30) waits for 09:00 in Spain.
      deferralReasons: { quiet_hours: 92 },
      // WhatsApp needs express consent (78 of 175 mobiles have it); some SMS/email consents are withdrawn.
      blockReasons: { 'consent.missing': 88, 'consent.withdrawn': 10 },
      // Saturday reminders (a contact day of the strategy, not of the policy) would wait until Monday: past their 12 h.
      cancelReasons: { expired: 77 },
      // 8 known vulnerable cases → 8 reviews; late and pre-legal cases without response → collections.
      escalationQueues: { collections: 105, 'vulnerability-review': 8 },
      promises: [7, 6, 1],
      payments: { count: 12, amountMinor: { EUR: 3_113_814, GBP: 681_071 } },
      casesPaidInFull: 9,
      debtors: { clicks: 30, replies: 8, optOuts: 5 },
      decisions: {
        branch: 36,
        end: 193,
        enter_path: 229,
        escalate: 113,
        pause: 38,
        resume: 3,
        send: 452,
        skip: 20,
        wait: 738,
      },
      days: {
        '2026-12-01': 'sent 31/88/87 def 92 blk 55 cnc 0 esc 8 prm 6 pay 5',
        '2026-12-05': 'sent 0/0/0 def 0 blk 42 cnc 75 esc 0 prm 0 pay 1',
        '2026-12-06': 'sent 0/0/0 def 0 blk 0 cnc 0 esc 86 prm 0 pay 1',
        '2026-12-08': 'sent 0/0/1 def 0 blk 0 cnc 0 esc 0 prm 0 pay 0',
        '2026-12-09': 'sent 0/2/54 def 0 blk 0 cnc 0 esc 0 prm 1 pay 1',
        '2026-12-10': 'sent 0/0/1 def 0 blk 0 cnc 0 esc 0 prm 0 pay 2',
        '2026-12-11': 'sent 0/0/1 def 0 blk 0 cnc 0 esc 0 prm 0 pay 0',
        '2026-12-12': 'sent 0/0/0 def 0 blk 0 cnc 2 esc 0 prm 0 pay 0',
        '2026-12-14': 'sent 0/1/4 def 0 blk 0 cnc 0 esc 3 prm 0 pay 0',
        '2026-12-15': 'sent 0/1/2 def 0 blk 1 cnc 0 esc 1 prm 0 pay 1',
        '2026-12-16': 'sent 0/0/4 def 0 blk 0 cnc 0 esc 1 prm 0 pay 0',
        '2026-12-17': 'sent 0/0/0 def 0 blk 0 cnc 0 esc 2 prm 0 pay 0',
        '2026-12-18': 'sent 0/0/0 def 0 blk 0 cnc 0 esc 0 prm 0 pay 1',
        '2026-12-19': 'sent 0/0/0 def 0 blk 0 cnc 0 esc 5 prm 0 pay 0',
        '2026-12-20': 'sent 0/0/0 def 0 blk 0 cnc 0 esc 3 prm 0 pay 0',
        '2026-12-21': 'sent 0/0/0 def 0 blk 0 cnc 0 esc 4 prm 0 pay 0',
      },
    });
  });

  it('is the same report every time, and its parts add up', () => {
    const report = run();
    expect(run()).toEqual(report);
    expect(report.cases).toBe(200);
    expect(report.unassignedCases).toBe(0);
    expect(report.arms.champion?.cases).toBe(200);
    expect(report.arms.challenger).toBeUndefined();
    for (const channel of SIMULATED_CHANNELS) {
      expect(report.byDay.reduce((sum, day) => sum + day.channels[channel].messages, 0)).toBe(
        report.totals.channels[channel].messages,
      );
    }
    expect(report.totals.messages).toBe(report.arms.champion?.messages);
    expect(report.byDay.reduce((sum, day) => sum + day.escalations, 0)).toBe(
      report.totals.escalations,
    );
    // Messages are what dispatch let through of the engine's send decisions (plus fallbacks).
    expect(report.totals.messages).toBeLessThanOrEqual(report.totals.decisions.send ?? 0);
  });

  it('gives another report for another seed, with the same first reminders', () => {
    const other = simulatePortfolio({
      strategy: strategy(),
      cases: CASES,
      start: TUESDAY,
      days: 30,
      seed: 7,
      behaviour: GOLDEN_BEHAVIOUR,
      policy: EU_ES,
    });
    const golden = run();
    expect(summarise(other)).not.toEqual(summarise(golden));
    // On day one only the first reminder tries WhatsApp, before any debtor behaviour comes into play.
    expect(other.byDay[0]!.channels.whatsapp).toEqual(golden.byDay[0]!.channels.whatsapp);
  });
});

describe('simulatePortfolio: a change to the strategy changes the report as expected', () => {
  const simulate = (s: ReturnType<typeof strategy>, start = TUESDAY) =>
    simulatePortfolio({
      strategy: s,
      cases: CASES,
      start,
      days: 30,
      seed: 42,
      behaviour: UNIFORM_BEHAVIOUR,
    });

  it('without WhatsApp in the first reminder, those messages go by SMS', () => {
    const before = simulate(strategy());
    const after = simulate(
      strategy(
        (doc) => (stepOf(doc, 'early-digital', 'first-reminder').send!.channels = ['sms', 'email']),
      ),
    );
    const was = dayMessages(before, 0);
    expect(was['whatsapp']).toBeGreaterThan(20);
    // Each becomes an SMS, or an SMS blocked where the debtor withdrew SMS consent (and has no email).
    const newSmsBlocks = after.byDay[0]!.channels.sms.blocks - before.byDay[0]!.channels.sms.blocks;
    expect(newSmsBlocks).toBe(1);
    expect(after.byDay[0]!.channels.sms.blockReasons['consent.withdrawn']).toBe(
      before.byDay[0]!.channels.sms.blockReasons['consent.withdrawn']! + 1,
    );
    expect(dayMessages(after, 0)).toEqual({
      whatsapp: 0,
      sms: was['sms']! + was['whatsapp']! - newSmsBlocks,
      email: was['email'],
    });
    expect(after.byDay[0]!.channels.whatsapp.blocks).toBe(0);
    expect(before.byDay[0]!.channels.whatsapp.blockReasons['consent.missing']).toBeGreaterThan(0);
  });

  it('a third reminder adds messages from its day on, and nothing changes before it', () => {
    const before = simulate(strategy());
    const after = simulate(
      strategy((doc) => {
        const steps = doc.paths['early-digital']!.steps;
        const at = steps.findIndex((s) => s.id === 'email-window');
        steps.splice(at, 0, {
          id: 'third-reminder',
          send: {
            channels: ['sms'],
            template: 'reminder.third',
            purpose: 'reminder',
            tone: 'auto',
          },
        });
      }),
    );
    // await-second ends on day 9 (Wednesday): the new SMS goes at once.
    const firstChanged = after.byDay.findIndex(
      (day, i) => JSON.stringify(day) !== JSON.stringify(before.byDay[i]),
    );
    expect(after.byDay[firstChanged]!.date).toBe('2026-12-09');
    expect(after.byDay[firstChanged]!.channels.sms.messages).toBeGreaterThan(
      before.byDay[firstChanged]!.channels.sms.messages + 10,
    );
    expect(after.totals.messages).toBeGreaterThan(before.totals.messages + 10);
    expect(after.totals.decisions.send).toBeGreaterThan(before.totals.decisions.send!);
  });

  it('dropping Saturday from contactDays moves Saturday messages to Monday', () => {
    const wide = simulate(strategy(), SATURDAY);
    const narrow = simulate(
      strategy((doc) => (doc.contactDays = ['mon', 'tue', 'wed', 'thu', 'fri'])),
      SATURDAY,
    );
    const saturday = dayMessages(wide, 0);
    expect(saturday['sms']! + saturday['whatsapp']! + saturday['email']!).toBeGreaterThan(100);
    expect(dayMessages(narrow, 0)).toEqual({ whatsapp: 0, sms: 0, email: 0 });
    expect(dayMessages(narrow, 1)).toEqual({ whatsapp: 0, sms: 0, email: 0 });
    expect(dayMessages(narrow, 2)).toEqual(saturday);
  });
});

describe('simulatePortfolio: champion and challenger', () => {
  it('splits cases by the recorded arm and counts each arm apart', () => {
    const champion = strategy(
      (doc) => (doc.challenger = { strategyId: 'golden-sms', version: 3, share: 0.3 }),
    );
    const challenger = strategy(
      (doc) => (stepOf(doc, 'early-digital', 'first-reminder').send!.channels = ['sms', 'email']),
      { strategyId: 'golden-sms', version: 3 },
    );
    const options = {
      strategy: {
        champion,
        challenger: { strategy: challenger, shareBps: champion.challenger!.shareBps },
      },
      cases: CASES,
      start: TUESDAY,
      days: 30,
      seed: 42,
      behaviour: GOLDEN_BEHAVIOUR,
    };
    const report = simulatePortfolio(options);
    const { champion: a, challenger: b } = report.arms;
    expect(a!.strategy).toEqual({ strategyId: 'golden', version: 1 });
    expect(b!.strategy).toEqual({ strategyId: 'golden-sms', version: 3 });
    expect(a!.cases + b!.cases).toBe(200);
    expect(b!.cases).toBeGreaterThan(40);
    expect(b!.cases).toBeLessThan(80);
    expect(a!.messages + b!.messages).toBe(report.totals.messages);
    expect(a!.payments.count + b!.payments.count).toBe(report.totals.payments.count);
    expect(simulatePortfolio(options).arms).toEqual(report.arms);
    // Only the champion's first reminder tries WhatsApp.
    const alone = simulatePortfolio({ ...options, strategy: champion });
    expect(report.totals.channels.whatsapp.messages).toBeLessThan(
      alone.totals.channels.whatsapp.messages,
    );
  });
});

describe('simulatePortfolio: debtor behaviour', () => {
  const run = (behaviour = GOLDEN_BEHAVIOUR) =>
    simulatePortfolio({
      strategy: strategy(),
      cases: CASES,
      start: TUESDAY,
      days: 30,
      seed: 42,
      behaviour,
    });

  it('nobody reacting means no payments, promises or clicks, and more escalations', () => {
    const silent = mergeBehaviour(
      {
        channels: Object.fromEntries(
          SIMULATED_CHANNELS.map((c) => [c, { click: 0, reply: 0, stop: 0, promise: 0, pay: 0 }]),
        ),
      },
      GOLDEN_BEHAVIOUR,
    );
    const quiet = run(silent);
    const lively = run();
    expect(quiet.totals.payments.count).toBe(0);
    expect(quiet.totals.promises).toBe(0);
    expect(quiet.totals.clicks + quiet.totals.replies + quiet.totals.optOuts).toBe(0);
    expect(quiet.totals.escalations).toBeGreaterThanOrEqual(lively.totals.escalations);
    expect(lively.totals.payments.count).toBeGreaterThan(0);
  });

  it('STOP on every message opts debtors out, and later messages avoid that channel', () => {
    const stopping = mergeBehaviour(
      {
        channels: Object.fromEntries(
          SIMULATED_CHANNELS.map((c) => [
            c,
            { delivered: 1, click: 0, reply: 0, stop: 1, promise: 0, pay: 0 },
          ]),
        ),
      },
      GOLDEN_BEHAVIOUR,
    );
    const report = run(stopping);
    expect(report.totals.optOuts).toBe(report.totals.messages);
    // The engine skips opted-out channels: never two messages to a case on one channel...
    const reachable = CASES.reduce((sum, c) => sum + channelsOf(c).length, 0);
    expect(report.totals.messages).toBeLessThanOrEqual(reachable);
    expect(report.totals.channels.sms.blockReasons['opted_out.sms'] ?? 0).toBe(0);
    // ...but later reminders still reach debtors on their other channels.
    const first = SIMULATED_CHANNELS.reduce(
      (sum, c) => sum + report.byDay[0]!.channels[c].messages,
      0,
    );
    expect(report.totals.messages).toBeGreaterThan(first);
  });

  it('a vulnerability known at placement means a supportive path and an agent task', () => {
    const cases = CASES.slice(0, 10).map((c) => ({ ...c, vulnerable: ['life_event' as const] }));
    const report = simulatePortfolio({
      strategy: strategy(),
      cases,
      start: TUESDAY,
      days: 30,
      seed: 42,
      behaviour: GOLDEN_BEHAVIOUR,
    });
    expect(report.totals.escalationQueues).toEqual({ 'vulnerability-review': 10 });
    // support.offer goes by email or SMS only, once.
    expect(report.totals.channels.whatsapp.messages).toBe(0);
    expect(report.totals.messages).toBeLessThanOrEqual(10);
  });
});

describe('simulatePortfolio: options', () => {
  const base = { strategy: strategy(), cases: CASES.slice(0, 3), start: TUESDAY, days: 3, seed: 1 };

  it.each([
    ['zero days', { days: 0 }, /days must be/],
    ['a fraction of a day', { days: 1.5 }, /days must be/],
    ['a fractional seed', { seed: 0.5 }, /seed must be/],
    ['a case twice', { cases: [CASES[0]!, CASES[0]!] }, /case case-001 appears twice/],
    [
      'a bad behaviour model',
      { behaviour: mergeBehaviour({ promise: { keepRate: 2 } }) },
      /\/promise\/keepRate must be a share/,
    ],
  ])('refuses %s', (_label, change, message) => {
    expect(() => simulatePortfolio({ ...base, ...change })).toThrow(SimulationError);
    expect(() => simulatePortfolio({ ...base, ...change })).toThrow(message);
  });

  it('takes the policy from the strategy’s jurisdiction', () => {
    expect(simulatePortfolio(base).jurisdiction).toBe('UK_FCA');
    expect(simulatePortfolio({ ...base, policy: EU_ES }).jurisdiction).toBe('EU_ES');
  });
});
