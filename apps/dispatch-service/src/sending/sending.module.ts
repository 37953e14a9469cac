import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { provideEventConsumer } from '@clement/messaging/nest';
import { metricsMeter } from '@clement/observability';
import { DataSource } from 'typeorm';
import { bearerTokenSource, CaseServiceAddressResolver } from '../addresses';
import type { DispatchServiceConfig } from '../config';
import {
  DEBTOR_ERASURE_HOOK,
  type DebtorErasureHook,
} from '../contact-projection/contact-projection';
import { ContactProjectionRepository } from '../contact-projection/contact-projection.repository';
import { parseAddressIndexKey } from '../inbound/domain';
import { parsePortalLinkKeys, PortalLinkSigner } from '../portal-links';
import { ProviderEventRecorder } from '../provider-events/provider-event-recorder';
import {
  createProviderRouter,
  createSendGridGateway,
  createTwilioGateway,
  type ProviderGateway,
  SenderRateLimiter,
} from '../providers';
import {
  type DispatchTenant,
  loadDispatchTenants,
  templateCatalogueFor,
} from '../tenants/dispatch-tenants';
import { Dispatcher, type DispatcherMetrics } from './dispatcher';
import { MessageOutcomes } from './message-outcomes';
import { MessagesRepository } from './messages.repository';
import { SendCommandsConsumer } from './send-commands.consumer';

export const DISPATCH_COMMANDS_GROUP = 'dispatch-service.commands';
export const DISPATCH_TENANTS = Symbol('DISPATCH_TENANTS');
export const DISPATCH_CLOCK = Symbol('DISPATCH_CLOCK');

/** What tests may replace: the clock (a virtual 07:30) and the provider gateway. */
export interface SendingOverrides {
  clock?: () => Date;
  provider?: ProviderGateway;
  /** Off: tests drive `Dispatcher.runOnce` themselves. */
  autoStart?: boolean;
}

/** Runs dispatcher rounds until shutdown; a failed round is logged and retried next tick. */
@Injectable()
export class DispatchLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DispatchLoop');
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();

  constructor(
    @Inject(Dispatcher) private readonly dispatcher: Dispatcher,
    private readonly intervalMs: number,
    private readonly autoStart: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (this.autoStart) this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.round();
    }, delayMs);
  }

  private async round(): Promise<void> {
    let busy = false;
    try {
      const report = await this.dispatcher.runOnce();
      busy = report.claimed > 0 && report.sent > 0;
    } catch (error: unknown) {
      this.logger.error(`dispatch round failed: ${(error as Error).message}`);
    }
    // Straight on while there is work, else wait for the next tick.
    this.schedule(busy ? 0 : this.intervalMs);
  }
}

/**
 * Sending: the command consumer, the dispatcher and its loop, the provider gateways, and the
 * provider-event recorder the webhooks hand verified reports to.
 */
