import { randomBytes, randomUUID } from 'node:crypto';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  allTopicDefinitions,
  caseV1,
  ConsentStatus,
  ContactChannel,
  crmV1,
  topicCatalogue,
} from '@clement/contracts';
import {
  createKafkajsPort,
  decodeRecord,
  eventRecord,
  type KafkaPort,
  type OutgoingRecord,
  provisionTopics,
  readTopicToEnd,
} from '@clement/messaging';
import {
  eventually,
  findFreePort,
  killServiceProcess,
  requiredEnv,
  type ServiceProcess,
  startCaseService,
  uniqueName,
} from '@clement/testing';
import { SignJWT } from 'jose';
import { startSandboxPsp } from './sandbox-psp-process';

export interface PlacedAccount {
  reference: string;
  balanceMinor: number;
  daysPastDue: number;
}

export interface PlacedCase {
  creditorDebtorId: string;
  debtorId: string;
  caseId: string;
  /** Clement's account ids by the creditor's references. */
  accountIds: Record<string, string>;
}

export interface SeenEvent {
  type: string;
  key: string | null;
  message: Record<string, unknown>;
}

/**
 * What payments need around payment-service, all real: Kafka, PostgreSQL, case-service (cases
 * placed through the CRM topic, balances that follow payment events) and the provider simulator
 * (the sandbox PSP and its signed webhooks). payment-service itself is started by the test on
 * `paymentPort`, where the simulator sends its webhooks.
 */
export class PaymentPlatform {
  readonly tenant = uniqueName('tenant-pay')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  readonly pspSecretKey = `sk_sandbox_${randomBytes(8).toString('hex')}`;
  readonly webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  readonly jwtSecret = randomBytes(32).toString('hex');
  private readonly processes: ServiceProcess[] = [];
  kafka!: KafkaPort;
  caseServiceUrl!: string;
  simUrl!: string;
  paymentPort!: number;

  async start(): Promise<this> {
    this.kafka = createKafkajsPort({
      clientId: `payment-platform-${this.tenant}`,
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
    });
    const admin = await this.kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
    const paymentPort = await findFreePort();
    this.paymentPort = paymentPort;
    const caseService = await startCaseService({
      jwtSecret: this.jwtSecret,
      schemaPrefix: 'case_for_pay',
    });
    this.processes.push(caseService.process);
    this.caseServiceUrl = caseService.url;
    const sim = await startSandboxPsp({
      secretKey: this.pspSecretKey,
      webhookSecret: this.webhookSecret,
      webhookUrl: `http://127.0.0.1:${paymentPort}/webhooks/psp/sandbox`,
      collectionSettleAfterMs: 200,
    });
    this.processes.push(sim.process);
    this.simUrl = sim.url;
    const created = await fetch(`${this.caseServiceUrl}/v1/admin/tenants/${this.tenant}`, {
      method: 'PUT',
      headers: this.auth(await this.mint(['platform-admin'])),
      body: JSON.stringify({ displayName: 'Acme Lending' }),
    });
    if (created.status !== 200) throw new Error(`tenant set-up failed: ${created.status}`);
    return this;
  }

  stop(): void {
    for (const service of this.processes) killServiceProcess(service);
  }

