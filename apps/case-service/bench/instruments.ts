import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus } from 'node:os';
import { relative } from 'node:path';
import type { DescMessage } from '@bufbuild/protobuf';
import {
  type EventContext,
  type EventHandler,
  type HandledEvent,
  type EventTopic,
  TopicHandlers,
} from '@clement/messaging';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/** Measuring aids of the CRM ingestion benchmark; none of them changes what is measured. */

/**
 * The same handlers, observed: `begin` runs before each handler and returns what to call once the
 * handler completed without throwing; `beginFlush` does the same around the subscription's
 * beforeCommit hooks (where batched writes such as the outbox insert happen).
 */
export class ObservedHandlers<T extends EventTopic> extends TopicHandlers<T> {
  private readonly wrapped = new Map<string, EventHandler<DescMessage> | undefined>();

  constructor(
    private readonly inner: TopicHandlers<T>,
    private readonly begin: (type: string, context: EventContext) => () => void,
    private readonly beginFlush: (manager: EntityManager) => () => void = () => () => undefined,
  ) {
    super(inner.topic);
  }

  override handlerFor(eventType: string): EventHandler<DescMessage> | undefined {
    if (!this.wrapped.has(eventType)) {
      const handler = this.inner.handlerFor(eventType);
      this.wrapped.set(
        eventType,
        handler &&
          (async (message, context) => {
            const done = this.begin(eventType, context);
            await handler(message, context);
            done();
          }),
      );
    }
    return this.wrapped.get(eventType);
  }

  override async runBeforeCommit(manager: EntityManager): Promise<void> {
    const done = this.beginFlush(manager);
    await this.inner.runBeforeCommit(manager);
    done();
  }

  override runBeforeBatch(manager: EntityManager, events: readonly HandledEvent[]): Promise<void> {
    return this.inner.runBeforeBatch(manager, events);
  }
}

/**
 * Calls `committed` with the transaction's EntityManager once DataSource.transaction resolved,
 * i.e. after COMMIT: the moment the consumer's effects (and inbox rows) became visible.
 */
export function onCommit(
  dataSource: DataSource,
  committed: (manager: EntityManager) => void,
): void {
  type Run = (manager: EntityManager) => Promise<unknown>;
  const original = dataSource.transaction.bind(dataSource) as (
    ...args: unknown[]
  ) => Promise<unknown>;
  const patched = async (...args: unknown[]): Promise<unknown> => {
    const run = args[args.length - 1];
    if (typeof run !== 'function') return original(...args);
    let used: EntityManager | undefined;
    const result = await original(...args.slice(0, -1), (manager: EntityManager) => {
      used = manager;
      return (run as Run)(manager);
    });
    if (used) committed(used);
    return result;
  };
  Object.assign(dataSource, { transaction: patched });
}

interface RunnerTally {
  statements: number;
  sqlMs: number;
}

/** Counts SQL statements (and time awaiting them) per connection and per kind of statement. */
export class SqlCounter {
  private readonly perRunner = new WeakMap<QueryRunner, RunnerTally>();
  private readonly perLabel = new Map<string, { count: number; ms: number }>();
  private readonly labelOf = new Map<string, string>();
  private original: PostgresQueryRunner['query'] | null = null;
  total = 0;