@Module({})
export class SendingModule {
  static forRoot(config: DispatchServiceConfig, overrides: SendingOverrides = {}): DynamicModule {
    const schema = config.DATABASE_SCHEMA;
    const clock = overrides.clock ?? (() => new Date());
    const tenants = loadDispatchTenants({
      ...(config.DISPATCH_TENANTS_JSON ? { json: config.DISPATCH_TENANTS_JSON } : {}),
      ...(config.DISPATCH_TENANTS_FILE ? { file: config.DISPATCH_TENANTS_FILE } : {}),
    });
    const addressIndexKey = parseAddressIndexKey(config.ADDRESS_INDEX_KEY);
    return {
      module: SendingModule,
      global: true,
      providers: [
        { provide: DISPATCH_TENANTS, useValue: tenants },
        { provide: DISPATCH_CLOCK, useValue: clock },
        { provide: MessagesRepository, useFactory: () => new MessagesRepository(schema) },
        // Stateless (a schema name): sending reads the projection through its own instance.
        {
          provide: ContactProjectionRepository,
          useFactory: () => new ContactProjectionRepository(schema),
        },
        {
          provide: MessageOutcomes,
          inject: [MessagesRepository],
          useFactory: (messages: MessagesRepository) =>
            new MessageOutcomes(messages, addressIndexKey),
        },
        {
          provide: CaseServiceAddressResolver,
          useFactory: () =>
            new CaseServiceAddressResolver({
              baseUrl: config.CASE_SERVICE_URL,
              token: bearerTokenSource({
                ...(config.CASE_SERVICE_TOKEN ? { token: config.CASE_SERVICE_TOKEN } : {}),
                ...(config.CASE_SERVICE_TOKEN_FILE
                  ? { tokenFile: config.CASE_SERVICE_TOKEN_FILE }
                  : {}),
              }),
              timeoutMs: config.PROVIDER_TIMEOUT_MS,
            }),
        },
        {
          // An erased debtor's reply index entries and cached addresses go with the erasure.
          provide: DEBTOR_ERASURE_HOOK,
          inject: [MessagesRepository, CaseServiceAddressResolver],
          useFactory:
            (
              messages: MessagesRepository,
              addresses: CaseServiceAddressResolver,
            ): DebtorErasureHook =>
            async (db, scope, debtorId) => {
              await messages.forgetDebtorAddresses(db, scope, debtorId);
              addresses.forgetDebtor(scope.tenantId, debtorId);
            },
        },
        {
          provide: Dispatcher,
          inject: [
            DataSource,
            MessagesRepository,
            ContactProjectionRepository,
            Outbox,
            MessageOutcomes,
            CaseServiceAddressResolver,
          ],
          useFactory: (
            dataSource: DataSource,
            messages: MessagesRepository,
            projection: ContactProjectionRepository,
            outbox: Outbox,
            outcomes: MessageOutcomes,
            addresses: CaseServiceAddressResolver,
          ) => {
            const logger = new Logger('Dispatcher');
            return new Dispatcher(
              {
                dataSource,
                messages,
                projection,
                outbox,
                outcomes,
                tenants,
                templates: templateCatalogueFor(tenants),
                links: new PortalLinkSigner({
                  baseUrl: config.PORTAL_BASE_URL.replace(/\/+$/, ''),
                  keys: parsePortalLinkKeys(config.PORTAL_LINK_KEYS),
                }),
                addresses,
                provider: overrides.provider ?? providerGatewayFor(config),
                limiter: new SenderRateLimiter({ now: () => clock().getTime() }),
                clock,
                log: (level, message) => logger[level === 'info' ? 'log' : level](message),
                metrics: dispatcherMetrics(),
              },
              {
                batchSize: config.DISPATCH_BATCH_SIZE,
                sendConcurrency: config.DISPATCH_SEND_CONCURRENCY,
                leaseMs: config.DISPATCH_LEASE_MS,
                maxAttempts: config.DISPATCH_MAX_ATTEMPTS,
                reconcileDelayMs: config.DISPATCH_RECONCILE_DELAY_MS,
                portalLinkTtlMs: config.PORTAL_LINK_TTL_HOURS * 3_600_000,
                webhookPublicBaseUrl: config.WEBHOOK_PUBLIC_BASE_URL,
                addressIndexKey,
                retryBaseMs: config.DISPATCH_RETRY_BASE_MS,
                retryCapMs: config.DISPATCH_RETRY_CAP_MS,
                roundHorizonMs: Math.max(config.DISPATCH_POLL_INTERVAL_MS, 1_000),
              },
            );
          },
        },
        {
          provide: DispatchLoop,
          inject: [Dispatcher],
          useFactory: (dispatcher: Dispatcher) =>
            new DispatchLoop(
              dispatcher,
              config.DISPATCH_POLL_INTERVAL_MS,
              overrides.autoStart ?? true,
            ),
        },
        {
          provide: ProviderEventRecorder,
          inject: [DataSource, MessagesRepository, MessageOutcomes, Outbox],
          useFactory: (
            dataSource: DataSource,
            messages: MessagesRepository,
            outcomes: MessageOutcomes,
            outbox: Outbox,
          ) => {
            const logger = new Logger('ProviderEvents');
            return new ProviderEventRecorder({
              dataSource,
              messages,
              outcomes,
              outbox,
              tenants,
              addressIndexKey,
              clock,
              log: (level, message) => logger[level === 'info' ? 'log' : level](message),
            });
          },
        },
        {
          provide: SendCommandsConsumer,
          inject: [MessagesRepository, Outbox],
          useFactory: (messages: MessagesRepository, outbox: Outbox) =>
            new SendCommandsConsumer(messages, outbox, clock),
        },
        provideEventConsumer({
          groupId: DISPATCH_COMMANDS_GROUP,
          inject: [SendCommandsConsumer],
          subscriptions: (consumer: SendCommandsConsumer) => [consumer.handlers()],
        }),
      ],
      exports: [
        DEBTOR_ERASURE_HOOK,
        Dispatcher,
        DispatchLoop,
        ProviderEventRecorder,
        MessagesRepository,
        DISPATCH_TENANTS,
      ],
    };
  }
}

export function providerGatewayFor(config: DispatchServiceConfig): ProviderGateway {
  return createProviderRouter({
    twilio: createTwilioGateway({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      ...(config.TWILIO_API_BASE_URL ? { apiBaseUrl: config.TWILIO_API_BASE_URL } : {}),
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
    }),
    sendgrid: createSendGridGateway({
      apiKey: config.SENDGRID_API_KEY,
      ...(config.SENDGRID_API_BASE_URL ? { apiBaseUrl: config.SENDGRID_API_BASE_URL } : {}),
      timeoutMs: config.PROVIDER_TIMEOUT_MS,
    }),
  });
}

function dispatcherMetrics(): DispatcherMetrics {
  const meter = metricsMeter('clement.dispatch');
  const decisions = meter.createCounter('clement_dispatch_decisions_total', {
    description: 'Send-time decisions on due messages, by outcome',
  });
  const calls = meter.createHistogram('clement_dispatch_provider_call_seconds', {
    description: 'Provider API calls, by outcome (accepted, retryable, ambiguous, rejected)',
    unit: 's',
  });
  return {
    decided: (outcome) => decisions.add(1, { outcome }),
    providerCall: (outcome, seconds) => calls.record(seconds, { outcome }),
  };
}

export type { DispatchTenant };
