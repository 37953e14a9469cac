import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  allTopicDefinitions,
  caseV1,
  ConsentStatus,
  ContactChannel,
  crmV1,
  type dispatchV1,
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
  startServiceProcess,
  uniqueName,
} from '@clement/testing';
import { SignJWT } from 'jose';
import { providerTestSecrets, type ProviderTestSecrets } from './dispatch-test-env';

// Other apps run from their entry points as processes: an app never imports another app's code.
const APPS = join(__dirname, '..', '..', '..');
const PROVIDER_SIM_MAIN = join(APPS, 'provider-sim', 'src', 'main.ts');

export interface PlacedDebtor {
  creditorDebtorId: string;
  debtorId: string;
  caseId: string;
  mobileId: string;
  emailId: string;
  phone: string;
  email: string;
}

/** A message as the simulator's `/sim/messages` lists it (SMS, WhatsApp or email). */
export interface SimMessage {
  channel: string;
  to: string;
  from?: string | null;
  body?: string | null;
  text?: string | null;
  subject?: string | null;
  sid?: string;
  status?: string;
  statusCallback?: string | null;
}

export interface DispatchEventSeen {
  type: string;
  message: { dispatchId?: string } & Record<string, unknown>;
}

/**
 * What sending needs around dispatch-service, all real: Kafka, PostgreSQL, case-service (the
 * debtors, their encrypted contact points and the address look-up) and the provider simulator.
 * dispatch itself is started by the test (in-process or as a process) with `dispatchEnv()`.
 */
export class SendingPlatform {
  readonly tenant = uniqueName('tenant-send')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  readonly secrets: ProviderTestSecrets = providerTestSecrets();
  private readonly jwtSecret = randomBytes(32).toString('hex');
  private readonly processes: ServiceProcess[] = [];
  kafka!: KafkaPort;
  caseServiceUrl!: string;
  simUrl!: string;
  dispatchPort!: number;
  private contactResolverToken!: string;

  async start(): Promise<this> {
    this.kafka = createKafkajsPort({
      clientId: `sending-platform-${this.tenant}`,
      brokers: requiredEnv('KAFKA_BROKERS').split(','),
    });
    const admin = await this.kafka.admin();
    await provisionTopics(admin, allTopicDefinitions()).finally(() => admin.disconnect());
    const [simPort, dispatchPort] = [await findFreePort(), await findFreePort()];
    this.dispatchPort = dispatchPort;
    const dispatchUrl = `http://127.0.0.1:${dispatchPort}`;
    const caseService = await startCaseService({
      jwtSecret: this.jwtSecret,
      schemaPrefix: 'case_for_sending',
    });
    this.processes.push(caseService.process);
    this.caseServiceUrl = caseService.url;
    this.processes.push(
      await startServiceProcess(PROVIDER_SIM_MAIN, {
        ...process.env,
        PORT: String(simPort),
        HOST: '127.0.0.1',
        TWILIO_ACCOUNT_SID: this.secrets.twilioAccountSid,
        TWILIO_AUTH_TOKEN: this.secrets.twilioAuthToken,
        SENDGRID_API_KEY: this.secrets.sendgridApiKey,
        SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY: this.secrets.sendgridPrivateKey,
        INBOUND_WEBHOOK_URL: `${dispatchUrl}/webhooks/twilio/inbound`,
        SENDGRID_EVENT_WEBHOOK_URL: `${dispatchUrl}/webhooks/sendgrid/events`,
        TWILIO_STATUS_DELAY_MS: '50',
        SENDGRID_EVENT_DELAY_MS: '50',
        TWILIO_HANG_MS: '2000',
      }),
    );
    this.simUrl = `http://127.0.0.1:${simPort}`;
    const created = await fetch(`${this.caseServiceUrl}/v1/admin/tenants/${this.tenant}`, {
      method: 'PUT',
      headers: this.auth(await this.mint({ roles: ['platform-admin'] })),
      body: JSON.stringify({ displayName: 'Acme Lending' }),
    });
    if (created.status !== 200) throw new Error(`tenant set-up failed: ${created.status}`);
    this.contactResolverToken = await this.mint({ roles: ['contact-resolver'] });
    return this;
  }

  stop(): void {
    for (const service of this.processes) killServiceProcess(service);
  }

