/**
 * Reading a strategy document: parse (YAML or JSON), validate (the published JSON Schema for
 * shape, then references, facts, durations and times), compile (defaults applied).
 */
import Ajv, { type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import schemaJson from '../../schema/strategy.schema.json';
import type {
  CompiledStrategy,
  Condition,
  DayOfWeek,
  StepKind,
  StrategyDocument,
  StrategyProblem,
  StrategyStep,
} from './document-types';
import { StrategyDocumentError } from './document-types';
import type { EngineChannel, StrategyRef } from './engine-types';
import { FACTS, OPERATORS } from './facts';
import { DEFAULT_SCORE, SCORE_FEATURES } from './score';
import { isValidTimeZone, parseDuration, parseLocalDate, parseTimeOfDay } from './time';

/** The published JSON Schema (libs/strategy-engine/schema/strategy.schema.json). */
export const STRATEGY_JSON_SCHEMA: Readonly<Record<string, unknown>> = schemaJson;

export const STEP_KINDS: readonly StepKind[] = [
  'send',
  'wait',
  'pause',
  'branch',
  'escalate',
  'goto',
  'end',
];

export const DEFAULT_STAGES = [
  { id: 'early', fromDaysPastDue: 0 },
  { id: 'late', fromDaysPastDue: 31 },
  { id: 'pre_legal', fromDaysPastDue: 91 },
];
const DEFAULT_CONTACT_DAYS: DayOfWeek[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

const validateShape = new Ajv({ allErrors: true, strict: false }).compile(schemaJson);

/** YAML (a superset of JSON) → plain data; a syntax error becomes a StrategyDocumentError. */
export function parseStrategyDocument(text: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw new StrategyDocumentError([
      { path: '', message: `not valid YAML or JSON: ${(error as Error).message}` },
    ]);
  }
}

const PATTERN_MESSAGES: Record<string, string> = {
  '#/definitions/duration/pattern':
    'must be an ISO 8601 duration in W/D/H/M/S such as P2D, PT12H or P1DT6H',
  '#/definitions/time/pattern': 'must be a local time HH:MM (00:00–23:59)',
  '#/definitions/date/pattern': 'must be a local date YYYY-MM-DD',
  '#/definitions/id/pattern': 'must be an id of letters, digits, "_", "-" or "."',
};

function shapeProblem(error: ErrorObject): StrategyProblem | undefined {
  const path = error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      return { path: `${path}/${field}`, message: `unknown field "${field}"` };
    }
    case 'oneOf':
      return { path, message: `a step needs exactly one of ${STEP_KINDS.join(', ')}` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
      };
    case 'pattern':
      return { path, message: PATTERN_MESSAGES[error.schemaPath] ?? error.message ?? 'malformed' };
    case 'required':
      return {
        path,
        message: `missing required field "${(error.params as { missingProperty: string }).missingProperty}"`,
      };
    case 'anyOf':
      return undefined; // its branches' errors say more
    default:
      return { path, message: error.message ?? error.keyword };
  }
}