  install(): void {
    const original = PostgresQueryRunner.prototype.query;
    this.original = original;
    const record = (runner: QueryRunner, sql: string, ms: number) => this.record(runner, sql, ms);
    PostgresQueryRunner.prototype.query = async function (
      this: PostgresQueryRunner,
      ...args: Parameters<PostgresQueryRunner['query']>
    ) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        record(this, args[0], performance.now() - started);
      }
    };
  }

  private record(runner: QueryRunner, sql: string, ms: number): void {
    this.total++;
    const tally = this.perRunner.get(runner) ?? { statements: 0, sqlMs: 0 };
    tally.statements++;
    tally.sqlMs += ms;
    this.perRunner.set(runner, tally);
    let label = this.labelOf.get(sql);
    if (label === undefined) {
      label = statementLabel(sql);
      // Multi-row INSERTs differ in length only; a bounded cache still catches the common shapes.
      if (this.labelOf.size < 10_000) this.labelOf.set(sql, label);
    }
    const entry = this.perLabel.get(label) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += ms;
    this.perLabel.set(label, entry);
  }

  uninstall(): void {
    if (this.original) PostgresQueryRunner.prototype.query = this.original;
    this.original = null;
  }

  /** Statements and SQL time so far on the connection behind a transaction's EntityManager. */
  of(manager: EntityManager): RunnerTally {
    const tally = manager.queryRunner && this.perRunner.get(manager.queryRunner);
    return { statements: tally?.statements ?? 0, sqlMs: tally?.sqlMs ?? 0 };
  }

  labels(): [string, { count: number; ms: number }][] {
    return [...this.perLabel].sort((a, b) => b[1].count - a[1].count);
  }
}

/** `INSERT outbox`, `SELECT debtors FOR UPDATE`, `START TRANSACTION`: verb and main table. */
function statementLabel(sql: string): string {
  let text = sql.replace(/\s+/g, ' ').trim();
  // Subqueries out, so `SELECT (SELECT … FROM holds) … FROM debtors` is labelled by debtors.
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, '');
  }
  const verb = (/^\w+/.exec(text)?.[0] ?? '?').toUpperCase();
  const table =
    /(?:FROM|INTO|UPDATE|JOIN)\s+(?:"?\w+"?\.)?"?(\w+)"?/i.exec(text)?.[1] ??
    text.split(' ').slice(1, 2).join(' ');
  return `${verb} ${table}${/FOR UPDATE/i.test(text) ? ' FOR UPDATE' : ''}`.trim();
}

export interface CpuUse {
  wallS: number;
  /** Busy cores machine-wide (null where /proc/stat is missing). */
  machineBusyCores: number | null;
  /** This process. */
  processCores: number;
  /** Processes this one started (PostgreSQL and Kafka when ensureInfrastructure started them), by name. */
  childCores: Record<string, number>;
}

/** Machine-wide CPU (from /proc/stat), this process's, and its child processes', over an interval. */
export class CpuMeter {
  private readonly machineStart = readProcStat();
  private readonly processStart = process.cpuUsage();
  private readonly childrenStart = descendantTicks();
  private readonly wallStart = performance.now();

  stop(): CpuUse {
    const wallS = (performance.now() - this.wallStart) / 1_000;
    const usage = process.cpuUsage(this.processStart);
    const processCores = (usage.user + usage.system) / 1e6 / wallS;
    const end = readProcStat();
    let machineBusyCores: number | null = null;
    if (this.machineStart && end) {
      const total = end.total - this.machineStart.total;
      const busy = end.busy - this.machineStart.busy;
      machineBusyCores = total > 0 ? (busy / total) * cpus().length : null;
    }
    const childCores: Record<string, number> = {};
    for (const [name, ticks] of descendantTicks()) {
      const delta = ticks - (this.childrenStart.get(name) ?? 0);
      if (delta > 0) childCores[name] = delta / CLOCK_TICKS / wallS;
    }
    return { wallS, machineBusyCores, processCores, childCores };
  }
}

// USER_HZ: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;

/**
 * CPU ticks of this process's descendants, summed by command name. A process's cutime holds its
 * reaped children (e.g. PostgreSQL backends that ended), so nothing is counted twice.
 */
