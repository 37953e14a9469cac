import { dispatchV1 } from '@clement/contracts';
import type { Outbox, PendingEvent } from '@clement/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { type AddressLookup, type AddressResolver } from '../addresses';
import type { ContactProjectionRepository } from '../contact-projection/contact-projection.repository';
import type { PortalLinkSigner } from '../portal-links';
import {
  type ProviderGateway,
  retryDelayMs,
  type SendOutcome,
  type SenderRateLimiter,
  sha256Hex,
} from '../providers';
import { type TemplateCatalogue, TemplateError } from '../templates';
import { TenantScope } from '../tenancy/tenant-scope';
import type { DispatchTenant, SenderSettings } from '../tenants/dispatch-tenants';
import { statusCallbackUrl } from '../webhooks/domain/twilio-events';
import {
  CONTACT_CHANNEL_OF,
  dispatchEvent,
  PROVIDER_OF,
  reasonsOut,
  subjectOf,
  ts,
} from './dispatch-events';
import { attemptTarget, type MessageRecord } from './domain/message';
import { decideSend, type PolicyReasonOut, type SendDecision } from './domain/send-decision';
import type { MessageOutcomes } from './message-outcomes';
import type { MessagesRepository } from './messages.repository';

export interface DispatcherSettings {
  batchSize: number;
  sendConcurrency: number;
  leaseMs: number;
  maxAttempts: number;
  /** How long after an ambiguous answer the provider is asked whether it has the message. */
  reconcileDelayMs: number;
  portalLinkTtlMs: number;
  webhookPublicBaseUrl: string;
  addressIndexKey: Uint8Array;
  retryBaseMs: number;
  retryCapMs: number;
  /** When a message held back for its sender's rate is looked at again. */
  rateLimitRecheckMs: number;
}

export interface DispatcherDependencies {
  dataSource: DataSource;
  messages: MessagesRepository;
  projection: ContactProjectionRepository;
  outbox: Outbox;
  tenants: ReadonlyMap<string, DispatchTenant>;
  templates: TemplateCatalogue;
  links: PortalLinkSigner;
  addresses: AddressResolver;
  provider: ProviderGateway;
  limiter: SenderRateLimiter;
  outcomes: MessageOutcomes;
  clock: () => Date;
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  metrics?: DispatcherMetrics;
}

export interface DispatcherMetrics {
  decided(outcome: SendDecision['kind'] | 'rate_limited'): void;
  providerCall(outcome: SendOutcome['kind'], seconds: number): void;
}

/** A send decided and recorded (status `sending`, committed): the provider call to make. */
interface SendJob {
  message: MessageRecord;
  sender: SenderSettings;
  body: string;
  subject?: string;
}

/** One round's work, for the loop and the tests. */
export interface RoundReport {
  claimed: number;
  sent: number;
  unsettled: number;
}

/**
 * Takes due messages, decides each against the current state (policy, validity, holds,
 * opt-outs), records every attempt before calling the provider, and settles ambiguous attempts
 * by asking the provider — never by calling it again blindly.
 */
export class Dispatcher {
  private readonly random: () => number;
  /** Sends decided this round per sender, not yet past their token. */
  private readonly reserved = new Map<string, number>();
  private readonly log: NonNullable<DispatcherDependencies['log']>;

  constructor(
    private readonly deps: DispatcherDependencies,
    private readonly settings: DispatcherSettings,
  ) {
    this.random = deps.random ?? Math.random;
    this.log = deps.log ?? (() => undefined);
    for (const tenant of deps.tenants.values()) {
      for (const [channel, sender] of Object.entries(tenant.senders)) {
        deps.limiter.configure(
          senderKey(channel as MessageRecord['channel'], sender),
          sender.ratePerSecond
            ? { ratePerSecond: sender.ratePerSecond, burst: sender.burst ?? sender.ratePerSecond }
            : undefined,
        );
      }
    }
  }

  /** One round: settle interrupted attempts, then decide and send what is due. */
  async runOnce(): Promise<RoundReport> {
    const unsettled = await this.settleUnsettled();
    this.reserved.clear();
    const jobs = await this.deps.dataSource.transaction((manager) => this.decideDue(manager));
    let sent = 0;
    await forEachLimited(jobs, this.settings.sendConcurrency, async (job) => {
      if (await this.send(job)) sent += 1;
    });
    return { claimed: jobs.claimed, sent, unsettled };
  }

