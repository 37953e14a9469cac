/* eslint-disable @typescript-eslint/no-explicit-any -- the cases below mutate a parsed document into invalid shapes on purpose */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TEST_STRATEGY_YAML } from './__fixtures__/test-strategy';
import { StrategyDocumentError } from './document-types';
import {
  compileStrategy,
  loadStrategy,
  parseStrategyDocument,
  STRATEGY_JSON_SCHEMA,
  validateStrategyDocument,
} from './strategy-document';

/** The test strategy with one change applied to a fresh copy. */
function variant(change: (doc: any) => void): unknown {
  const doc = parse(TEST_STRATEGY_YAML);
  change(doc);
  return doc;
}

const problemsOf = (change: (doc: any) => void) => validateStrategyDocument(variant(change));

describe('loadStrategy', () => {
  it('compiles the test strategy with its settings resolved', () => {
    const strategy = loadStrategy(TEST_STRATEGY_YAML, { strategyId: 'early', version: 3 });
    expect(strategy.ref).toEqual({ strategyId: 'early', version: 3 });
    expect(strategy.settings.paymentCooldownMs).toBe(3 * 86_400_000);
    expect(strategy.settings.planReminder).toEqual({
      daysBefore: 2,
      atSecond: 36_000,
      channels: ['sms', 'email'],
      template: 'plan.instalment_due',
    });
    expect(strategy.settings.stages.map((s) => s.id)).toEqual(['early', 'late', 'pre_legal']);
    expect(strategy.challenger).toBeUndefined();
  });

  it('reads JSON as well as YAML', () => {
    const json = JSON.stringify(parse(TEST_STRATEGY_YAML));
    expect(loadStrategy(json, { strategyId: 'early', version: 1 }).document.name).toBe(
      'Test early digital',
    );
  });

  it('turns the challenger share into basis points', () => {
    const doc = variant((d) => (d.challenger = { strategyId: 'early-b', version: 2, share: 0.2 }));
    expect(compileStrategy(doc, { strategyId: 'early', version: 1 }).challenger).toEqual({
      strategyId: 'early-b',
      version: 2,
      shareBps: 2000,
    });
  });

  it('applies defaults for optional sections', () => {
    const doc = variant((d) => {
      delete d.stages;
      delete d.score;
      delete d.contactDays;
      delete d.reactions.planReminder;
      delete d.reactions.paymentCooldown;
    });
    const { settings } = compileStrategy(doc, { strategyId: 'x', version: 1 });
    expect(settings.contactDays).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(settings.stages.map((s) => s.fromDaysPastDue)).toEqual([0, 31, 91]);
    expect(settings.score.features.length).toBeGreaterThan(0);
    expect(settings.paymentCooldownMs).toBe(3 * 86_400_000);
  });

  it('throws StrategyDocumentError listing every problem', () => {
    const text = TEST_STRATEGY_YAML.replace('path: late-path', 'path: nowhere').replace(
      'P3D',
      'three days',
    );
    try {
      loadStrategy(text, { strategyId: 'x', version: 1 });
      throw new Error('expected a StrategyDocumentError');
    } catch (error) {
      expect(error).toBeInstanceOf(StrategyDocumentError);
      expect((error as StrategyDocumentError).problems.map((p) => p.path)).toContain(
        '/reactions/paymentCooldown',
      );
    }
  });

  it('reports YAML syntax errors as a problem at the root', () => {
    expect(() => parseStrategyDocument('a: [1, 2')).toThrow(StrategyDocumentError);
    expect(() => parseStrategyDocument('a: 1\na: 2')).toThrow(/not valid YAML/);
  });
});