/** Every problem with the document, each with a JSON pointer; empty when it is valid. */
export function validateStrategyDocument(doc: unknown): StrategyProblem[] {
  if (!validateShape(doc)) {
    const problems: StrategyProblem[] = [];
    const seen = new Set<string>();
    for (const error of validateShape.errors ?? []) {
      // Inside a step's oneOf, each alternative's "required" error is noise.
      if (error.schemaPath.includes('/oneOf/')) continue;
      const problem = shapeProblem(error);
      if (!problem) continue;
      const key = `${problem.path} ${problem.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(problem);
      }
    }
    return problems;
  }
  return semanticProblems(doc as unknown as StrategyDocument);
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function conditionProblems(
  condition: Condition,
  at: string,
  stageIds: Set<string>,
): StrategyProblem[] {
  const problems: StrategyProblem[] = [];
  const keys = Object.keys(condition);
  const combinators = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
  if (combinators.length > 0) {
    if (keys.length !== 1) {
      return [{ path: at, message: 'a combinator (all, any, not) must stand alone in its object' }];
    }
    const c = condition as { all?: Condition[]; any?: Condition[]; not?: Condition };
    if (c.not) return conditionProblems(c.not, `${at}/not`, stageIds);
    const list = c.all ?? c.any ?? [];
    list.forEach((child, i) =>
      problems.push(...conditionProblems(child, `${at}/${combinators[0]}/${i}`, stageIds)),
    );
    return problems;
  }
  const { fact, ...rest } = condition as { fact?: string } & Record<string, unknown>;
  if (fact === undefined)
    return [{ path: at, message: 'a condition needs "fact" and an operator, or all/any/not' }];
  const definition = FACTS[fact];
  if (!definition) {
    return [
      {
        path: `${at}/fact`,
        message: `unknown fact "${fact}" (known: ${Object.keys(FACTS).join(', ')})`,
      },
    ];
  }
  const operators = Object.keys(rest);
  if (operators.length === 0)
    return [{ path: at, message: `needs an operator (${OPERATORS.join(', ')})` }];
  for (const operator of operators) {
    const operand = rest[operator];
    const where = `${at}/${operator}`;
    const listOperator = operator === 'in' || operator === 'not_in';
    const numeric = ['gt', 'gte', 'lt', 'lte'].includes(operator);
    if (listOperator !== Array.isArray(operand)) {
      problems.push({
        path: where,
        message: listOperator ? 'must be a list of values' : 'must be a single value',
      });
      continue;
    }
    if (numeric && (definition.type !== 'number' || typeof operand !== 'number')) {
      problems.push({
        path: where,
        message: `${operator} compares numbers; "${fact}" is a ${definition.type}`,
      });
      continue;
    }
    const values = (Array.isArray(operand) ? operand : [operand]) as unknown[];
    if (values.some((v) => typeof v !== definition.type)) {
      problems.push({ path: where, message: `"${fact}" is a ${definition.type}` });
    } else if (fact === 'stage' && values.some((v) => !stageIds.has(v as string))) {
      problems.push({ path: where, message: `unknown stage (known: ${[...stageIds].join(', ')})` });
    }
  }
  return problems;
}

function durationProblem(value: string | undefined, at: string): StrategyProblem[] {
  if (value === undefined) return [];
  const ms = parseDuration(value);
  return ms === undefined || ms <= 0
    ? [{ path: at, message: 'must be a positive ISO 8601 duration' }]
    : [];
}

function stepProblems(
  step: StrategyStep,
  at: string,
  stepIds: Set<string>,
  doc: StrategyDocument,
  stageIds: Set<string>,
): StrategyProblem[] {
  const problems: StrategyProblem[] = [];
  const stepRef = (target: string | undefined, where: string): void => {
    if (target !== undefined && !stepIds.has(target)) {
      problems.push({ path: where, message: `no step "${target}" in this path` });
    }
  };
  if (step.send)
    problems.push(...durationProblem(step.send.expiresAfter, `${at}/send/expiresAfter`));
  for (const kind of ['wait', 'pause'] as const) {
    const timed = step[kind];
    if (!timed) continue;
    problems.push(...durationProblem(timed.for, `${at}/${kind}/for`));
    for (const [event, target] of Object.entries(timed.on ?? {}))
      stepRef(target, `${at}/${kind}/on/${event}`);
    stepRef(timed.then, `${at}/${kind}/then`);
  }
  if (step.wait) {
    const w = step.wait;
    const modes = [w.for, w.untilLocalTime, w.until].filter((m) => m !== undefined).length;
    if (modes !== 1)
      problems.push({
        path: `${at}/wait`,
        message: 'needs exactly one of for, untilLocalTime, until',
      });
    if (w.until !== undefined && !parseLocalDate(w.until)) {
      problems.push({ path: `${at}/wait/until`, message: 'not a calendar date' });
    }
    if (w.at !== undefined && w.until === undefined) {
      problems.push({ path: `${at}/wait/at`, message: '"at" only goes with "until"' });
    }
  }
  step.branch?.forEach((rule, i) => {
    stepRef(rule.goto, `${at}/branch/${i}/goto`);
    if (rule.when)
      problems.push(...conditionProblems(rule.when, `${at}/branch/${i}/when`, stageIds));
  });
  if (step.branch && step.branch[step.branch.length - 1].when !== undefined) {
    problems.push({
      path: `${at}/branch`,
      message: 'the last branch rule must have no "when" (the otherwise)',
    });
  }
  if (step.escalate) problems.push(...durationProblem(step.escalate.dueIn, `${at}/escalate/dueIn`));
  if (step.goto && !doc.paths[step.goto.path]) {
    problems.push({ path: `${at}/goto/path`, message: `no path "${step.goto.path}"` });
  }
  return problems;
}

function semanticProblems(doc: StrategyDocument): StrategyProblem[] {
  const problems: StrategyProblem[] = [];
  const stages = doc.stages ?? DEFAULT_STAGES;
  const stageIds = new Set(stages.map((s) => s.id));
  if (stageIds.size !== stages.length)
    problems.push({ path: '/stages', message: 'stage ids must be unique' });
  if (doc.stages && !doc.stages.some((s) => s.fromDaysPastDue === 0)) {
    problems.push({ path: '/stages', message: 'one stage must start at fromDaysPastDue 0' });
  }
  if (doc.defaultTimeZone !== undefined && !isValidTimeZone(doc.defaultTimeZone)) {
    problems.push({
      path: '/defaultTimeZone',
      message: `unknown IANA time zone "${doc.defaultTimeZone}"`,
    });
  }
  doc.score?.features.forEach((f, i) => {
    if (!SCORE_FEATURES[f.feature]) {
      problems.push({
        path: `/score/features/${i}/feature`,
        message: `unknown score feature "${f.feature}" (known: ${Object.keys(SCORE_FEATURES).join(', ')})`,
      });
    }
  });
  problems.push(...durationProblem(doc.reactions.paymentCooldown, '/reactions/paymentCooldown'));
  problems.push(
    ...durationProblem(
      doc.reactions.vulnerability.task?.dueIn,
      '/reactions/vulnerability/task/dueIn',
    ),
  );
  if (!doc.paths[doc.reactions.vulnerability.path]) {
    problems.push({
      path: '/reactions/vulnerability/path',
      message: `no path "${doc.reactions.vulnerability.path}"`,
    });
  }
  const segmentIds = new Set<string>();
  doc.segments.forEach((segment, i) => {
    const at = `/segments/${i}`;
    if (segmentIds.has(segment.id))
      problems.push({ path: `${at}/id`, message: `duplicate segment "${segment.id}"` });
    segmentIds.add(segment.id);
    if (!doc.paths[segment.path])
      problems.push({ path: `${at}/path`, message: `no path "${segment.path}"` });
    if (segment.when) problems.push(...conditionProblems(segment.when, `${at}/when`, stageIds));
    else if (i !== doc.segments.length - 1) {
      problems.push({
        path: at,
        message: 'only the last segment may have no "when"; later segments are unreachable',
      });
    }
  });
  if (doc.segments[doc.segments.length - 1].when !== undefined) {
    problems.push({
      path: `/segments/${doc.segments.length - 1}`,
      message: 'the last segment must have no "when" (a catch-all), so every case gets a path',
    });
  }
  for (const [pathId, path] of Object.entries(doc.paths)) {
    const stepIds = new Set<string>();
    path.steps.forEach((step, i) => {
      if (stepIds.has(step.id)) {
        problems.push({
          path: `/paths/${escapePointer(pathId)}/steps/${i}/id`,
          message: `duplicate step "${step.id}"`,
        });
      }
      stepIds.add(step.id);
    });
    path.steps.forEach((step, i) =>
      problems.push(
        ...stepProblems(step, `/paths/${escapePointer(pathId)}/steps/${i}`, stepIds, doc, stageIds),
      ),
    );
  }
  return problems;
}

function requiredDuration(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseDuration(text) ?? fallback);
}

/** Validate and compile; throws StrategyDocumentError with every problem. */
export function compileStrategy(doc: unknown, ref: StrategyRef): CompiledStrategy {
  const problems = validateStrategyDocument(doc);
  if (problems.length > 0) throw new StrategyDocumentError(problems);
  const document = doc as StrategyDocument;
  const reactions = document.reactions;
  const contactTimeSecond = parseTimeOfDay(document.contactTime ?? '09:00') ?? 9 * 3600;
  const vulnerabilityTask = reactions.vulnerability.task;
  const planReminder = reactions.planReminder ?? {};
  return {
    ref: { strategyId: ref.strategyId, version: ref.version },
    document,
    challenger: document.challenger && {
      strategyId: document.challenger.strategyId,
      version: document.challenger.version,
      shareBps: Math.round(document.challenger.share * 10_000),
    },
    settings: {
      stages: [...(document.stages ?? DEFAULT_STAGES)].sort(
        (a, b) => a.fromDaysPastDue - b.fromDaysPastDue,
      ),
      contactDays: document.contactDays ?? DEFAULT_CONTACT_DAYS,
      contactTimeSecond,
      defaultTimeZone: document.defaultTimeZone ?? 'UTC',
      score: document.score ?? DEFAULT_SCORE,
      paymentCooldownMs: requiredDuration(reactions.paymentCooldown, 3 * 86_400_000),
      promiseGraceDays: reactions.promiseGraceDays ?? 2,
      vulnerability: {
        path: reactions.vulnerability.path,
        task: {
          queue: vulnerabilityTask?.queue ?? 'vulnerability-review',
          priority: vulnerabilityTask?.priority ?? 1,
          dueInMs: requiredDuration(vulnerabilityTask?.dueIn, 86_400_000),
          reason: vulnerabilityTask?.reason ?? 'vulnerability_disclosed',
        },
      },
      planReminder: {
        daysBefore: planReminder.daysBefore ?? 2,
        atSecond: parseTimeOfDay(planReminder.at ?? '10:00') ?? 10 * 3600,
        channels: planReminder.channels ?? (['sms', 'email'] as EngineChannel[]),
        template: planReminder.template ?? 'plan_reminder',
      },
    },
  };
}

/** Parse + validate + compile a YAML or JSON strategy; throws StrategyDocumentError { problems }. */
export function loadStrategy(text: string, ref: StrategyRef): CompiledStrategy {
  return compileStrategy(parseStrategyDocument(text), ref);
}