  // ---- deciding ---------------------------------------------------------------------------

  private async decideDue(manager: EntityManager): Promise<SendJob[] & { claimed: number }> {
    const now = this.deps.clock();
    const due = await this.deps.messages.claimDue(manager, now, this.settings.batchSize);
    const jobs: SendJob[] = [];
    // One debtor at a time across instances: caps count the attempts decided just before.
    const debtors = [...new Set(due.map((m) => `${m.tenantId}:${m.debtorId}`))].sort();
    for (const key of debtors) {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
    }
    const events: PendingEvent[] = [];
    for (const message of due) {
      const job = await this.decideOne(manager, message, now, events);
      if (job) jobs.push(job);
    }
    await this.deps.outbox.appendAll(manager, events);
    return Object.assign(jobs, { claimed: due.length });
  }

  private async decideOne(
    manager: EntityManager,
    message: MessageRecord,
    now: Date,
    events: PendingEvent[],
  ): Promise<SendJob | undefined> {
    const scope = TenantScope.of(message.tenantId);
    const tenant = this.deps.tenants.get(message.tenantId);
    const [projection, caseState, attempts, optEvents, lastInboundWhatsAppAt] = [
      await this.deps.projection.projection(manager, scope, message.debtorId),
      await this.deps.projection.caseState(manager, scope, message.caseId),
      await this.deps.messages.attemptsOf(manager, scope, message.debtorId, now),
      await this.deps.messages.optEventsOf(manager, scope, message.debtorId),
      await this.deps.messages.lastInboundAt(manager, scope, message.debtorId, 'whatsapp'),
    ];
    const decision = decideSend(message, {
      now,
      tenant,
      projection:
        projection.contactPoints.length > 0 || projection.erasedAt ? projection : undefined,
      caseState,
      history: { attempts, conversations: [] },
      optEvents,
      ...(lastInboundWhatsAppAt ? { lastInboundWhatsAppAt } : {}),
    });
    const subject = subjectOf(message, scope);
    if (decision.kind !== 'send') {
      this.deps.metrics?.decided(decision.kind);
      this.applyNonSend(message, decision, now, subject, events);
      await this.deps.messages.saveState(manager, message);
      return undefined;
    }
    const sender = tenant?.senders[message.channel];
    if (!tenant) throw new Error('decideSend sends only for known tenants');
    if (!sender) {
      return this.block(manager, message, events, subject, [
        { code: 'sender.missing', detail: `The tenant has no ${message.channel} sender` },
      ]);
    }
    // Claim no more sends than the sender has tokens for; the token itself is taken right
    // before the provider call, so the pace is kept at the provider, not at this decision.
    const key = senderKey(message.channel, sender);
    const reserved = this.reserved.get(key) ?? 0;
    if (this.deps.limiter.available(key) - reserved < 1) {
      // Not an event: the debtor's story has not changed, the sender is just busy.
      this.deps.metrics?.decided('rate_limited');
      message.dueAt = new Date(now.getTime() + this.settings.rateLimitRecheckMs);
      await this.deps.messages.saveState(manager, message);
      return undefined;
    }
    this.reserved.set(key, reserved + 1);
    let rendered: { body: string; subject?: string };
    const attemptStartedAt = now;
    try {
      const link = this.deps.links.createLink({
        tenantId: message.tenantId,
        debtorId: message.debtorId,
        caseId: message.caseId,
        dispatchId: message.dispatchId,
        expiresAt: new Date(attemptStartedAt.getTime() + this.settings.portalLinkTtlMs),
      });
      rendered = this.deps.templates.renderMessage({
        tenantId: message.tenantId,
        tenantBrand: tenant.brand,
        templateKey: message.templateKey,
        channel: message.channel,
        locale: projection.preferredLanguage ?? '',
        tone: message.tone,
        portalLink: link.url,
      });
    } catch (error: unknown) {
      if (!(error instanceof TemplateError)) throw error;
      return this.block(manager, message, events, subject, [
        { code: `template.${error.code}`, detail: error.message },
      ]);
    }
    this.deps.metrics?.decided('send');
    // The attempt is recorded (and committed with this transaction) before any provider call.
    message.status = 'sending';
    message.attempts += 1;
    message.contactPointId = decision.contactPoint.contactPointId;
    message.provider = message.channel === 'email' ? 'sendgrid' : 'twilio';
    message.sender = sender.from;
    message.bodySha256 = sha256Hex(rendered.body);
    message.attemptStartedAt = attemptStartedAt;
    message.leaseUntil = new Date(now.getTime() + this.settings.leaseMs);
    delete message.dueAt;
    await this.deps.messages.saveState(manager, message);
    return {
      message: { ...message },
      sender,
      body: rendered.body,
      ...(rendered.subject !== undefined ? { subject: rendered.subject } : {}),
    };
  }