function descendantTicks(): Map<string, number> {
  const stats = new Map<number, { ppid: number; name: string; ticks: number }>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
        stats.set(Number(entry), {
          ppid: Number(fields[1]),
          name,
          ticks: utime + stime + cutime + cstime,
        });
      } catch {
        // The process ended while /proc was read.
      }
    }
  } catch {
    return new Map(); // not Linux
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const byName = new Map<string, number>();
  const queue = [...(children.get(process.pid) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const stat = stats.get(pid);
    if (!stat) continue;
    byName.set(stat.name, (byName.get(stat.name) ?? 0) + stat.ticks);
    queue.push(...(children.get(pid) ?? []));
  }
  return byName;
}

function readProcStat(): { total: number; busy: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { total, busy: total - idle - iowait };
  } catch {
    return null; // not Linux
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where CPU time goes, by the closest recognisable frame on each sampled stack. */
const CATEGORIES: [string, (url: string, fn: string) => boolean][] = [
  [
    'crypto (AES-GCM, HMAC, HKDF, random)',
    (url) => /internal\/crypto|node:crypto|\/src\/pii\//.test(url),
  ],
  ['CRM validation', (url) => url.includes('crm-inbound-validation')],
  ['protobuf (@bufbuild)', (url) => url.includes('@bufbuild')],
  ['pg driver', (url) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(url)],
  ['typeorm', (url) => url.includes('node_modules/typeorm/')],
  ['kafkajs', (url) => url.includes('node_modules/kafkajs/')],
  ['opentelemetry', (url) => url.includes('@opentelemetry')],
  ['messaging lib', (url) => url.includes('libs/messaging/')],
  ['case-service code', (url) => url.includes('apps/case-service/src/')],
  ['contracts lib', (url) => url.includes('libs/contracts/')],
  ['garbage collection', (_url, fn) => fn === '(garbage collector)'],
  ['idle', (_url, fn) => fn === '(idle)'],
  ['program (native, unattributed)', (_url, fn) => fn === '(program)'],
];

/** Samples this process's CPU while a phase runs (BENCH_CPU_PROFILE=<file>.cpuprofile). */
export class CpuProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  /** Writes the profile (open it in Chrome DevTools) and returns a summary to print. */
  async stop(file: string): Promise<string[]> {
    const { profile } = (await this.session.post('Profiler.stop')) as { profile: Profile };
    this.session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return summariseProfile(profile);
  }
}

function summariseProfile(profile: Profile): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryMs = new Map<string, number>();
  const selfMs = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1_000;
    totalMs += ms;
    const leaf = byId.get(id);
    if (leaf) {
      const where = `${leaf.callFrame.functionName || '(anonymous)'} ${shortUrl(leaf.callFrame.url)}:${leaf.callFrame.lineNumber + 1}`;
      selfMs.set(where, (selfMs.get(where) ?? 0) + ms);
    }
    let category = 'other (node internals, bench)';
    for (let node = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      const { url, functionName } = node.callFrame;
      const match = CATEGORIES.find(([, test]) => test(url, functionName));
      if (match) {
        category = match[0];
        break;
      }
    }
    categoryMs.set(category, (categoryMs.get(category) ?? 0) + ms);
  });
  const busyMs = totalMs - (categoryMs.get('idle') ?? 0);
  const lines = [
    `  cpu profile: ${Math.round(totalMs)} ms sampled, ${Math.round(busyMs)} ms busy; busy time by closest recognisable frame:`,
  ];
  for (const [category, ms] of [...categoryMs].sort((a, b) => b[1] - a[1])) {
    if (category === 'idle') continue;
    lines.push(
      `    ${category.padEnd(38)} ${String(Math.round(ms)).padStart(7)} ms  ${((100 * ms) / busyMs).toFixed(1).padStart(5)} %`,
    );
  }
  lines.push('  top self time:');
  for (const [where, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    lines.push(`    ${String(Math.round(ms)).padStart(7)} ms  ${where}`);
  }
  return lines;
}

function shortUrl(url: string): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return path.slice(nodeModules + 'node_modules/'.length);
  return path.startsWith('/') ? relative(process.cwd(), path) : path;
}
