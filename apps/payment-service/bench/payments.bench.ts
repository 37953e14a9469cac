/**
 * payment-service card-payment throughput benchmark (a command, not a test): npm run bench:payments
 *
 * Everything real and in processes: Kafka and PostgreSQL (ensureInfrastructure), two provider
 * simulators (the sandbox PSP) and payment-service from its main.ts. Cases are not placed through
 * case-service: the bench publishes CasePlaced events (one or two EUR accounts each) on the case
 * topic, as case-service does, and waits until payment-service's ledger has their opening balances.
 *
 * Two runs, each with C payments in flight (a closed loop: a slot takes its next payment once the
 * previous one is over):
 *  1. baseline, the sandbox PSP alone: create an intent and confirm it with the test card straight
 *     at a simulator whose webhooks go to a receiver in this process that answers 200; a payment is
 *     over when its payment_intent.succeeded webhook arrives;
 *  2. payment-service: POST /v1/cases/{id}/payments (a part payment), confirm the intent at the
 *     simulator, which sends the signed webhook to payment-service (ledger, then PaymentSucceeded
 *     through the outbox); a payment is over when its PaymentSucceeded is read from Kafka.
 * Prints payments/s, latency p50/p95/p99 (start → over), the initiate and confirm calls' p50/p99
 * and confirmed → over, the CPU each process (and payment-service's PostgreSQL backends) used per
 * payment, which does not depend on what else runs on the machine, the ratio payment-service ÷
 * baseline, checks that every payment succeeded exactly once (webhooks or PaymentSucceeded events,
 * payments, ledger entries and amounts), and a summary for docs/benchmarks.md.
 *
 * Flags: --payments N (2000), --concurrency C (32), --warmup W (50, per run, not counted).
 * KAFKA_BROKERS / DATABASE_URL if set. payment-service runs with the service's defaults.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { allTopicDefinitions, caseV1, paymentV1, topicCatalogue } from '@clement/contracts';
import { ensureInfrastructure, findFreePort } from '@clement/local-infra';
import {
  createKafkajsPort,
  eventRecord,
  type KafkaPort,
  type OutgoingRecord,
  provisionTopics,
} from '@clement/messaging';
import { mintToken } from '@clement/staff-api';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { tenantSettings } from '../src/__fixtures__/payment-platform';

const { values: flags } = parseArgs({
  options: {
    payments: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '50' },
  },
});
const PAYMENTS = positive('--payments', flags.payments);
const CONCURRENCY = positive('--concurrency', flags.concurrency);
const WARMUP = positive('--warmup', flags.warmup, 0);

const REPO_ROOT = join(__dirname, '..', '..', '..');
const PAYMENT_MAIN = join(REPO_ROOT, 'apps', 'payment-service', 'src', 'main.ts');
// An app never imports another app's code: the simulator runs from its entry point.
const PROVIDER_SIM_MAIN = join(REPO_ROOT, 'apps', 'provider-sim', 'src', 'main.ts');
const SUCCESS_CARD = '4242424242424242';
const PAYMENT_SUCCEEDED = paymentV1.PaymentSucceededSchema.typeName;
/** One payment may not take longer than this; past it the run stops with what it saw. */
const PAYMENT_TIMEOUT_MS = 60_000;
/**
 * Every case owes 42,000: one account, or two (20,000 at 90 days past due, 22,000 at 40), where
 * oldest-first allocation splits each 25,000 payment between the two.
 */
const PART_PAYMENT_MINOR = 25_000;

interface RunResult {
  label: string;
  payments: number;
  wallMs: number;
  perSecond: number;
  /** Start of a payment → it is over (webhook received / PaymentSucceeded on Kafka). */
  latency: Percentiles;
  /** The first call: create intent (baseline), POST /v1/cases/{id}/payments (payment-service). */
  initiate: Percentiles;
  confirm: Percentiles;
  /** The confirm call answered → over: webhook delivery (and, for payment-service, the ledger, the outbox relay and Kafka). */
  afterConfirm: Percentiles;
  cpu: string;
}

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Settles a payment's wait when its completion (webhook or event) is seen. */
class Completions {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();
  /** Every sighting, duplicates included: "exactly once" is checked against it. */
  total = 0;