  /** dispatch-service's environment against this platform. */
  dispatchEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      CASE_SERVICE_URL: this.caseServiceUrl,
      CASE_SERVICE_TOKEN: this.contactResolverToken,
      TWILIO_ACCOUNT_SID: this.secrets.twilioAccountSid,
      TWILIO_AUTH_TOKEN: this.secrets.twilioAuthToken,
      TWILIO_API_BASE_URL: this.simUrl,
      SENDGRID_API_KEY: this.secrets.sendgridApiKey,
      SENDGRID_API_BASE_URL: this.simUrl,
      SENDGRID_WEBHOOK_PUBLIC_KEY: this.secrets.sendgridPublicKey,
      WEBHOOK_PUBLIC_BASE_URL: `http://127.0.0.1:${this.dispatchPort}`,
      PORTAL_BASE_URL: 'https://portal.acme-lending.example',
      PORTAL_LINK_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      ADDRESS_INDEX_KEY: randomBytes(32).toString('base64'),
      DISPATCH_POLL_INTERVAL_MS: '100',
      DISPATCH_RETRY_BASE_MS: '200',
      DISPATCH_RETRY_CAP_MS: '2000',
      DISPATCH_RECONCILE_DELAY_MS: '500',
      PROVIDER_TIMEOUT_MS: '1000',
      DISPATCH_LEASE_MS: '3000',
      ...overrides,
    };
  }

  async mint(claims: { roles: string[]; tenant?: string }): Promise<string> {
    return new SignJWT({ roles: claims.roles, ...(claims.tenant ? { tenant: claims.tenant } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dispatch-it')
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(new TextEncoder().encode(this.jwtSecret));
  }

  auth(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }

  /**
   * Debtors placed as the CRM does (DebtorUpserted + AccountPlaced), returned once case-service
   * has emitted their contact points and cases. `timeZone` applies to every contact point.
   */
  async placeDebtors(count: number, options: { timeZone?: string } = {}): Promise<PlacedDebtor[]> {
    const wanted = Array.from({ length: count }, (_, i) => {
      const n = String(100_000 + Math.floor(Math.random() * 800_000) + i).slice(-6);
      return {
        creditorDebtorId: `D-${randomUUID().slice(0, 8)}`,
        phone: `+44770${n}`,
        email: `debtor.${randomUUID().slice(0, 8)}@example.com`,
      };
    });
    const records = wanted.flatMap((debtor) => {
      const partitionKey = `${this.tenant}:${debtor.creditorDebtorId}`;
      const consents = [
        { channel: ContactChannel.SMS, status: ConsentStatus.GRANTED },
        { channel: ContactChannel.WHATSAPP, status: ConsentStatus.GRANTED },
      ];
      return [
        this.crmRecord(crmV1.DebtorUpsertedSchema, partitionKey, {
          creditorDebtorId: debtor.creditorDebtorId,
          sourceVersion: 1n,
          kind: crmV1.DebtorKind.PERSON,
          name: { givenNames: 'Sam', familyName: 'Taylor' },
          preferredLanguage: 'en-GB',
          contactPoints: {
            phones: [
              {
                e164: debtor.phone,
                type: crmV1.PhoneType.MOBILE,
                consents,
                timeZone: options.timeZone ?? 'Europe/London',
                preferred: true,
              },
            ],
            emails: [
              {
                address: debtor.email,
                timeZone: options.timeZone ?? 'Europe/London',
                preferred: true,
              },
            ],
          },
        }),
        this.crmRecord(crmV1.AccountPlacedSchema, partitionKey, {
          creditorDebtorId: debtor.creditorDebtorId,
          accountReference: `A-${debtor.creditorDebtorId}`,
          sourceVersion: 1n,
          productType: crmV1.ProductType.CREDIT_CARD,
          productName: 'Card',
          originalBalance: { amountMinor: 50_000n, currency: 'GBP' },
          currentBalance: { amountMinor: 42_000n, currency: 'GBP' },
          daysPastDue: 40,
          placementDate: '2026-10-01',
        }),
      ];
    });
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      for (let i = 0; i < records.length; i += 500) {
        await producer.send(records.slice(i, i + 500));
      }
    } finally {
      await producer.disconnect();
    }
    const placed = new Map<string, Partial<PlacedDebtor>>();
    await eventually(
      async () => {
        const events = await this.caseEvents();
        for (const event of events) {
          if (event.type === caseV1.ContactPointsChangedSchema.typeName) {
            const message = event.message as caseV1.ContactPointsChanged;
            const entry = placed.get(message.debtorId) ?? {};
            entry.mobileId = message.contactPoints.find(
              (p) => p.kind === caseV1.ContactPointKind.MOBILE,
            )?.contactPointId;
            entry.emailId = message.contactPoints.find(
              (p) => p.kind === caseV1.ContactPointKind.EMAIL,
            )?.contactPointId;
            placed.set(message.debtorId, entry);
          } else if (event.type === caseV1.CasePlacedSchema.typeName) {
            const message = event.message as caseV1.CasePlaced;
            const entry = placed.get(message.debtorId) ?? {};
            entry.caseId = message.caseId;
            placed.set(message.debtorId, entry);
          }
        }
        const complete = [...placed.entries()].filter(
          ([debtorId, e]) => !this.placed.has(debtorId) && e.caseId && e.mobileId && e.emailId,
        );
        // Not jest's expect: the benchmark script uses this fixture too.
        if (complete.length < count) {
          throw new Error(`${complete.length} of ${count} debtors placed so far`);
        }
      },
      { timeoutMs: 180_000, intervalMs: 2_000 },
    );
    // Match case-service's debtors to the CRM's by account reference is not in the events;
    // the order of creation is not either, so match by the addresses the test chose instead.
    const debtors: PlacedDebtor[] = [];
    for (const [debtorId, entry] of placed) {
      if (this.placed.has(debtorId) || !entry.caseId || !entry.mobileId || !entry.emailId) continue;
      const phone = await this.resolve(debtorId, entry.mobileId);
      const source = wanted.find((w) => w.phone === phone);
      if (!source) continue;
      this.placed.add(debtorId);
      debtors.push({
        ...source,
        debtorId,
        caseId: entry.caseId,
        mobileId: entry.mobileId,
        emailId: entry.emailId,
      });
    }
    return debtors;
  }

  private async resolve(debtorId: string, contactPointId: string): Promise<string | undefined> {
    const response = await fetch(`${this.caseServiceUrl}/internal/v1/contact-addresses/resolve`, {
      method: 'POST',
      headers: this.auth(this.contactResolverToken),
      body: JSON.stringify({ tenantId: this.tenant, debtorId, contactPointId }),
    });
    return response.status === 200
      ? ((await response.json()) as { address: string }).address
      : undefined;
  }

  /** Debtors an earlier placeDebtors call returned: case events are read from the start. */
  private readonly placed = new Set<string>();

  private async caseEvents(): Promise<{ type: string; message: unknown }[]> {
    const records = await readTopicToEnd(this.kafka, topicCatalogue.caseEvents.name);
    return records
      .filter((record) => record.headers['ce_tenantid'] === this.tenant)
      .map((record) => decodeRecord(topicCatalogue.caseEvents, record))
      .map((event) => ({ type: event.envelope.type, message: event.message }));
  }

  /** A command as the strategy engine publishes it. */
  async sendCommands(
    commands: MessageInitShape<typeof dispatchV1.SendMessageSchema>[],
    schema: typeof dispatchV1.SendMessageSchema,
  ): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      const records = commands.map((command) =>
        this.record(
          topicCatalogue.dispatchCommands.name,
          schema,
          `${this.tenant}:${command.debtorId}`,
          command,
          '/clement/strategy-service',
        ),
      );
      for (let i = 0; i < records.length; i += 500) {
        await producer.send(records.slice(i, i + 500));
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** Any dispatch command (e.g. CancelMessage), keyed `<tenant>:<debtorId>` as the topic asks. */
  async publishCommand<S extends DescMessage>(
    schema: S,
    debtorId: string,
    init: MessageInitShape<S>,
  ): Promise<void> {
    await this.publish([
      this.record(
        topicCatalogue.dispatchCommands.name,
        schema,
        `${this.tenant}:${debtorId}`,
        init,
        '/clement/strategy-service',
      ),
    ]);
  }

  /** A CRM event (e.g. PaymentReported), keyed `<tenant>:<creditor debtor id>` like placeDebtors. */
  async publishCrm<S extends DescMessage>(
    schema: S,
    partitionKey: string,
    init: MessageInitShape<S>,
  ): Promise<void> {
    await this.publish([this.crmRecord(schema, partitionKey, init)]);
  }

  private async publish(records: readonly OutgoingRecord[]): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    try {
      await producer.send(records);
    } finally {
      await producer.disconnect();
    }
  }

  /** Every dispatch event of this tenant so far, decoded. */
  async dispatchEvents(): Promise<DispatchEventSeen[]> {
    const records = await readTopicToEnd(this.kafka, topicCatalogue.dispatchEvents.name);
    return records
      .filter((record) => record.headers['ce_tenantid'] === this.tenant)
      .map((record) => decodeRecord(topicCatalogue.dispatchEvents, record))
      .map((event) => ({
        type: event.envelope.type.replace(/^clement\.dispatch\.v1\./, ''),
        message: event.message as unknown as DispatchEventSeen['message'],
      }));
  }

  /** What the simulated phone or mailbox at `to` holds, oldest first. */
  async simMessages(to: string): Promise<SimMessage[]> {
    const path = `/sim/messages?to=${encodeURIComponent(to)}`;
    return (await this.sim<{ messages: SimMessage[] }>(path)).messages;
  }

  async sim<T>(path: string, init?: { method: string; body?: unknown }): Promise<T> {
    const response = await fetch(`${this.simUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers: { 'content-type': 'application/json' },
      ...(init?.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    if (!response.ok) throw new Error(`simulator ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  private crmRecord<S extends DescMessage>(
    schema: S,
    partitionKey: string,
    init: MessageInitShape<S>,
  ) {
    return this.record(
      topicCatalogue.crmInbound.name,
      schema,
      partitionKey,
      init,
      `/crm/${this.tenant}`,
    );
  }

  private record<S extends DescMessage>(
    topic: string,
    schema: S,
    partitionKey: string,
    init: MessageInitShape<S>,
    source: string,
  ) {
    return eventRecord(topic, schema, init, { tenantId: this.tenant, partitionKey, source });
  }
}