  private applyNonSend(
    message: MessageRecord,
    decision: Exclude<SendDecision, { kind: 'send' }>,
    now: Date,
    subject: ReturnType<typeof subjectOf>,
    events: PendingEvent[],
  ): void {
    const ids = { dispatchId: message.dispatchId, debtorId: message.debtorId };
    switch (decision.kind) {
      case 'defer': {
        const repeat =
          message.deferredUntil !== undefined && decision.reasons[0]?.code === 'debtor.pending';
        message.dueAt = decision.until;
        if (!repeat && message.deferredUntil?.getTime() !== decision.until.getTime()) {
          events.push(
            dispatchEvent(
              dispatchV1.MessageDeferredSchema,
              { ...ids, until: ts(decision.until), reasons: reasonsOut(decision.reasons) },
              subject,
              now,
            ),
          );
        }
        message.deferredUntil = decision.until;
        return;
      }
      case 'block':
        message.status = 'blocked';
        delete message.dueAt;
        message.outcomeCode = decision.reasons[0]?.code ?? 'blocked';
        events.push(
          dispatchEvent(
            dispatchV1.MessageBlockedSchema,
            { ...ids, reasons: reasonsOut(decision.reasons) },
            subject,
            now,
          ),
        );
        return;
      case 'cancel':
        message.status = 'cancelled';
        delete message.dueAt;
        message.outcomeCode = decision.reason;
        events.push(
          dispatchEvent(
            dispatchV1.MessageCancelledSchema,
            { ...ids, reason: decision.reason },
            subject,
            now,
          ),
        );
        return;
    }
  }

  private async block(
    manager: EntityManager,
    message: MessageRecord,
    events: PendingEvent[],
    subject: ReturnType<typeof subjectOf>,
    reasons: PolicyReasonOut[],
  ): Promise<undefined> {
    this.deps.metrics?.decided('block');
    this.applyNonSend(message, { kind: 'block', reasons }, this.deps.clock(), subject, events);
    await this.deps.messages.saveState(manager, message);
    return undefined;
  }

  // ---- sending ----------------------------------------------------------------------------

  private takeToken(key: string): Promise<void> {
    return waitForToken(this.deps.limiter, key);
  }

  /** Makes the recorded call and records its outcome; true when the provider took it. */
  private async send(job: SendJob): Promise<boolean> {
    const { message } = job;
    let address: AddressLookup;
    try {
      address = await this.deps.addresses.resolve(
        message.tenantId,
        message.debtorId,
        attemptTarget(message).contactPointId,
      );
    } catch {
      // No call was made: safe to put back and try again shortly.
      this.log('warn', `address lookup unavailable for ${message.dispatchId}; retrying later`);
      await this.settle(job.message, (current) => {
        current.status = 'pending';
        current.attempts -= 1;
        current.dueAt = new Date(this.deps.clock().getTime() + this.settings.retryBaseMs);
        return [];
      });
      return false;
    }
    if (address.kind !== 'found') {
      await this.settle(job.message, (current, subject, now) => {
        const ids = { dispatchId: current.dispatchId, debtorId: current.debtorId };
        if (address.kind === 'erased') {
          current.status = 'cancelled';
          current.outcomeCode = 'debtor_erased';
          return [
            dispatchEvent(
              dispatchV1.MessageCancelledSchema,
              { ...ids, reason: 'debtor_erased' },
              subject,
              now,
            ),
          ];
        }
        current.status = 'blocked';
        current.outcomeCode = 'contact_point.unknown';
        return [
          dispatchEvent(
            dispatchV1.MessageBlockedSchema,
            {
              ...ids,
              reasons: reasonsOut([
                { code: 'contact_point.unknown', detail: 'case-service does not know it' },
              ]),
            },
            subject,
            now,
          ),
        ];
      });
      return false;
    }
    await this.takeToken(senderKey(message.channel, job.sender));
    const started = process.hrtime.bigint();
    const outcome = await this.deps.provider.send({
      dispatchId: message.dispatchId,
      tenantId: message.tenantId,
      channel: message.channel,
      to: address.address,
      from: job.sender.from,
      ...(job.sender.messagingServiceSid
        ? { messagingServiceSid: job.sender.messagingServiceSid }
        : {}),
      ...(message.channel === 'email'
        ? { fromName: job.sender.fromName ?? this.deps.tenants.get(message.tenantId)?.brand }
        : {}),
      body: job.body,
      ...(job.subject !== undefined ? { subject: job.subject } : {}),
      ...(message.provider === 'twilio'
        ? {
            statusCallbackUrl: statusCallbackUrl(this.settings.webhookPublicBaseUrl, {
              tenantId: message.tenantId,
              dispatchId: message.dispatchId,
            }),
          }
        : {}),
    });
    this.deps.metrics?.providerCall(outcome.kind, Number(process.hrtime.bigint() - started) / 1e9);
    await this.recordOutcome(message, outcome, address.address);
    return outcome.kind === 'accepted';
  }