  see(id: string, at: number): void {
    this.total++;
    if (this.seen.has(id)) return;
    this.seen.set(id, at);
    this.waiting.get(id)?.(at);
    this.waiting.delete(id);
  }

  distinct(): number {
    return this.seen.size;
  }

  async wait(id: string): Promise<number> {
    const at = this.seen.get(id);
    if (at !== undefined) return at;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${id}: not completed within ${PAYMENT_TIMEOUT_MS / 1_000} s`));
      }, PAYMENT_TIMEOUT_MS);
      this.waiting.set(id, (seenAt) => {
        clearTimeout(timer);
        resolve(seenAt);
      });
    });
  }
}

interface Bench {
  kafka: KafkaPort;
  brokers: string[];
  databaseUrl: string;
  /** The measured payments' tenant; the warm-up's is another, so counts need no filtering. */
  tenant: string;
  warmTenant: string;
  pspSecretKey: string;
  webhookSecret: string;
  jwtSecret: string;
  /** Started services, stopped in reverse order at the end. */
  processes: ServiceProcess[];
  /** Run at the end, last first. */
  cleanups: (() => Promise<void>)[];
}

async function main(): Promise<void> {
  const load = loadavg()[0].toFixed(2);
  const infra = await ensureInfrastructure({ postgresSettings: { max_connections: 200 } });
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  const tenant = `bench-pay-${randomBytes(4).toString('hex')}`;
  const bench: Bench = {
    kafka: createKafkajsPort({ clientId: 'payment-bench', brokers: infra.kafkaBrokers }),
    brokers: infra.kafkaBrokers,
    databaseUrl: infra.databaseUrl,
    tenant,
    warmTenant: `${tenant}-warm`,
    pspSecretKey: `sk_sandbox_${randomBytes(8).toString('hex')}`,
    webhookSecret: `whsec_${randomBytes(16).toString('hex')}`,
    jwtSecret: randomBytes(32).toString('hex'),
    processes: [],
    cleanups: [],
  };
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Node ${process.version}; load average ${load} before the run`,
    );
    console.log(
      `infrastructure: Kafka ${infra.started.kafka ? 'started by the bench' : 'from KAFKA_BROKERS'}, ` +
        `PostgreSQL ${infra.started.postgres ? 'started by the bench' : 'from DATABASE_URL'}; ` +
        `provider-sim (×2) and payment-service as processes, all on these ${cpus().length} cores`,
    );
    console.log(
      `${fmt(PAYMENTS)} payments per run, ${CONCURRENCY} in flight, after ${WARMUP} warm-up payments`,
    );
    const admin = await bench.kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());

    const baseline = await runBaseline(bench);
    print(baseline.run);
    const service = await runPaymentService(bench);
    print(service.run);

    const ratio = service.run.perSecond / baseline.run.perSecond;
    console.log(
      `ratio payment-service ÷ sandbox PSP alone: ${ratio.toFixed(3)} (payments/s), ` +
        `latency p50 ${(service.run.latency.p50 / baseline.run.latency.p50).toFixed(2)}×`,
    );
    const { ledger } = service;
    const checks = [
      check('sandbox webhooks received', baseline.webhooks.distinct, baseline.webhooks.total),
      check('PaymentSucceeded events on Kafka', service.events.distinct, service.events.total),
      check('payments succeeded in payment-service', ledger.succeeded, ledger.succeeded),
      check(
        'payments in the ledger (distinct payment ids)',
        ledger.ledgerPayments,
        ledger.ledgerPayments,
      ),
    ];
    // Two-account cases book each payment as two entries, one per account.
    const expectedEntries = accountsOf(PAYMENTS);
    const expectedMinor = PAYMENTS * PART_PAYMENT_MINOR;
    const booked = ledger.entries === expectedEntries && ledger.paidMinor === expectedMinor;
    console.log(
      `   ${booked ? '✔' : '✘'} ledger: ${fmt(ledger.entries)} payment entries ` +
        `(expected ${fmt(expectedEntries)}), ${fmt(ledger.paidMinor / 100)} EUR paid ` +
        `(expected ${fmt(expectedMinor / 100)})`,
    );
    const allOk = checks.every(Boolean) && booked;
    console.log(allOk ? 'every payment succeeded exactly once ✔' : 'CHECK FAILED ✘');
    summary(baseline.run, service.run, ratio, allOk);
    if (!allOk) process.exitCode = 1;
  } finally {
    for (const cleanup of bench.cleanups.reverse()) await cleanup().catch(() => undefined);
    for (const service of bench.processes.reverse()) await stopProcess(service);
    await infra.stop();
  }
}

