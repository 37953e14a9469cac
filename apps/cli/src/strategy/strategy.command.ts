import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Command, type CommanderError } from 'commander';
import { JURISDICTION_PRESETS } from '@clement/contact-policy';
import {
  type ActiveStrategy,
  type BehaviourModel,
  type CompiledStrategy,
  type StrategyRef,
  SimulationError,
  StrategyDocumentError,
  behaviourProblems,
  loadStrategy,
  mergeBehaviour,
  parseStrategyDocument,
  renderReportTable,
  simulatePortfolio,
} from '@clement/strategy-engine';
import { topicCatalogue } from '@clement/contracts';
import type { CrmIo } from '../crm/crm-io';
import { UsageError } from '../kafka-from-env';
import { tailCommand } from '../topic-tail';
import { readPortfolioCases } from './portfolio-cases';
import { tailStrategyEvents } from './strategy-tail';

interface SimulateOptions {
  strategy: string;
  portfolio: string;
  days: number;
  seed: number;
  start?: number;
  json?: boolean;
  behaviour?: string;
  challenger?: string;
  tenant: string;
  policy?: string;
}

const SIMULATE_HELP = `
Runs the real strategy engine on a virtual clock over a portfolio (the clement crm import
formats: one row per account, grouped into one case per debtor), with the contact policy of the
strategy's jurisdiction (or --policy) and a seeded debtor-behaviour model (delivery, click,
reply, STOP, promise and payment rates per channel; --behaviour overrides it from a JSON or YAML
file). Nothing is sent. Prints, per day and channel, the messages sent, deferred and blocked
(with the policy's reasons), escalations to agents and projected promises and payments, then
totals and the champion/challenger split. The same inputs and --seed give the same report.

Exit codes: 0 done; 2 usage error (missing file, invalid strategy or behaviour: each problem is
listed with its JSON pointer); 1 any other failure.

Example:
  clement strategy simulate --strategy deploy/strategies/early-digital-first.yaml \\
    --portfolio deploy/demo/portfolio.sample.csv --days 30 --seed 42`;

/** `clement strategy validate|simulate`: try a strategy document before activating it. */
export function strategyCommand(io: CrmIo): Command {
  const strategy = new Command('strategy').description(
    'check a strategy document, simulate it over a portfolio, follow the decisions',
  );
  for (const command of [
    strategy,
    validateCommand(io),
    simulateCommand(io),
    strategyTailCommand(io),
  ]) {
    // Commander's own usage errors (missing option, unknown flag) exit 2 like ours, via main.ts.
    command.exitOverride(asUsageError).configureOutput({ outputError: () => undefined });
    if (command !== strategy) strategy.addCommand(command);
  }
  return strategy;
}

const TAIL_HELP = `
Each line: time, tenant, event type, then for a decision the case, strategy@version, arm,
segment, path, step, rule, action, the dispatch ids or task it produced and why, in words.

Example:
  KAFKA_BROKERS=localhost:9092 clement strategy tail --tenant demo-bank --from-beginning`;

function strategyTailCommand(io: CrmIo): Command {
  return tailCommand(
    io,
    `print the events on ${topicCatalogue.strategyEvents.name} (decisions, assignments, tasks), one per line`,
    TAIL_HELP,
    (kafka, options, write, skipped) =>
      tailStrategyEvents(kafka, options, { line: write, skipped }),
  );
}

function validateCommand(io: CrmIo): Command {
  return new Command('validate')
    .description('check a strategy document (YAML or JSON) against the schema and its references')
    .argument('<file>', 'strategy document: .yaml, .yml or .json')
    .action((file: string) => {
      const compiled = readStrategy(file);
      const { document } = compiled;
      io.write(
        `${file}: valid strategy "${document.name}" (${document.segments.length} segments, ` +
          `${Object.keys(document.paths).length} paths)`,
      );
    });
}

function simulateCommand(io: CrmIo): Command {
  return new Command('simulate')
    .description('simulate a strategy over a portfolio without sending anything')
    .requiredOption('--strategy <file>', 'strategy document: .yaml, .yml or .json')
    .requiredOption(
      '--portfolio <file>',
      'portfolio: .csv, or .jsonl / .ndjson (as clement crm import)',
    )
    .option('--days <n>', 'days to simulate (1 to 366)', wholeNumber('--days', 1, 366), 30)
    .option('--seed <n>', 'seed of the behaviour model', wholeNumber('--seed', 0, 2 ** 31 - 1), 42)
    .option(
      '--start <instant>',
      'ISO instant the portfolio is placed (default: next midnight UTC)',
      parseStart,
    )
    .option('--behaviour <file>', 'behaviour model overrides (JSON or YAML)')
    .option(
      '--challenger <file>',
      'the challenger document the strategy names (else the champion runs alone)',
    )
    .option('--tenant <id>', 'tenant id put on the simulated cases', 'simulation')
    .option(
      '--policy <jurisdiction>',
      `contact policy preset: ${Object.keys(JURISDICTION_PRESETS).join('|')}`,
    )
    .option('--json', 'print the report as JSON')
    .addHelpText('after', SIMULATE_HELP)
    .action((options: SimulateOptions) => runSimulation(io, options));
}