  private async recordOutcome(
    attempted: MessageRecord,
    outcome: SendOutcome,
    address: string,
  ): Promise<void> {
    await this.settle(
      attempted,
      async (current, subject, now, manager) => {
        switch (outcome.kind) {
          case 'accepted':
            return this.deps.outcomes.markSent(
              manager,
              current,
              outcome.providerMessageId,
              address,
              now,
            );
          case 'retryable':
            if (current.attempts >= this.settings.maxAttempts) {
              return this.deps.outcomes.fail(current, outcome.code, false, now);
            }
            current.status = 'pending';
            current.outcomeCode = outcome.code;
            current.dueAt = new Date(
              now.getTime() +
                retryDelayMs(current.attempts, {
                  baseMs: this.settings.retryBaseMs,
                  capMs: this.settings.retryCapMs,
                  ...(outcome.retryAfterMs !== undefined
                    ? { retryAfterMs: outcome.retryAfterMs }
                    : {}),
                  random: this.random,
                }),
            );
            return [];
          case 'ambiguous':
            if (current.status !== 'sending') {
              // A status callback reported it meanwhile, so the provider has it: nothing to
              // reconcile, but the callback could not index the address replies are matched by.
              return this.deps.outcomes.markSent(
                manager,
                current,
                current.providerMessageId ?? '',
                address,
                now,
              );
            }
            current.status = 'reconciling';
            current.outcomeCode = outcome.code;
            current.dueAt = new Date(now.getTime() + this.settings.reconcileDelayMs);
            return [];
          case 'rejected': {
            const failed = this.deps.outcomes.fail(current, outcome.code, true, now);
            if (!outcome.optedOut) return failed;
            const scope = TenantScope.of(current.tenantId);
            await this.deps.messages.recordConsentChange(manager, scope, {
              debtorId: current.debtorId,
              channel: current.channel,
              contactPointId: attemptTarget(current).contactPointId,
              kind: 'opt_out',
              method: 'provider',
              at: now,
            });
            return [
              ...failed,
              dispatchEvent(
                dispatchV1.ContactOptedOutSchema,
                {
                  debtorId: current.debtorId,
                  channel: CONTACT_CHANNEL_OF[current.channel],
                  contactPointId: attemptTarget(current).contactPointId,
                  method: dispatchV1.ConsentChangeMethod.PROVIDER,
                  optedOutAt: ts(now),
                },
                subject,
                now,
              ),
            ];
          }
        }
      },
      // An ambiguous answer may come after the message was reported too (Twilio took it, then
      // the connection hung).
      outcome.kind === 'accepted' || outcome.kind === 'ambiguous',
    );
  }

  /**
   * Applies a change to the message as it is now (locked), if it is still the attempt we made:
   * a webhook or another instance may have moved it on meanwhile.
   */
  private async settle(
    attempted: MessageRecord,
    change: (
      current: MessageRecord,
      subject: ReturnType<typeof subjectOf>,
      now: Date,
      manager: EntityManager,
    ) => PendingEvent[] | Promise<PendingEvent[] | undefined> | undefined,
    acceptReported = false,
  ): Promise<void> {
    await this.deps.dataSource.transaction(async (manager) => {
      const scope = TenantScope.of(attempted.tenantId);
      const current = await this.deps.messages.find(manager, scope, attempted.dispatchId, {
        forUpdate: true,
      });
      if (!current || current.attempts !== attempted.attempts) return;
      // A status callback may have reported the message before its send answer was recorded.
      const reportedMeanwhile =
        acceptReported && ['sent', 'delivered', 'read'].includes(current.status);
      if (current.status !== 'sending' && !reportedMeanwhile) return;
      const now = this.deps.clock();
      const events = (await change(current, subjectOf(current, scope), now, manager)) ?? [];
      await this.deps.messages.saveState(manager, current);
      await this.deps.outbox.appendAll(manager, events);
    });
  }