/** 1. The sandbox PSP alone: a simulator whose webhooks go to a receiver in this process. */
async function runBaseline(bench: Bench) {
  const webhooks = new Completions();
  const receiver = await startWebhookReceiver(webhooks);
  bench.cleanups.push(async () => void receiver.close());
  const port = await findFreePort();
  bench.processes.push(
    await startProcess(
      'provider-sim (baseline)',
      PROVIDER_SIM_MAIN,
      simEnv(port, bench.pspSecretKey, bench.webhookSecret, urlOf(receiver)),
    ),
  );
  const simUrl = `http://127.0.0.1:${port}`;
  const pay = (tenant: string) => (id: string) =>
    pspPayment(simUrl, bench.pspSecretKey, tenant, id, webhooks);
  await closedLoop(
    Array.from({ length: WARMUP }, (_, i) => `warm-${i}`),
    pay(bench.warmTenant),
  );
  const warm = { distinct: webhooks.distinct(), total: webhooks.total };
  const run = await measure(
    'sandbox PSP alone',
    Array.from({ length: PAYMENTS }, (_, i) => `bench-${i}`),
    pay(bench.tenant),
    bench.processes,
  );
  // A late duplicate would come after the last payment: a moment for it.
  await sleep(2_000);
  return {
    run,
    webhooks: { distinct: webhooks.distinct() - warm.distinct, total: webhooks.total - warm.total },
  };
}