async function runSimulation(io: CrmIo, options: SimulateOptions): Promise<void> {
  const champion = readStrategy(options.strategy);
  const active: ActiveStrategy = { champion };
  if (options.challenger) {
    if (!champion.challenger) {
      throw new UsageError(`${options.strategy} names no challenger; --challenger needs one`);
    }
    const { strategyId, version, shareBps } = champion.challenger;
    active.challenger = {
      strategy: readStrategy(options.challenger, { strategyId, version }),
      shareBps,
    };
  } else if (champion.challenger) {
    io.stderr.write(
      `clement: ${options.strategy} names challenger ${champion.challenger.strategyId} v${champion.challenger.version}; ` +
        'pass --challenger <file> to simulate the split (simulating the champion alone)\n',
    );
  }
  const policy = options.policy === undefined ? undefined : JURISDICTION_PRESETS[options.policy];
  if (options.policy !== undefined && !policy) {
    throw new UsageError(`--policy must be one of ${Object.keys(JURISDICTION_PRESETS).join(', ')}`);
  }
  const behaviour = options.behaviour ? readBehaviour(options.behaviour) : undefined;
  const { cases, skipped } = await readPortfolioCases(options.portfolio, options.tenant);
  for (const line of skipped.slice(0, 20)) io.stderr.write(`clement: skipped ${line}\n`);
  if (skipped.length > 20)
    io.stderr.write(`clement: ... and ${skipped.length - 20} more skipped lines\n`);
  if (cases.length === 0) throw new UsageError(`${options.portfolio} has no usable rows`);

  const start = options.start ?? nextMidnightUtc(Date.now());
  let report;
  try {
    report = simulatePortfolio({
      strategy: active,
      cases,
      start,
      days: options.days,
      seed: options.seed,
      ...(behaviour ? { behaviour } : {}),
      ...(policy ? { policy } : {}),
    });
  } catch (error) {
    if (error instanceof SimulationError) throw new UsageError(error.message);
    throw error;
  }
  io.write(options.json ? JSON.stringify(report, null, 2) : renderReportTable(report));
}

/** A strategy file's id is its name without the extension; files are simulated as version 1. */
function readStrategy(file: string, ref?: StrategyRef): CompiledStrategy {
  const text = readText(file, 'strategy');
  try {
    return loadStrategy(text, ref ?? { strategyId: basename(file, extname(file)), version: 1 });
  } catch (error) {
    if (error instanceof StrategyDocumentError) {
      throw new UsageError(
        `${file} is not a valid strategy:\n${error.problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`,
      );
    }
    throw error;
  }
}

function readBehaviour(file: string): BehaviourModel {
  let override: unknown;
  try {
    // The strategy parser reads YAML and JSON alike.
    override = parseStrategyDocument(readText(file, 'behaviour'));
  } catch (error) {
    if (error instanceof StrategyDocumentError) throw new UsageError(`${file} is not YAML or JSON`);
    throw error;
  }
  const model = mergeBehaviour(override ?? {});
  const problems = behaviourProblems(model);
  if (problems.length > 0) {
    throw new UsageError(
      `${file} is not a valid behaviour model:\n${problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`,
    );
  }
  return model;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `no such ${what} file: ${file}`
        : `cannot read ${what} file ${file} (${code ?? 'error'})`,
    );
  }
}

function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${value}`);
    }
    return parsed;
  };
}

function parseStart(value: string): number {
  const parsed = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(parsed)) {
    throw new UsageError(
      `--start must be an ISO instant such as 2026-12-01T00:00:00Z, got ${value}`,
    );
  }
  return parsed;
}

function nextMidnightUtc(now: number): number {
  const day = 86_400_000;
  return Math.floor(now / day) * day + day;
}

function asUsageError(error: CommanderError): void {
  if (error.exitCode === 0) return;
  if (error.code === 'commander.help')
    throw new UsageError('expected a command: validate or simulate');
  throw new UsageError(error.message.replace(/^error: /, ''));
}