  // ---- settling ambiguous attempts --------------------------------------------------------

  /**
   * Attempts whose outcome is unknown (an ambiguous answer, or the instance stopped mid-call):
   * asks the provider whether it has the message. Found: sent. Certainly not there: pending
   * again (safe to call). The provider cannot tell (SendGrid has no look-up): surfaced as
   * `unknown` for a person or a later webhook to settle — never resent blindly.
   */
  private async settleUnsettled(): Promise<number> {
    return this.deps.dataSource.transaction(async (manager) => {
      const now = this.deps.clock();
      const unsettled = await this.deps.messages.claimUnsettled(
        manager,
        now,
        this.settings.batchSize,
      );
      const events: PendingEvent[] = [];
      for (const message of unsettled) {
        events.push(...(await this.settleOne(manager, message, now)));
        await this.deps.messages.saveState(manager, message);
      }
      await this.deps.outbox.appendAll(manager, events);
      return unsettled.length;
    });
  }

  private async settleOne(
    manager: EntityManager,
    message: MessageRecord,
    now: Date,
  ): Promise<PendingEvent[]> {
    const reason =
      message.status === 'sending' ? 'interrupted' : (message.outcomeCode ?? 'timeout');
    const unknown = (): PendingEvent[] => {
      message.status = 'unknown';
      message.outcomeCode = reason;
      delete message.dueAt;
      delete message.leaseUntil;
      return [
        dispatchEvent(
          dispatchV1.MessageOutcomeUnknownSchema,
          {
            dispatchId: message.dispatchId,
            debtorId: message.debtorId,
            provider: PROVIDER_OF[attemptTarget(message).provider],
            reason,
            attemptedAt: ts(message.attemptStartedAt ?? now),
          },
          subjectOf(message, TenantScope.of(message.tenantId)),
          now,
        ),
      ];
    };
    let address: AddressLookup;
    try {
      address = await this.deps.addresses.resolve(
        message.tenantId,
        message.debtorId,
        attemptTarget(message).contactPointId,
      );
    } catch {
      message.status = 'reconciling';
      message.dueAt = new Date(now.getTime() + this.settings.reconcileDelayMs);
      return [];
    }
    if (address.kind !== 'found' || !message.bodySha256 || !message.sender) return unknown();
    let lookup;
    try {
      lookup = await this.deps.provider.findSent({
        channel: message.channel,
        to: address.address,
        from: message.sender,
        bodySha256: message.bodySha256,
        since: new Date((message.attemptStartedAt ?? now).getTime() - 60_000),
      });
    } catch {
      message.status = 'reconciling';
      message.dueAt = new Date(now.getTime() + this.settings.reconcileDelayMs);
      return [];
    }
    switch (lookup.kind) {
      case 'found':
        this.log('info', `reconciled ${message.dispatchId}: the provider has it`);
        return this.deps.outcomes.markSent(
          manager,
          message,
          lookup.providerMessageId,
          address.address,
          now,
        );
      case 'not_found':
        // The provider has no such message: calling it is not a duplicate.
        this.log('info', `reconciled ${message.dispatchId}: not at the provider; sending again`);
        message.status = 'pending';
        message.dueAt = now;
        delete message.leaseUntil;
        return [];
      case 'unsupported':
        return unknown();
    }
  }
}

/** Waits for the sender's next token (short: the round claimed only what the bucket held). */
async function waitForToken(limiter: SenderRateLimiter, key: string): Promise<void> {
  for (;;) {
    const token = limiter.tryTake(key);
    if (token.ok) return;
    await new Promise((resolve) => setTimeout(resolve, token.waitMs));
  }
}

export function senderKey(channel: MessageRecord['channel'], sender: SenderSettings): string {
  return `${channel === 'email' ? 'sendgrid' : 'twilio'}:${sender.messagingServiceSid ?? sender.from}`;
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await run(item);
    }
  });
  await Promise.all(workers);
}