/** 2. payment-service, its own simulator sending webhooks to it. */
async function runPaymentService(bench: Bench) {
  const simPort = await findFreePort();
  const paymentPort = await findFreePort();
  bench.processes.push(
    await startProcess(
      'provider-sim',
      PROVIDER_SIM_MAIN,
      simEnv(
        simPort,
        bench.pspSecretKey,
        bench.webhookSecret,
        `http://127.0.0.1:${paymentPort}/webhooks/psp/sandbox`,
      ),
    ),
  );
  const simUrl = `http://127.0.0.1:${simPort}`;
  const schema = `payment_bench_${randomBytes(4).toString('hex')}`;
  bench.processes.push(
    await startProcess('payment-service', PAYMENT_MAIN, {
      ...process.env,
      DATABASE_URL: bench.databaseUrl,
      KAFKA_BROKERS: bench.brokers.join(','),
      DATABASE_SCHEMA: schema,
      PORT: String(paymentPort),
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'true',
      AUTH_JWT_SECRET: bench.jwtSecret,
      PSP: 'sandbox',
      PSP_SANDBOX_URL: simUrl,
      PSP_SANDBOX_SECRET_KEY: bench.pspSecretKey,
      PSP_SANDBOX_WEBHOOK_SECRETS: bench.webhookSecret,
      PAYMENT_TENANTS_JSON: JSON.stringify({
        tenants: { [bench.tenant]: tenantSettings(), [bench.warmTenant]: tenantSettings() },
      }),
    }),
  );
  const paymentUrl = `http://127.0.0.1:${paymentPort}`;
  const database = new Client({ connectionString: bench.databaseUrl });
  await database.connect();
  bench.cleanups.push(() => database.end());

  const placing = performance.now();
  const warmCases = await placeCases(bench.kafka, bench.warmTenant, WARMUP);
  const cases = await placeCases(bench.kafka, bench.tenant, PAYMENTS);
  await waitForLedger(
    database,
    schema,
    [bench.tenant, bench.warmTenant],
    accountsOf(WARMUP) + accountsOf(PAYMENTS),
  );
  console.log(
    `set-up: ${fmt(WARMUP + PAYMENTS)} CasePlaced events published and in payment-service's ` +
      `ledger in ${seconds(performance.now() - placing)} s`,
  );

  const succeeded = new Completions();
  const consumer = await watchPaymentSucceeded(bench, succeeded);
  bench.cleanups.push(() => consumer.disconnect());
  const pay = async (tenant: string) => {
    const token = await mintToken(bench.jwtSecret, {
      subject: 'payment-bench',
      tenantId: tenant,
      roles: ['agent'],
    });
    return (caseId: string) => paymentServicePayment(paymentUrl, simUrl, token, caseId, succeeded);
  };
  await closedLoop(warmCases, await pay(bench.warmTenant));
  const warm = { distinct: succeeded.distinct(), total: succeeded.total };
  // payment-service's pool is open by now: its connections' backends, for their CPU.
  const { rows: backends } = await database.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = 'payment-service'`,
  );
  const run = await measure(
    'payment-service',
    cases,
    await pay(bench.tenant),
    bench.processes,
    backends.map((row) => row.pid),
  );
  // A late duplicate would come after the last payment: a moment for the relay.
  await sleep(2_000);
  return {
    run,
    events: { distinct: succeeded.distinct() - warm.distinct, total: succeeded.total - warm.total },
    ledger: await ledgerCheck(database, schema, bench.tenant),
  };
}

// ---- the two kinds of payment ----------------------------------------------------------------------

interface PaymentTiming {
  initiateMs: number;
  confirmMs: number;
  /** Start → over. */
  totalMs: number;
}

/** Create an intent and confirm it at the simulator; over when its webhook reaches the receiver. */
async function pspPayment(
  simUrl: string,
  secretKey: string,
  tenant: string,
  paymentId: string,
  webhooks: Completions,
): Promise<PaymentTiming> {
  const started = performance.now();
  const created = await call(`${simUrl}/psp/v1/payment_intents`, {
    authorization: `Bearer ${secretKey}`,
    'idempotency-key': paymentId,
    body: {
      amount: PART_PAYMENT_MINOR,
      currency: 'EUR',
      description: 'Acme Lending',
      return_url: 'https://portal.acme-lending.example/payments/return',
      metadata: { payment_id: paymentId, tenant_id: tenant },
    },
    expect: 200,
  });
  const initiated = performance.now();
  const intentId = String(created['id']);
  await confirmIntent(simUrl, intentId);
  const confirmed = performance.now();
  const over = await webhooks.wait(paymentId);
  return {
    initiateMs: initiated - started,
    confirmMs: confirmed - initiated,
    totalMs: over - started,
  };
}

/** A part payment through payment-service; over when its PaymentSucceeded is read from Kafka. */
async function paymentServicePayment(
  paymentUrl: string,
  simUrl: string,
  token: string,
  caseId: string,
  succeeded: Completions,
): Promise<PaymentTiming> {
  const started = performance.now();
  const payment = await call(`${paymentUrl}/v1/cases/${caseId}/payments`, {
    authorization: `Bearer ${token}`,
    'idempotency-key': randomUUID(),
    body: { purpose: 'part', amountMinor: PART_PAYMENT_MINOR },
    expect: 201,
  });
  const initiated = performance.now();
  const intentId = new URL(String(payment['redirectUrl'])).pathname.split('/').pop() ?? '';
  await confirmIntent(simUrl, intentId);
  const confirmed = performance.now();
  const over = await succeeded.wait(String(payment['paymentId']));
  return {
    initiateMs: initiated - started,
    confirmMs: confirmed - initiated,
    totalMs: over - started,
  };
}

/** The debtor pays on the hosted page with the test card (the control API's twin of it). */
async function confirmIntent(simUrl: string, intentId: string): Promise<void> {
  const intent = await call(`${simUrl}/psp/control/payment_intents/${intentId}/confirm`, {
    body: { card_number: SUCCESS_CARD },
    expect: 200,
  });
  if (intent['status'] !== 'succeeded') {
    throw new Error(`${intentId}: ${String(intent['status'])} after the success card`);
  }
}

async function call(
  url: string,
  options: { body: unknown; expect: number; authorization?: string; 'idempotency-key'?: string },
): Promise<Record<string, unknown>> {
  const { body, expect, ...headers } = options;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect) {
    throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 300)}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

// ---- running and measuring -------------------------------------------------------------------------

/** Runs `pay` for every id, CONCURRENCY at a time; the first failure stops the run. */
async function closedLoop(
  ids: readonly string[],
  pay: (id: string) => Promise<PaymentTiming>,
): Promise<PaymentTiming[]> {
  const timings: PaymentTiming[] = [];
  let next = 0;
  let failure: unknown;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, ids.length) }, async () => {
      for (let i = next++; i < ids.length && failure === undefined; i = next++) {
        try {
          timings.push(await pay(ids[i] ?? ''));
        } catch (error: unknown) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return timings;
}

async function measure(
  label: string,
  ids: readonly string[],
  pay: (id: string) => Promise<PaymentTiming>,
  processes: readonly ServiceProcess[],
  postgresBackends: readonly number[] = [],
): Promise<RunResult> {
  const cpu = cpuMeter([
    { name: 'bench', pids: [process.pid] },
    ...processes.map((p) => ({ name: p.name, pids: [p.child.pid ?? 0] })),
    ...(postgresBackends.length > 0
      ? [{ name: 'its PostgreSQL backends', pids: postgresBackends }]
      : []),
  ]);
  const started = performance.now();
  const timings = await closedLoop(ids, pay);
  const wallMs = performance.now() - started;
  return {
    label,
    payments: timings.length,
    wallMs,
    perSecond: timings.length / (wallMs / 1_000),
    latency: percentiles(timings.map((t) => t.totalMs)),
    initiate: percentiles(timings.map((t) => t.initiateMs)),
    confirm: percentiles(timings.map((t) => t.confirmMs)),
    afterConfirm: percentiles(timings.map((t) => t.totalMs - t.initiateMs - t.confirmMs)),
    cpu: cpu.stop(timings.length),
  };
}

function print(run: RunResult): void {
  console.log(
    `${run.label}: ${fmt(run.payments)} payments in ${seconds(run.wallMs)} s = ` +
      `${run.perSecond.toFixed(1)} payments/s; latency p50 ${ms(run.latency.p50)}, ` +
      `p95 ${ms(run.latency.p95)}, p99 ${ms(run.latency.p99)}, max ${ms(run.latency.max)}`,
  );
  console.log(
    `   initiate call p50 ${ms(run.initiate.p50)}, p99 ${ms(run.initiate.p99)}; ` +
      `confirm call p50 ${ms(run.confirm.p50)}, p99 ${ms(run.confirm.p99)}; ` +
      `confirmed → over p50 ${ms(run.afterConfirm.p50)}, p99 ${ms(run.afterConfirm.p99)}`,
  );
  // CPU per payment does not depend on what else runs on the machine; latency does.
  console.log(`   CPU (cores used during the run): ${run.cpu}`);
}

function check(what: string, distinct: number, total: number): boolean {
  const ok = distinct === PAYMENTS && total === PAYMENTS;
  console.log(
    `   ${ok ? '✔' : '✘'} ${what}: ${fmt(distinct)} distinct, ${fmt(total)} in all (expected ${fmt(PAYMENTS)})`,
  );
  return ok;
}

function summary(baseline: RunResult, service: RunResult, ratio: number, ok: boolean): void {
  const date = new Date().toISOString().slice(0, 10);
  console.log(`\n== summary (for docs/benchmarks.md)\n`);
  console.log(
    `payment-service card payments, ${date}: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
      `Node ${process.version}; ${fmt(PAYMENTS)} payments, ${CONCURRENCY} in flight; Kafka, ` +
      `PostgreSQL, provider-sim and payment-service on the same machine.\n`,
  );
  console.log(
    '| run | payments/s | wall (s) | p50 (ms) | p95 (ms) | p99 (ms) | initiate p50 (ms) | initiate p99 (ms) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const run of [baseline, service]) {
    console.log(
      `| ${run.label} | ${run.perSecond.toFixed(1)} | ${seconds(run.wallMs)} | ${run.latency.p50.toFixed(0)} | ` +
        `${run.latency.p95.toFixed(0)} | ${run.latency.p99.toFixed(0)} | ${run.initiate.p50.toFixed(0)} | ` +
        `${run.initiate.p99.toFixed(0)} |`,
    );
  }
  console.log(
    `\nratio payment-service ÷ sandbox PSP alone: ${ratio.toFixed(3)}; every payment succeeded ` +
      `exactly once (ledger and PaymentSucceeded events): ${ok ? 'yes' : 'NO'}`,
  );
}