describe('validateStrategyDocument', () => {
  it('accepts the test strategy', () => {
    expect(validateStrategyDocument(parse(TEST_STRATEGY_YAML))).toEqual([]);
  });

  it.each<[string, (doc: any) => void, string, RegExp]>([
    ['an unknown top-level field', (d) => (d.colour = 'blue'), '/colour', /unknown field "colour"/],
    [
      'an unknown step field',
      (d) => (d.paths['early-digital'].steps[1].send.urgency = 'high'),
      '/paths/early-digital/steps/1/send/urgency',
      /unknown field/,
    ],
    [
      'a goto to a missing step',
      (d) => (d.paths['early-digital'].steps[3].branch[1].goto = 'nowhere'),
      '/paths/early-digital/steps/3/branch/1/goto',
      /no step "nowhere"/,
    ],
    [
      'an on-handler to a missing step',
      (d) => (d.paths['early-digital'].steps[2].wait.on.clicked = 'gone'),
      '/paths/early-digital/steps/2/wait/on/clicked',
      /no step "gone"/,
    ],
    [
      'a wait then to a missing step',
      (d) => (d.paths['early-digital'].steps[9].wait.then = 'gone'),
      '/paths/early-digital/steps/9/wait/then',
      /no step "gone"/,
    ],
    [
      'a goto to a missing path',
      (d) => d.paths.supportive.steps.push({ id: 'move', goto: { path: 'elsewhere' } }),
      '/paths/supportive/steps/3/goto/path',
      /no path "elsewhere"/,
    ],
    [
      'a segment to a missing path',
      (d) => (d.segments[0].path = 'ghost'),
      '/segments/0/path',
      /no path "ghost"/,
    ],
    [
      'no catch-all segment',
      (d) => (d.segments[1].when = { fact: 'balance', gt: 0 }),
      '/segments/1',
      /catch-all/,
    ],
    [
      'a catch-all before the end',
      (d) => d.segments.unshift({ id: 'all', path: 'supportive' }),
      '/segments/0',
      /only the last segment/,
    ],
    [
      'an unknown fact',
      (d) => (d.segments[0].when = { fact: 'mood', eq: 'happy' }),
      '/segments/0/when/fact',
      /unknown fact "mood"/,
    ],
    [
      'an unknown fact inside all',
      (d) =>
        (d.segments[0].when = {
          all: [
            { fact: 'stage', eq: 'late' },
            { fact: 'shoe_size', gt: 3 },
          ],
        }),
      '/segments/0/when/all/1/fact',
      /unknown fact/,
    ],
    [
      'a numeric operator on a string fact',
      (d) => (d.segments[0].when = { fact: 'language', gt: 3 }),
      '/segments/0/when/gt',
      /compares numbers/,
    ],
    [
      'in without a list',
      (d) => (d.segments[0].when = { fact: 'stage', in: 'late' }),
      '/segments/0/when/in',
      /list/,
    ],
    [
      'an unknown stage',
      (d) => (d.segments[0].when = { fact: 'stage', eq: 'very_late' }),
      '/segments/0/when/eq',
      /unknown stage/,
    ],
    [
      'a wrongly typed value',
      (d) => (d.segments[0].when = { fact: 'vulnerable', eq: 'yes' }),
      '/segments/0/when/eq',
      /boolean/,
    ],
    [
      'an unknown channel',
      (d) => (d.paths['early-digital'].steps[1].send.channels = ['pigeon']),
      '/paths/early-digital/steps/1/send/channels/0',
      /must be one of sms, whatsapp, email/,
    ],
    [
      'an unknown purpose',
      (d) => (d.paths['early-digital'].steps[1].send.purpose = 'threat'),
      '/paths/early-digital/steps/1/send/purpose',
      /must be one of/,
    ],
    [
      'an unknown tone',
      (d) => (d.paths['early-digital'].steps[1].send.tone = 'stern'),
      '/paths/early-digital/steps/1/send/tone',
      /must be one of/,
    ],
    [
      'a bad duration',
      (d) => (d.paths['early-digital'].steps[2].wait.for = '2 days'),
      '/paths/early-digital/steps/2/wait/for',
      /ISO 8601 duration/,
    ],
    [
      'a month duration',
      (d) => (d.reactions.paymentCooldown = 'P1M'),
      '/reactions/paymentCooldown',
      /ISO 8601 duration/,
    ],
    [
      'a zero duration',
      (d) => (d.paths['early-digital'].steps[2].wait.for = 'PT0S'),
      '/paths/early-digital/steps/2/wait/for',
      /positive/,
    ],
    [
      'a bad time',
      (d) => (d.paths['early-digital'].steps[0].wait.untilLocalTime = '25:00'),
      '/paths/early-digital/steps/0/wait/untilLocalTime',
      /HH:MM/,
    ],
    [
      'a bad date',
      (d) => (d.paths['early-digital'].steps[0].wait = { until: '2026-02-30' }),
      '/paths/early-digital/steps/0/wait/until',
      /calendar date/,
    ],
    [
      'a wait with two modes',
      (d) => (d.paths['early-digital'].steps[0].wait.for = 'P1D'),
      '/paths/early-digital/steps/0/wait',
      /exactly one of/,
    ],
    [
      'a step with two actions',
      (d) => (d.paths['early-digital'].steps[10].pause = {}),
      '/paths/early-digital/steps/10',
      /exactly one of/,
    ],
    [
      'a step with no action',
      (d) => (d.paths['early-digital'].steps[10] = { id: 'thank' }),
      '/paths/early-digital/steps/10',
      /exactly one of/,
    ],
    [
      'duplicate step ids',
      (d) => (d.paths['early-digital'].steps[1].id = 'first-window'),
      '/paths/early-digital/steps/1/id',
      /duplicate step/,
    ],
    [
      'duplicate segment ids',
      (d) => (d.segments[1].id = 'late'),
      '/segments/1/id',
      /duplicate segment/,
    ],
    [
      'a branch without otherwise',
      (d) => (d.paths['early-digital'].steps[3].branch[1].when = { fact: 'score', lt: 10 }),
      '/paths/early-digital/steps/3/branch',
      /otherwise/,
    ],
    [
      'a challenger share above half',
      (d) => (d.challenger = { strategyId: 'b', version: 1, share: 0.7 }),
      '/challenger/share',
      /<= 0.5/,
    ],
    [
      'an unknown time zone',
      (d) => (d.defaultTimeZone = 'Mars/Olympus'),
      '/defaultTimeZone',
      /unknown IANA time zone/,
    ],
    [
      'an unknown score feature',
      (d) => d.score.features.push({ feature: 'shoe_size', weight: 1 }),
      '/score/features/4/feature',
      /unknown score feature/,
    ],
    [
      'a missing vulnerability path',
      (d) => (d.reactions.vulnerability.path = 'missing'),
      '/reactions/vulnerability/path',
      /no path "missing"/,
    ],
    ['a missing required field', (d) => delete d.segments, '', /missing required field "segments"/],
    ['a wrong schema version', (d) => (d.schemaVersion = 2), '/schemaVersion', /constant/],
  ])('rejects %s', (_name, change, path, message) => {
    const problems = problemsOf(change);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('STRATEGY_JSON_SCHEMA', () => {
  it('is the published schema file', () => {
    const published = JSON.parse(
      readFileSync(join(__dirname, '../../schema/strategy.schema.json'), 'utf8'),
    );
    expect(STRATEGY_JSON_SCHEMA).toEqual(published);
    expect(published.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });
});
