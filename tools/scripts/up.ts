/**
 * The platform launcher behind `npm run up`: infrastructure, topics, a check of the messaging
 * backbone, the services, a demo portfolio imported for the tenant `demo-bank`, and a few demo
 * payments through payment-service and the simulator's sandbox PSP.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { create, isMessage } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { JURISDICTION_PRESETS } from '@clement/contact-policy';
import {
  allTopicDefinitions,
  dispatchV1,
  ProbeEmittedSchema,
  strategyV1,
  topicCatalogue,
} from '@clement/contracts';
import { ensureInfrastructure } from '@clement/local-infra';
import {
  createKafkajsPort,
  decodeRecord,
  EventConsumer,
  handlersFor,
  type KafkaPort,
  messagingMigrations,
  Outbox,
  OutboxRelay,
  provisionTopics,
  readTopicToEnd,
} from '@clement/messaging';
import { createServiceDataSource, ensureSchema, runMigrations } from '@clement/persistence';
import { mintToken } from '@clement/staff-api';
import { parseSendOptions, publishSendMessages } from '../../apps/cli/src/dispatch/send-message';
import { buildProgram } from '../../apps/cli/src/program';
import { loadLocalSecrets, sendgridWebhookPublicKey } from './local-secrets';
import { launchService, type RunningService } from './service-launcher';

const DEMO_TENANT = 'demo-bank';
const DEMO_PORTFOLIO = join(__dirname, '..', '..', 'deploy', 'demo', 'portfolio.sample.csv');
const DEMO_DISPATCH_TENANTS = join(
  __dirname,
  '..',
  '..',
  'deploy',
  'demo',
  'dispatch-tenants.json',
);
const DEMO_PAYMENT_TENANTS = join(__dirname, '..', '..', 'deploy', 'demo', 'payment-tenants.json');
const DEMO_STRATEGY_ID = 'early-digital-first';
const DEMO_STRATEGY = join(
  __dirname,
  '..',
  '..',
  'deploy',
  'strategies',
  `${DEMO_STRATEGY_ID}.yaml`,
);
/** dispatch-service's token for case-service lives 12 h and is re-minted every hour. */
const CASE_SERVICE_TOKEN_TTL_SECONDS = 12 * 3600;
const CASE_SERVICE_TOKEN_REFRESH_MS = 3600 * 1000;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const infrastructure = await ensureInfrastructure({
    log,
    persistentDir: process.env['CLEMENT_DATA_DIR'] || undefined,
  });
  const services: RunningService[] = [];
  let demo: { agentToken: string; cases: number } | undefined;
  let payLink: string | undefined;
  let tokenRefresh: NodeJS.Timeout | undefined;
  const stop = async () => {
    log('up: stopping...');
    clearInterval(tokenRefresh);
    // Services first, so they drain and commit while Kafka and PostgreSQL are still there.
    await Promise.all(services.map((service) => service.stop()));
    await infrastructure.stop();
  };
  try {
    const kafka = createKafkajsPort({
      clientId: 'clement-up',
      brokers: infrastructure.kafkaBrokers,
    });
    const admin = await kafka.admin();
    const created = await provisionTopics(admin, allTopicDefinitions());
    await admin.disconnect();
    log(`up: topics ready (${allTopicDefinitions().length} declared, ${created.length} created)`);

    const probeMs = await platformCheck(infrastructure.databaseUrl, kafka);
    log(
      `up: platform check passed: a probe went outbox → relay → Kafka → consumer in ${probeMs} ms`,
    );

    const dataDir = process.env['CLEMENT_DATA_DIR'] || join(__dirname, '..', '..', 'tmp');
    const secrets = loadLocalSecrets(join(dataDir, 'local-secrets.json'));
    const serviceEnv = {
      DATABASE_URL: infrastructure.databaseUrl,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      HOST: '127.0.0.1',
      PII_MASTER_KEYS: secrets.piiMasterKeys,
      AUTH_JWT_SECRET: secrets.jwtSecret,
    };
    const caseService = await launchService({
      name: 'case-service',
      port: Number(process.env['CASE_SERVICE_PORT'] ?? 3001),
      env: serviceEnv,
    });
    services.push(caseService);
    log(`up: case-service is ready at ${caseService.url}`);

    // provider-sim stands in for Twilio and SendGrid, whose webhooks go to dispatch-service, and
    // for the PSP, whose webhooks go to payment-service (started later: the simulator retries).
    const dispatchPort = Number(process.env['DISPATCH_SERVICE_PORT'] ?? 3002);
    const dispatchUrl = `http://127.0.0.1:${dispatchPort}`;
    const paymentPort = Number(process.env['PAYMENT_SERVICE_PORT'] ?? 3004);
    const simPort = Number(process.env['PROVIDER_SIM_PORT'] ?? 3900);
    const providerSim = await launchService({
      name: 'provider-sim',
      port: simPort,
      migrate: false,
      env: {
        HOST: '127.0.0.1',
        // What a browser opens: the hosted payment and mandate pages link here.
        PUBLIC_URL: `http://localhost:${simPort}`,
        TWILIO_ACCOUNT_SID: secrets.twilioAccountSid,
        TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
        SENDGRID_API_KEY: secrets.sendgridApiKey,
        SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY: secrets.sendgridEventWebhookPrivateKey,
        INBOUND_WEBHOOK_URL: `${dispatchUrl}/webhooks/twilio/inbound`,
        SENDGRID_EVENT_WEBHOOK_URL: `${dispatchUrl}/webhooks/sendgrid/events`,
        PSP_SECRET_KEY: secrets.pspSecretKey,
        PSP_WEBHOOK_SECRET: secrets.pspWebhookSecret,
        PSP_WEBHOOK_URL: `http://127.0.0.1:${paymentPort}/webhooks/psp/sandbox`,
      },
    });
    services.push(providerSim);
    log(`up: provider-sim is ready at ${providerSim.url}`);

    // A tenant-less `contact-resolver` token in a file, re-minted before it expires: dispatch
    // re-reads CASE_SERVICE_TOKEN_FILE, as it would a rotated Kubernetes Secret.
    const tokenFile = join(dataDir, 'dispatch-service', 'case-service.token');
    await writeCaseServiceToken(tokenFile, secrets.jwtSecret);
    tokenRefresh = setInterval(() => {
      writeCaseServiceToken(tokenFile, secrets.jwtSecret).catch((error: unknown) =>
        log(`up: re-minting dispatch-service's token failed: ${String(error)}`),
      );
    }, CASE_SERVICE_TOKEN_REFRESH_MS);
    tokenRefresh.unref();

    const dispatchService = await launchService({
      name: 'dispatch-service',
      port: dispatchPort,
      // Applied by the service itself before it serves (MIGRATE_ON_START).
      migrate: false,
      env: {
        DATABASE_URL: infrastructure.databaseUrl,
        KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
        HOST: '127.0.0.1',
        MIGRATE_ON_START: 'true',
        CASE_SERVICE_URL: caseService.url,
        CASE_SERVICE_TOKEN_FILE: tokenFile,
        TWILIO_ACCOUNT_SID: secrets.twilioAccountSid,
        TWILIO_AUTH_TOKEN: secrets.twilioAuthToken,
        TWILIO_API_BASE_URL: providerSim.url,
        SENDGRID_API_KEY: secrets.sendgridApiKey,
        SENDGRID_API_BASE_URL: providerSim.url,
        SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridWebhookPublicKey(secrets),
        WEBHOOK_PUBLIC_BASE_URL: dispatchUrl,
        PORTAL_BASE_URL: process.env['PORTAL_BASE_URL'] || 'https://portal.localhost',
        PORTAL_LINK_KEYS: secrets.portalLinkKeys,
        ADDRESS_INDEX_KEY: secrets.addressIndexKey,
        DISPATCH_TENANTS_FILE: DEMO_DISPATCH_TENANTS,
      },
    });
    services.push(dispatchService);
    log(`up: dispatch-service is ready at ${dispatchService.url}`);

    const strategyService = await launchService({
      name: 'strategy-service',
      port: Number(process.env['STRATEGY_SERVICE_PORT'] ?? 3003),
      migrate: false,
      env: { ...serviceEnv, MIGRATE_ON_START: 'true' },
    });
    services.push(strategyService);
    log(`up: strategy-service is ready at ${strategyService.url}`);
    // Active before the portfolio arrives, so every demo case is assigned when it is placed.
    const strategyVersion = await activateDemoStrategy(strategyService.url, secrets.jwtSecret);
    log(`up: strategy ${DEMO_STRATEGY_ID} v${strategyVersion} is active for ${DEMO_TENANT}`);

    // Card payments and direct debit through the simulator's sandbox PSP.
    const paymentService = await launchService({
      name: 'payment-service',
      port: paymentPort,
      migrate: false,
      env: {
        ...serviceEnv,
        MIGRATE_ON_START: 'true',
        PSP: 'sandbox',
        PSP_SANDBOX_URL: providerSim.url,
        PSP_SANDBOX_SECRET_KEY: secrets.pspSecretKey,
        PSP_SANDBOX_WEBHOOK_SECRETS: secrets.pspWebhookSecret,
        PAYMENT_TENANTS_FILE: DEMO_PAYMENT_TENANTS,
      },
    });
    services.push(paymentService);
    log(`up: payment-service is ready at ${paymentService.url}`);

    demo = await loadDemoPortfolio(caseService.url, secrets.jwtSecret, infrastructure.kafkaBrokers);
    await summariseDemoJourneys(kafka, demo.cases).then(
      (summary) => log(`up: ${summary}`),
      (error: unknown) =>
        log(
          `up: reading the strategy decisions failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
    // A demo, not a dependency: if the reminders go wrong, the platform is still up.
    await sendDemoReminders(caseService.url, demo.agentToken, kafka).then(
      (summary) => log(`up: ${summary}`),
      (error: unknown) =>
        log(
          `up: the demo reminders failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
    // Also a demo: the platform stays up if the payments go wrong.
    payLink = await makeDemoPayments(
      caseService.url,
      paymentService.url,
      providerSim.url,
      demo.agentToken,
    ).then(
      (result) => {
        for (const line of result.lines) log(`up: ${line}`);
        return result.payLink;
      },
      (error: unknown) => {
        log(
          `up: the demo payments failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  process.stdout.write(
    [
      '',
      'Clement is up.',
      `  KAFKA_BROKERS=${infrastructure.kafkaBrokers.join(',')}`,
      `  DATABASE_URL=${infrastructure.databaseUrl}`,
      `  topics: ${allTopicDefinitions()
        .map((topic) => topic.name)
        .join(', ')}`,
      ...services.map((service) => {
        switch (service.name) {
          case 'provider-sim':
            return `  ${service.name} (Twilio, SendGrid and PSP stand-in): ${service.url}/ is the demo page with the simulated phones, mailboxes and payments (logs in ${service.logFile})`;
          case 'strategy-service':
            return `  ${service.name}: ${service.url}/docs (strategies, agent tasks: GET /v1/tasks with the agent token; logs in ${service.logFile})`;
          case 'dispatch-service':
            return `  ${service.name}: ${service.url}/health/ready (/metrics; provider webhooks under /webhooks; logs in ${service.logFile})`;
          case 'payment-service':
            return `  ${service.name}: ${service.url}/docs (offers, plans, promises, payments, the ledger: GET /v1/cases/<id>/ledger with the agent token; logs in ${service.logFile})`;
          default:
            return `  ${service.name}: ${service.url} (/health/ready, /metrics; logs in ${service.logFile})`;
        }
      }),
      `  demo tenant ${DEMO_TENANT}: ${demo?.cases ?? 0} cases; staff API docs at ${services[0]?.url}/docs`,
      `  an agent token for ${DEMO_TENANT} (12 h): ${demo?.agentToken ?? ''}`,
      `    curl -H "authorization: Bearer $TOKEN" ${services[0]?.url}/v1/cases?limit=5`,
      ...(payLink
        ? [`  pay a demo case yourself (test card 4242 4242 4242 4242): ${payLink}`]
        : []),
      '  CRM outbound events: npm run clement -- crm tail --from-beginning',
      `  send a message: npm run clement -- dispatch send --tenant ${DEMO_TENANT} --debtor <debtorId> --case <id> --channel sms`,
      `  dispatch events: npm run clement -- dispatch tail --tenant ${DEMO_TENANT} --from-beginning`,
      `  simulate a strategy: npm run clement -- strategy simulate --strategy ${relativeToRepo(DEMO_STRATEGY)} --portfolio ${relativeToRepo(DEMO_PORTFOLIO)} --days 30`,
      '  dead letters: npm run clement -- dlq list <topic>',
      '  benchmark: npm run bench:messaging',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await stop();
  process.exit(0);
}

/** Mints dispatch-service's case-service token and swaps it in whole (write, then rename). */
async function writeCaseServiceToken(file: string, jwtSecret: string): Promise<void> {
  const token = await mintToken(jwtSecret, {
    subject: 'dispatch-service',
    roles: ['contact-resolver'],
    expiresInSeconds: CASE_SERVICE_TOKEN_TTL_SECONDS,
  });
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const next = `${file}.next`;
  writeFileSync(next, token, { mode: 0o600 });
  chmodSync(next, 0o600);
  renameSync(next, file);
}

/**
 * Creates the demo tenant and imports the sample portfolio through the integrator CLI, then waits
 * until case-service has opened its cases. Idempotent: a second `up` re-imports to no effect.
 */
async function loadDemoPortfolio(
  caseServiceUrl: string,
  jwtSecret: string,
  brokers: readonly string[],
): Promise<{ agentToken: string; cases: number }> {
  const admin = await mintToken(jwtSecret, { subject: 'up', roles: ['platform-admin'] });
  const put = await fetch(`${caseServiceUrl}/v1/admin/tenants/${DEMO_TENANT}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Demo Bank plc' }),
  });
  if (!put.ok) throw new Error(`creating the demo tenant failed: HTTP ${put.status}`);

  process.env['KAFKA_BROKERS'] = brokers.join(',');
  const lines: string[] = [];
  let exitCode = 0;
  await buildProgram((line) => lines.push(line), {
    stderr: { isTTY: false, write: (text: string) => lines.push(text) },
    setExitCode: (code: number) => (exitCode = code),
  }).parseAsync(
    ['crm', 'import', DEMO_PORTFOLIO, '--tenant', DEMO_TENANT, '--source-version', '1'],
    { from: 'user' },
  );
  // 3: the sample has five malformed rows on purpose (deploy/demo/README.md).
  if (exitCode !== 0 && exitCode !== 3) {
    throw new Error(`the demo import failed (exit ${exitCode}):\n${lines.join('\n')}`);
  }
  log(
    `up: demo portfolio published (${lines.find((line) => line.startsWith('published')) ?? 'done'})`,
  );

  const agentToken = await mintToken(jwtSecret, {
    subject: 'demo-agent',
    tenantId: DEMO_TENANT,
    roles: ['agent', 'auditor'],
    expiresInSeconds: 12 * 3600,
  });
  const deadline = Date.now() + 120_000;
  let cases = 0;
  while (Date.now() < deadline) {
    const response = await fetch(`${caseServiceUrl}/v1/cases?limit=200`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    cases = ((await response.json()) as { items: unknown[] }).items.length;
    if (cases >= 195) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`up: demo tenant ${DEMO_TENANT} has ${cases}${cases === 200 ? '+' : ''} cases`);
  return { agentToken, cases };
}

function relativeToRepo(path: string): string {
  return relative(join(__dirname, '..', '..'), path);
}

/**
 * Uploads the example strategy for the demo tenant (unless this exact text is already stored,
 * as on a re-run with CLEMENT_DATA_DIR) and activates it. Returns the active version.
 */
async function activateDemoStrategy(
  strategyServiceUrl: string,
  jwtSecret: string,
): Promise<number> {
  const token = await mintToken(jwtSecret, {
    subject: 'up',
    tenantId: DEMO_TENANT,
    roles: ['strategy-admin'],
  });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const base = `${strategyServiceUrl}/v1/strategies/${DEMO_STRATEGY_ID}/versions`;
  const document = readFileSync(DEMO_STRATEGY, 'utf8');
  const sha256 = createHash('sha256').update(document).digest('hex');

  const listed = await fetch(base, { headers });
  const stored = listed.ok
    ? ((await listed.json()) as { items: { version: number; documentSha256: string }[] }).items
    : [];
  let version = stored.find((candidate) => candidate.documentSha256 === sha256)?.version;
  if (version === undefined) {
    const uploaded = await fetch(base, {
      method: 'POST',
      headers,
      body: JSON.stringify({ document }),
    });
    if (!uploaded.ok) {
      throw new Error(
        `uploading ${DEMO_STRATEGY_ID} failed: HTTP ${uploaded.status} ${await uploaded.text()}`,
      );
    }
    version = ((await uploaded.json()) as { version: number }).version;
  }
  const activated = await fetch(`${base}/${version}/activate`, { method: 'POST', headers });
  if (!activated.ok) {
    throw new Error(`activating ${DEMO_STRATEGY_ID} v${version} failed: HTTP ${activated.status}`);
  }
  return version;
}

const DEMO_JOURNEYS_WAIT_MS = 60_000;

/**
 * What strategy-service made of the demo portfolio, from its events: cases assigned, segments
 * entered, and when the first messages are due (the engine waits for 08:30 local time).
 */
async function summariseDemoJourneys(kafka: KafkaPort, cases: number): Promise<string> {
  const deadline = Date.now() + DEMO_JOURNEYS_WAIT_MS;
  let assigned = new Set<string>();
  let segments = new Map<string, number>();
  let firstWaits = new Map<string, number>();
  do {
    assigned = new Set();
    segments = new Map();
    firstWaits = new Map();
    const waiting = new Set<string>();
    for (const record of await readTopicToEnd(kafka, topicCatalogue.strategyEvents.name)) {
      if (record.headers['ce_tenantid'] !== DEMO_TENANT) continue;
      const { message } = decodeRecord(topicCatalogue.strategyEvents, record);
      if (isMessage(message, strategyV1.CaseAssignedSchema)) {
        assigned.add(message.caseId);
      } else if (isMessage(message, strategyV1.DecisionMadeSchema)) {
        if (message.action === strategyV1.DecisionAction.ENTER_PATH) {
          segments.set(message.segmentId, (segments.get(message.segmentId) ?? 0) + 1);
        } else if (
          message.action === strategyV1.DecisionAction.WAIT &&
          !waiting.has(message.caseId)
        ) {
          waiting.add(message.caseId);
          const until = /\(([^)]+)\)$/.exec(message.detail)?.[1] ?? message.detail;
          firstWaits.set(until, (firstWaits.get(until) ?? 0) + 1);
        }
      }
    }
    if (assigned.size >= cases) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } while (Date.now() < deadline);
  const list = (counts: Map<string, number>) =>
    [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${key} ${count}`);
  return [
    `strategy-service assigned ${assigned.size} of ${cases} demo cases`,
    `segments: ${list(segments).join(', ') || 'none yet'}`,
    `first messages wait until ${list(firstWaits).slice(0, 3).join(', ') || '(none waiting)'}`,
    `follow the decisions with npm run clement -- strategy tail --tenant ${DEMO_TENANT} --from-beginning`,
  ].join('; ');
}

const DEMO_REMINDERS = 5;
/** dispatch-service's consumer group for case events (its contact projection). */
const DISPATCH_CASE_EVENTS_GROUP = 'dispatch-service.case-events';
const DEMO_REMINDER_WAIT_MS = 15_000;
/** The events that say what became of a reminder, as far as up's summary is concerned. */
const OUTCOMES = new Set([
  'MessageSent',
  'MessageDelivered',
  'MessageRead',
  'MessageDeferred',
  'MessageBlocked',
  'MessageCancelled',
  'MessageFailed',
  'MessageOutcomeUnknown',
]);

/**
 * Asks dispatch-service, through the CLI's SendMessage publishing, for a reminder SMS to the
 * first demo debtors, then waits up to 15 s for what became of them: the summary line. The demo
 * tenant is EU_ES, so outside Spanish contact hours the reminders are deferred, as they should be.
 */
async function sendDemoReminders(
  caseServiceUrl: string,
  agentToken: string,
  kafka: KafkaPort,
): Promise<string> {
  const response = await fetch(`${caseServiceUrl}/v1/cases?limit=${DEMO_REMINDERS}`, {
    headers: { authorization: `Bearer ${agentToken}` },
  });
  if (!response.ok) throw new Error(`listing demo cases: HTTP ${response.status}`);
  const { items } = (await response.json()) as { items: { id: string; debtorId: string }[] };
  // New dispatch ids every run: dispatch ignores a repeated id, so a re-run would show nothing.
  const requests = items.map((item) =>
    parseSendOptions({
      tenant: DEMO_TENANT,
      debtor: item.debtorId,
      case: item.id,
      channel: 'sms',
      dispatchId: `up-demo-${randomUUID()}`,
    }),
  );
  if (requests.length === 0) return 'no demo cases to send reminders for';
  // Sent before dispatch has read the demo debtors' contact points, they would wait for them.
  await caughtUp(kafka, DISPATCH_CASE_EVENTS_GROUP, topicCatalogue.caseEvents.name, 60_000);
  await publishSendMessages(kafka, requests, 'clement-up');

  const wanted = new Set(requests.map((request) => request.dispatchId));
  const latest = new Map<string, { type: string; message: unknown }>();
  const deadline = Date.now() + DEMO_REMINDER_WAIT_MS;
  for (;;) {
    for (const record of await readTopicToEnd(kafka, topicCatalogue.dispatchEvents.name)) {
      if (record.headers['ce_tenantid'] !== DEMO_TENANT) continue;
      const { envelope, message } = decodeRecord(topicCatalogue.dispatchEvents, record);
      const dispatchId = (message as { dispatchId?: string }).dispatchId ?? '';
      const type = envelope.type.replace(/^clement\.dispatch\.v1\./, '');
      if (wanted.has(dispatchId) && OUTCOMES.has(type)) latest.set(dispatchId, { type, message });
    }
    if (latest.size === wanted.size || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return `${requests.length} demo reminders: ${reminderOutcomes(requests.length, [...latest.values()])}`;
}

/** "5 sent (see …)", "5 deferred until … (…)", "3 sent, 2 blocked (…)", "… 1 still pending". */
function reminderOutcomes(asked: number, events: { type: string; message: unknown }[]): string {
  const of = (type: string) => events.filter((event) => event.type === type);
  const parts: string[] = [];
  const sent = [...of('MessageSent'), ...of('MessageDelivered'), ...of('MessageRead')].length;
  if (sent > 0) {
    const simulator = `http://127.0.0.1:${process.env['PROVIDER_SIM_PORT'] ?? 3900}/`;
    parts.push(`${sent} sent (see ${simulator})`);
  }
  const deferred = of('MessageDeferred').map(
    (event) => event.message as dispatchV1.MessageDeferred,
  );
  // Grouped by why: quiet hours defer until morning, a debtor dispatch has not seen yet by 30 s.
  const byReasons = new Map<string, dispatchV1.MessageDeferred[]>();
  for (const message of deferred) {
    const codes = message.reasons.map((reason) => reason.code).join(', ');
    byReasons.set(codes, [...(byReasons.get(codes) ?? []), message]);
  }
  for (const [codes, messages] of byReasons) {
    const until = Math.min(
      ...messages.map((message) => (message.until ? timestampDate(message.until).getTime() : 0)),
    );
    const hours = codes.split(', ').includes('quiet_hours') ? `: ${demoContactHours()}` : '';
    parts.push(
      `${messages.length} deferred until ${new Date(until).toISOString()} (${codes}${hours})`,
    );
  }
  const blocked = of('MessageBlocked').map((event) => event.message as dispatchV1.MessageBlocked);
  if (blocked.length > 0) {
    const codes = [...new Set(blocked.flatMap((m) => m.reasons.map((reason) => reason.code)))];
    parts.push(`${blocked.length} blocked (${codes.join(', ')})`);
  }
  for (const type of ['MessageCancelled', 'MessageFailed', 'MessageOutcomeUnknown']) {
    const count = of(type).length;
    if (count > 0) parts.push(`${count} ${type.replace('Message', '').toLowerCase()}`);
  }
  const pending = asked - events.length;
  if (pending > 0) parts.push(`${pending} still pending after ${DEMO_REMINDER_WAIT_MS / 1000} s`);
  return `${parts.join(', ')}; follow them with npm run clement -- dispatch tail --tenant ${DEMO_TENANT} --from-beginning`;
}

/** The demo payments: one left open for a person to pay, then two paid through the control API. */
const DEMO_PAYMENT_AMOUNTS_MINOR = [5_000, 7_500, 12_000];
const DEMO_PAYMENT_WAIT_MS = 60_000;

interface DemoPayment {
  paymentId: string;
  caseId: string;
  status: string;
  amountMinor: number;
  currency: string;
  redirectUrl: string | null;
  failureReason: string | null;
}

/**
 * Starts a part payment on a few EUR demo cases through payment-service's staff API (an agent
 * taking a card payment on the phone), keeps the first one's hosted page for the person at the
 * keyboard, pays the others with the test card through the simulator's control API, as if the
 * debtor had, and reports what became of them: the payment's status (the PSP's signed webhook
 * settles it) and the case's ledger balance before and after.
 */
async function makeDemoPayments(
  caseServiceUrl: string,
  paymentServiceUrl: string,
  simUrl: string,
  agentToken: string,
): Promise<{ lines: string[]; payLink?: string }> {
  const auth = { authorization: `Bearer ${agentToken}` };
  const listed = await fetch(`${caseServiceUrl}/v1/cases?limit=100`, { headers: auth });
  if (!listed.ok) throw new Error(`listing demo cases: HTTP ${listed.status}`);
  const { items } = (await listed.json()) as {
    items: {
      id: string;
      currency: string;
      totalBalanceMinor: string;
      resolution: string | null;
      vulnerable: boolean;
    }[];
  };
  const cases = items
    .filter(
      (item) =>
        item.currency === 'EUR' &&
        item.resolution === null &&
        !item.vulnerable &&
        Number(item.totalBalanceMinor) > DEMO_PAYMENT_AMOUNTS_MINOR[0],
    )
    .slice(0, DEMO_PAYMENT_AMOUNTS_MINOR.length);
  if (cases.length === 0) return { lines: ['no open EUR demo case to take a payment on'] };

  const started: { payment: DemoPayment; balanceBefore: number }[] = [];
  for (const [i, demoCase] of cases.entries()) {
    // payment-service learns the case from case.internal.events.v1: its ledger answers once it has.
    const before = await eventually(
      `payment-service to know case ${demoCase.id}`,
      () => caseLedgerTotal(paymentServiceUrl, agentToken, demoCase.id),
      DEMO_PAYMENT_WAIT_MS,
    );
    const amountMinor = Math.min(DEMO_PAYMENT_AMOUNTS_MINOR[i], before);
    const response = await fetch(`${paymentServiceUrl}/v1/cases/${demoCase.id}/payments`, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/json',
        // A new key every run: the same key would answer the first run's payment again.
        'idempotency-key': `up-demo-${randomUUID()}`,
      },
      body: JSON.stringify({ purpose: 'part', amountMinor }),
    });
    if (response.status !== 201) {
      throw new Error(
        `starting a payment on case ${demoCase.id}: HTTP ${response.status} ${await response.text()}`,
      );
    }
    started.push({ payment: (await response.json()) as DemoPayment, balanceBefore: before });
  }

  const [open, ...toPay] = started;
  for (const { payment } of toPay) {
    const intent = /\/psp\/pay\/([A-Za-z0-9_]+)/.exec(payment.redirectUrl ?? '')?.[1];
    if (!intent) throw new Error(`payment ${payment.paymentId} has no hosted page to pay on`);
    const confirmed = await fetch(`${simUrl}/psp/control/payment_intents/${intent}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ card_number: '4242424242424242' }),
    });
    if (!confirmed.ok) {
      throw new Error(`paying ${intent} with the test card: HTTP ${confirmed.status}`);
    }
  }

  const lines = [
    `${started.length} demo payments started through payment-service (${started
      .map(
        ({ payment }) =>
          `${money(payment.amountMinor, payment.currency)} on case ${payment.caseId}`,
      )
      .join(', ')})`,
  ];
  for (const { payment, balanceBefore } of toPay) {
    const settled = await eventually(
      `payment ${payment.paymentId} to settle`,
      async () => {
        const found = await fetch(`${paymentServiceUrl}/v1/payments/${payment.paymentId}`, {
          headers: auth,
        });
        const body = found.ok ? ((await found.json()) as DemoPayment) : undefined;
        return body && body.status !== 'initiated' ? body : undefined;
      },
      DEMO_PAYMENT_WAIT_MS,
    ).catch(() => undefined);
    const after = await caseLedgerTotal(paymentServiceUrl, agentToken, payment.caseId);
    lines.push(
      `paid with the test card: ${money(payment.amountMinor, payment.currency)} on case ${payment.caseId} ` +
        `is ${settled ? settled.status : 'still initiated'}` +
        `${settled?.failureReason ? ` (${settled.failureReason})` : ''}; ` +
        `its ledger went from ${money(balanceBefore, payment.currency)} to ${money(after ?? balanceBefore, payment.currency)} ` +
        `(GET ${paymentServiceUrl}/v1/cases/${payment.caseId}/ledger)`,
    );
  }
  lines.push(
    `left for you to pay: ${money(open.payment.amountMinor, open.payment.currency)} on case ${open.payment.caseId}, ` +
      `${open.payment.redirectUrl ?? '(no hosted page)'} (test card 4242 4242 4242 4242; the simulator's page ${simUrl}/ lists every payment)`,
  );
  return { lines, payLink: open.payment.redirectUrl ?? undefined };
}

/** The case's balance as payment-service's ledger sums it, or undefined while it has no such case. */
async function caseLedgerTotal(
  paymentServiceUrl: string,
  agentToken: string,
  caseId: string,
): Promise<number | undefined> {
  const response = await fetch(`${paymentServiceUrl}/v1/cases/${caseId}/ledger`, {
    headers: { authorization: `Bearer ${agentToken}` },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`the ledger of case ${caseId}: HTTP ${response.status}`);
  return ((await response.json()) as { totalBalanceMinor: number }).totalBalanceMinor;
}

/** Polls `probe` every 500 ms until it returns a value. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline)
      throw new Error(`gave up waiting ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** 12345 EUR → "123.45 EUR". */
function money(amountMinor: number, currency: string): string {
  return `${(amountMinor / 100).toFixed(2)} ${currency}`;
}

/** Waits until `groupId` has committed the end of every partition of `topic` (or gives up). */
async function caughtUp(
  kafka: KafkaPort,
  groupId: string,
  topic: string,
  timeoutMs: number,
): Promise<void> {
  const admin = await kafka.admin();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ends = await admin.topicOffsets(topic);
      const committed = new Map(
        (await admin.groupOffsets(groupId, topic)).map((p) => [p.partition, BigInt(p.offset)]),
      );
      const done = ends.every(
        (end) => end.high === end.low || (committed.get(end.partition) ?? -1n) >= BigInt(end.high),
      );
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    log(`up: ${groupId} has not caught up on ${topic} in ${timeoutMs / 1000} s; sending anyway`);
  } finally {
    await admin.disconnect();
  }
}

/** The demo tenant's contact hours, from its jurisdiction's preset, e.g. "EU_ES: 09:00–21:00 mon–fri". */
function demoContactHours(): string {
  const tenants = JSON.parse(readFileSync(DEMO_DISPATCH_TENANTS, 'utf8')) as {
    tenants: Record<string, { jurisdiction?: string }>;
  };
  const jurisdiction = tenants.tenants[DEMO_TENANT]?.jurisdiction ?? '';
  const window = JURISDICTION_PRESETS[jurisdiction]?.contactWindow;
  if (!window) return jurisdiction;
  return `${jurisdiction} contact hours ${window.start}–${window.end} ${window.days.join(',')} in the debtor's time zone`;
}

/** Sends one probe through the real pipeline, so "up" means the backbone works, not just that ports are open. */
async function platformCheck(
  databaseUrl: string,
  kafka: ReturnType<typeof createKafkajsPort>,
): Promise<number> {
  const schema = 'platform_check';
  const dataSource = createServiceDataSource({
    url: databaseUrl,
    schema,
    migrations: messagingMigrations(schema),
  });
  await dataSource.initialize();
  await ensureSchema(dataSource);
  await runMigrations(dataSource);
  const outbox = new Outbox({ schema, source: '/clement/platform-check' });
  const probeId = randomUUID();
  let delivered: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (delivered = resolve));
  const consumer = new EventConsumer({
    groupId: 'clement-platform-check',
    kafka,
    dataSource,
    outbox,
    subscriptions: [
      handlersFor(topicCatalogue.platformProbes).on(ProbeEmittedSchema, async (probe) => {
        if (probe.probeId === probeId) delivered();
      }),
    ],
  });
  const relay = new OutboxRelay({ dataSource, schema, producer: kafka.producer() });
  try {
    await consumer.start();
    await relay.start();
    const started = Date.now();
    await dataSource.transaction((manager) =>
      outbox.append(
        manager,
        topicCatalogue.platformProbes,
        ProbeEmittedSchema,
        create(ProbeEmittedSchema, {
          probeId,
          sequence: 1n,
          emittedAt: timestampFromDate(new Date()),
          note: 'up',
        }),
        { tenantId: 'platform', partitionKey: `platform:${probeId}` },
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the platform check probe did not arrive in 60 s')),
        60_000,
      );
    });
    await Promise.race([arrived, timeout]).finally(() => clearTimeout(timer));
    return Date.now() - started;
  } finally {
    await relay.stop();
    await consumer.stop();
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  log(`up: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