// ---- cases and the ledger --------------------------------------------------------------------------

/** CasePlaced for `count` cases as case-service publishes them; even ones have two accounts. */
async function placeCases(kafka: KafkaPort, tenant: string, count: number): Promise<string[]> {
  const placedAt = timestampFromDate(new Date());
  const caseIds: string[] = [];
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < count; i++) {
    const caseId = `case-${randomUUID()}`;
    const debtorId = `debtor-${randomUUID()}`;
    const balances = twoAccounts(i) ? [20_000, 22_000] : [42_000];
    caseIds.push(caseId);
    const accounts = balances.map((balance, n) => ({
      accountId: `${caseId}-${n}`,
      accountReference: `ACC-${i}-${n}`,
      productType: 'PRODUCT_TYPE_PERSONAL_LOAN',
      originalBalance: { amountMinor: BigInt(balance), currency: 'EUR' },
      currentBalance: { amountMinor: BigInt(balance), currency: 'EUR' },
      daysPastDue: 90 - n * 50,
    }));
    records.push(
      eventRecord(
        topicCatalogue.caseEvents.name,
        caseV1.CasePlacedSchema,
        {
          caseId,
          debtorId,
          accounts,
          totalBalance: { amountMinor: 42_000n, currency: 'EUR' },
          placedAt,
        },
        {
          tenantId: tenant,
          partitionKey: `${tenant}:${debtorId}`,
          source: '/clement/case-service',
        },
      ),
    );
  }
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 500) await producer.send(records.slice(i, i + 500));
  } finally {
    await producer.disconnect();
  }
  return caseIds;
}