  /** payment-service's environment against this platform. */
  paymentEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: requiredEnv('DATABASE_URL'),
      KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
      PORT: String(this.paymentPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTH_JWT_SECRET: this.jwtSecret,
      PSP: 'sandbox',
      PSP_SANDBOX_URL: this.simUrl,
      PSP_SANDBOX_SECRET_KEY: this.pspSecretKey,
      PSP_SANDBOX_WEBHOOK_SECRETS: this.webhookSecret,
      PAYMENT_TENANTS_JSON: JSON.stringify({ tenants: { [this.tenant]: tenantSettings() } }),
      SCHEDULER_INTERVAL_MS: '100',
      ...overrides,
    };
  }

  async mint(roles: string[], tenant?: string): Promise<string> {
    return new SignJWT({ roles, ...(tenant ? { tenant } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('payment-it')
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(new TextEncoder().encode(this.jwtSecret));
  }

  auth(token: string, idempotencyKey?: string): Record<string, string> {
    return {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    };
  }

  /** A debtor and accounts placed as the CRM does; returns once case-service placed the case. */
  async placeCase(accounts: PlacedAccount[], timeZone = 'Europe/Madrid'): Promise<PlacedCase> {
    const creditorDebtorId = `D-${randomUUID().slice(0, 8)}`;
    const partitionKey = `${this.tenant}:${creditorDebtorId}`;
    const references = accounts.map((account) => `${creditorDebtorId}-${account.reference}`);
    await this.publishAll([
      this.crmRecord(crmV1.DebtorUpsertedSchema, partitionKey, {
        creditorDebtorId,
        sourceVersion: 1n,
        kind: crmV1.DebtorKind.PERSON,
        name: { givenNames: 'Sam', familyName: 'Taylor' },
        preferredLanguage: 'es-ES',
        contactPoints: {
          phones: [
            {
              e164: `+34600${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`,
              type: crmV1.PhoneType.MOBILE,
              consents: [{ channel: ContactChannel.SMS, status: ConsentStatus.GRANTED }],
              timeZone,
              preferred: true,
            },
          ],
        },
      }),
      ...accounts.map((account, i) =>
        this.crmRecord(crmV1.AccountPlacedSchema, partitionKey, {
          creditorDebtorId,
          accountReference: references[i],
          sourceVersion: 1n,
          productType: crmV1.ProductType.PERSONAL_LOAN,
          productName: 'Loan',
          originalBalance: { amountMinor: BigInt(account.balanceMinor), currency: 'EUR' },
          currentBalance: { amountMinor: BigInt(account.balanceMinor), currency: 'EUR' },
          daysPastDue: account.daysPastDue,
          placementDate: '2026-10-01',
        }),
      ),
    ]);
    return eventually(
      async () => {
        const events = await this.events(topicCatalogue.caseEvents);
        const accountIds: Record<string, string> = {};
        let found: { caseId: string; debtorId: string } | undefined;
        for (const event of events) {
          const message = event.message as unknown as caseV1.CasePlaced | caseV1.BalanceChanged;
          const caseAccounts =
            event.type === 'CasePlaced'
              ? (message as caseV1.CasePlaced).accounts
              : event.type === 'BalanceChanged'
                ? [(message as caseV1.BalanceChanged).account!]
                : [];
          for (const account of caseAccounts) {
            const index = references.indexOf(account.accountReference);
            if (index >= 0) {
              accountIds[accounts[index].reference] = account.accountId;
              found = { caseId: message.caseId, debtorId: message.debtorId };
            }
          }
        }
        if (!found || Object.keys(accountIds).length < accounts.length) {
          throw new Error('the case is not placed yet');
        }
        return { creditorDebtorId, ...found, accountIds };
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  /** A CRM event about a placed debtor (e.g. PaymentReported, AccountUpdated). */
  async publishCrm<S extends DescMessage>(
    creditorDebtorId: string,
    schema: S,
    init: MessageInitShape<S>,
  ): Promise<void> {
    await this.publishAll([this.crmRecord(schema, `${this.tenant}:${creditorDebtorId}`, init)]);
  }

  /** The case as case-service shows it to an agent (amounts as numbers). */
  async caseView(caseId: string): Promise<{ status: string; totalBalanceMinor: number }> {
    const response = await fetch(`${this.caseServiceUrl}/v1/cases/${caseId}`, {
      headers: this.auth(await this.mint(['agent'], this.tenant)),
    });
    if (response.status !== 200) throw new Error(`case ${caseId}: ${response.status}`);
    const body = (await response.json()) as { status: string; totalBalanceMinor: string };
    return { status: body.status, totalBalanceMinor: Number(body.totalBalanceMinor) };
  }

  /** This tenant's events on a topic, decoded, `type` without its package. */
  async events(topic: (typeof topicCatalogue)[keyof typeof topicCatalogue]): Promise<SeenEvent[]> {
    const records = await readTopicToEnd(this.kafka, topic.name);
    return records
      .filter((record) => record.headers['ce_tenantid'] === this.tenant)
      .map((record) => {
        const event = decodeRecord(topic, record);
        return {
          type: event.envelope.type.replace(/^clement\.\w+\.v1\./, ''),
          key: record.key,
          message: event.message as unknown as Record<string, unknown>,
        };
      });
  }

  private crmRecord<S extends DescMessage>(
    schema: S,
    partitionKey: string,
    init: MessageInitShape<S>,
  ): OutgoingRecord {
    return eventRecord(topicCatalogue.crmInbound.name, schema, init, {
      tenantId: this.tenant,
      partitionKey,
      source: '/crm/acme',
    });
  }

  private async publishAll(records: readonly OutgoingRecord[]): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      await producer.send(records);
    } finally {
      await producer.disconnect();
    }
  }
}

/** The tenant's payment settings in tests: EUR, monthly and weekly plans, oldest first. */
export function tenantSettings() {
  return {
    brand: 'Acme Lending',
    timeZone: 'Europe/Madrid',
    allocation: 'oldest_first',
    returnUrl: 'https://portal.acme-lending.example/payments/return',
    policy: {
      currency: 'EUR',
      minInstalmentMinor: 2_000,
      maxTermMonths: 12,
      frequencies: ['monthly', 'weekly'],
      firstPaymentWindowDays: 14,
      settlementDiscounts: { default: 2_000 },
      settlementFloorBasisPoints: 6_000,
      refinancingOffered: false,
    },
    promises: { graceDays: 2, maxDaysAhead: 30 },
    plans: { breakAfterMisses: 2, instalmentGraceDays: 3 },
  };
}