/** Every other case, the first one included, has two accounts. */
function twoAccounts(index: number): boolean {
  return index % 2 === 0;
}

/** The accounts of the first `count` cases. */
function accountsOf(count: number): number {
  return count + Math.ceil(count / 2);
}

/** Until every case's opening balances are in payment-service's ledger (entries of kind placed). */
async function waitForLedger(
  database: Client,
  schema: string,
  tenants: string[],
  expected: number,
): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}"."ledger_entries"
       WHERE "kind" = 'placed' AND "tenant_id" = ANY($1)`,
      [tenants],
    );
    const placed = rows[0]?.n ?? 0;
    if (placed >= expected) return;
    if (Date.now() > deadline) {
      throw new Error(`only ${placed} of ${expected} opening balances in the ledger after 300 s`);
    }
    await sleep(200);
  }
}

/** The tenant's payments as payment-service booked them. */
async function ledgerCheck(database: Client, schema: string, tenant: string) {
  const { rows } = await database.query<{
    entries: number;
    payments: number;
    paid: string | null;
  }>(
    `SELECT count(*)::int AS entries, count(DISTINCT "payment_id")::int AS payments,
            -sum("amount_minor") AS paid
     FROM "${schema}"."ledger_entries" WHERE "tenant_id" = $1 AND "kind" = 'payment'`,
    [tenant],
  );
  const { rows: statuses } = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}"."payments"
     WHERE "tenant_id" = $1 AND "status" = 'succeeded'`,
    [tenant],
  );
  return {
    entries: rows[0]?.entries ?? 0,
    ledgerPayments: rows[0]?.payments ?? 0,
    paidMinor: Number(rows[0]?.paid ?? 0),
    succeeded: statuses[0]?.n ?? 0,
  };
}

/** PaymentSucceeded events of the two tenants, by payment id, as they arrive. */
async function watchPaymentSucceeded(bench: Bench, succeeded: Completions): Promise<Consumer> {
  const kafka = new Kafka({
    clientId: 'payment-bench-events',
    brokers: bench.brokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: `payment-bench-${randomUUID()}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topicCatalogue.paymentEvents.name, fromBeginning: true });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const eventTenant = message.headers?.['ce_tenantid']?.toString();
        if (eventTenant !== bench.tenant && eventTenant !== bench.warmTenant) continue;
        if (message.headers?.['ce_type']?.toString() !== PAYMENT_SUCCEEDED || !message.value)
          continue;
        const event = fromBinary(paymentV1.PaymentSucceededSchema, message.value);
        succeeded.see(event.paymentId, now);
      }
    },
  });
  await joined;
  return consumer;
}

// ---- the baseline's webhook receiver ---------------------------------------------------------------

/** Answers every webhook 200 at once and notes its payment id (the intent's metadata). */
async function startWebhookReceiver(webhooks: Completions): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          type?: string;
          data?: { object?: { metadata?: { payment_id?: string } } };
        };
        const paymentId = event.data?.object?.metadata?.payment_id;
        if (event.type === 'payment_intent.succeeded' && paymentId) webhooks.see(paymentId, at);
      } catch {
        // Not an event: answered all the same.
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/psp/sandbox`;
}

// ---- processes -------------------------------------------------------------------------------------

interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** The last lines it wrote (stdout and stderr). */
  lines: string[];
  exited: Promise<number | null>;
}

function simEnv(
  port: number,
  pspSecretKey: string,
  webhookSecret: string,
  webhookUrl: string,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // The simulator's messaging providers are not used here, but it checks their settings.
    TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
    SENDGRID_API_KEY: `SG.${randomBytes(16).toString('hex')}`,
    PSP_SECRET_KEY: pspSecretKey,
    PSP_WEBHOOK_SECRET: webhookSecret,
    PSP_WEBHOOK_URL: webhookUrl,
  };
}

/** A service's main.ts with tsx, as `nx serve` runs it; ready at `listening on port`. */
async function startProcess(
  name: string,
  main: string,
  env: NodeJS.ProcessEnv,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', main], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let listening = false;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (line.includes(`listening on port ${env['PORT']}`)) listening = true;
      lines.push(line);
      if (lines.length > 200) lines.shift();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 90_000;
  while (!listening) {
    if (gone) throw new Error(`${name} exited:\n${lines.slice(-30).join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not listen within 90 s:\n${lines.slice(-30).join('\n')}`);
    }
    await sleep(100);
  }
  return { name, child, lines, exited };
}

/** SIGTERM and the service's graceful shutdown; SIGKILL after 15 s. */
async function stopProcess(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const code = await Promise.race([service.exited, sleep(15_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    service.child.kill('SIGKILL');
    process.stderr.write(`${service.name} did not stop within 15 s of SIGTERM: killed\n`);
  } else if (code !== 0) {
    process.stderr.write(
      `${service.name} exited with ${code}:\n${service.lines.slice(-20).join('\n')}\n`,
    );
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

/** USER_HZ of /proc/<pid>/stat: 100 on every Linux Node supports. */
const TICKS_PER_SECOND = 100;

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function machineTicks(): { busy: number; all: number } {
  try {
    const values = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const all = values.reduce((a, b) => a + b, 0);
    return { busy: all - (values[3] ?? 0) - (values[4] ?? 0), all };
  } catch {
    return { busy: NaN, all: NaN };
  }
}

/** Cores used between start and stop by the bench, each service process and the whole machine. */
function cpuMeter(measured: readonly { name: string; pids: readonly number[] }[]): {
  stop(payments: number): string;
} {
  const started = performance.now();
  const ticks = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + ticksOf(pid), 0);
  const before = measured.map(({ pids }) => ticks(pids));
  const machineBefore = machineTicks();
  return {
    stop(payments) {
      const elapsed = (performance.now() - started) / 1_000;
      const used = measured.map(({ name, pids }, i) => {
        const cpuSeconds = (ticks(pids) - (before[i] ?? 0)) / TICKS_PER_SECOND;
        return (
          `${name} ${(cpuSeconds / elapsed).toFixed(2)} ` +
          `(${((cpuSeconds * 1_000) / payments).toFixed(1)} ms per payment)`
        );
      });
      const machine = machineTicks();
      const busy =
        ((machine.busy - machineBefore.busy) / (machine.all - machineBefore.all)) * cpus().length;
      return (
        `${used.join(', ')}; machine ${busy.toFixed(2)} of ${cpus().length} busy (Kafka, PostgreSQL ` +
        `and anything else on it included), load average ${loadavg()[0].toFixed(2)} at the end`
      );
    },
  };
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

function positive(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}`);
  return n;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function seconds(value: number): string {
  return (value / 1_000).toFixed(1);
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
