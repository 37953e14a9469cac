import type { ContactAttempt, OptEvent } from '@clement/contact-policy';
import { dispatchV1 } from '@clement/contracts';
import type { Outbox, PendingEvent } from '@clement/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { type AddressLookup, type AddressResolver } from '../addresses';
import type { ContactProjectionRepository } from '../contact-projection/contact-projection.repository';
import type {
  CaseStateRecord,
  DebtorProjection,
} from '../contact-projection/domain/debtor-projection';
import type { PortalLinkSigner } from '../portal-links';
import {
  type ProviderGateway,
  retryDelayMs,
  type SendOutcome,
  type SenderRateLimiter,
  sha256Hex,
} from '../providers';
import { type RenderedMessage, type TemplateCatalogue, TemplateError } from '../templates';
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
  /**
   * How far ahead a round takes on rate-limited sends: those whose token comes within this
   * horizon are sent by the round (waiting for their token); later ones are due when theirs is.
   */
  roundHorizonMs: number;
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
  whatsappContent?: RenderedMessage['whatsappContent'];
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
  /** Configured rates per sender key (the limiter's buckets hold the tokens). */
  private readonly rates = new Map<string, number>();
  private readonly log: NonNullable<DispatcherDependencies['log']>;

  constructor(
    private readonly deps: DispatcherDependencies,
    private readonly settings: DispatcherSettings,
  ) {
    this.random = deps.random ?? Math.random;
    this.log = deps.log ?? (() => undefined);
    for (const tenant of deps.tenants.values()) {
      for (const [channel, sender] of Object.entries(tenant.senders)) {
        const key = senderKey(channel as MessageRecord['channel'], sender);
        if (sender.ratePerSecond) this.rates.set(key, sender.ratePerSecond);
        deps.limiter.configure(
          key,
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
    if (due.length === 0) return Object.assign([], { claimed: 0 });
    // One debtor at a time across instances (caps count the attempt decided just before),
    // taken in one sorted pass so two instances cannot deadlock on each other's debtors.
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtext(k))
         FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted`,
      [[...new Set(due.map((m) => `${m.tenantId}:${m.debtorId}`))]],
    );
    const contexts = await this.loadContexts(manager, due, now);
    const events: PendingEvent[] = [];
    const jobs: SendJob[] = [];
    const budgets = new RoundBudgets(this.deps.limiter, this.rates, this.settings.roundHorizonMs);
    for (const message of due) {
      const context = contexts.get(`${message.tenantId}:${message.debtorId}`);
      if (!context) throw new Error('every claimed message has a context');
      const job = this.decideOne(message, context, now, events, budgets);
      if (job) jobs.push(job);
    }
    await this.deps.messages.saveStates(manager, due);
    await this.deps.outbox.appendAll(manager, events);
    return Object.assign(jobs, { claimed: due.length });
  }

  /** What the policy needs about each claimed message's debtor, loaded set-wise per tenant. */
  private async loadContexts(
    manager: EntityManager,
    due: readonly MessageRecord[],
    now: Date,
  ): Promise<Map<string, DebtorContext>> {
    const contexts = new Map<string, DebtorContext>();
    const byTenant = new Map<string, MessageRecord[]>();
    for (const message of due) {
      byTenant.set(message.tenantId, [...(byTenant.get(message.tenantId) ?? []), message]);
    }
    for (const [tenantId, messages] of byTenant) {
      const scope = TenantScope.of(tenantId);
      const debtorIds = [...new Set(messages.map((m) => m.debtorId))];
      const projections = await this.deps.projection.projections(manager, scope, debtorIds);
      const caseStates = await this.deps.projection.caseStates(
        manager,
        scope,
        messages.map((m) => m.caseId),
      );
      const attempts = await this.deps.messages.attemptsOfMany(manager, scope, debtorIds, now);
      const optEvents = await this.deps.messages.optEventsOfMany(manager, scope, debtorIds);
      const whatsApp = await this.deps.messages.lastInboundAtMany(
        manager,
        scope,
        debtorIds,
        'whatsapp',
      );
      for (const debtorId of debtorIds) {
        const projection = projections.get(debtorId);
        const lastInboundWhatsAppAt = whatsApp.get(debtorId);
        contexts.set(`${tenantId}:${debtorId}`, {
          scope,
          projection:
            projection && (projection.contactPoints.length > 0 || projection.erasedAt)
              ? projection
              : undefined,
          preferredLanguage: projection?.preferredLanguage,
          caseStates,
          attempts: attempts.get(debtorId) ?? [],
          optEvents: optEvents.get(debtorId) ?? [],
          ...(lastInboundWhatsAppAt ? { lastInboundWhatsAppAt } : {}),
        });
      }
    }
    return contexts;
  }

  /** Whether a WhatsApp message's template is an approved Content template (Meta-registered). */
  private hasApprovedWhatsAppTemplate(message: MessageRecord, context: DebtorContext): boolean {
    if (message.channel !== 'whatsapp') return false;
    try {
      const { entry } = this.deps.templates.resolve({
        tenantId: message.tenantId,
        templateKey: message.templateKey,
        channel: message.channel,
        locale: context.preferredLanguage ?? '',
        tone: message.tone,
      });
      return entry.whatsappContentSid !== undefined;
    } catch (error: unknown) {
      if (error instanceof TemplateError) return false; // rendering reports it as a block
      throw error;
    }
  }

  /** Decides one message, changing it in place; the caller saves the batch. */
  private decideOne(
    message: MessageRecord,
    context: DebtorContext,
    now: Date,
    events: PendingEvent[],
    budgets: RoundBudgets,
  ): SendJob | undefined {
    const tenant = this.deps.tenants.get(message.tenantId);
    const decision = decideSend(message, {
      whatsappTemplateApproved: this.hasApprovedWhatsAppTemplate(message, context),
      now,
      tenant,
      projection: context.projection,
      caseState: context.caseStates.get(message.caseId),
      history: { attempts: context.attempts, conversations: [] },
      optEvents: context.optEvents,
      ...(context.lastInboundWhatsAppAt
        ? { lastInboundWhatsAppAt: context.lastInboundWhatsAppAt }
        : {}),
    });
    const subject = subjectOf(message, context.scope);
    if (decision.kind !== 'send') {
      this.deps.metrics?.decided(decision.kind);
      this.applyNonSend(message, decision, now, subject, events);
      return undefined;
    }
    const sender = tenant?.senders[message.channel];
    if (!tenant) throw new Error('decideSend sends only for known tenants');
    if (!sender) {
      return this.block(message, events, subject, [
        { code: 'sender.missing', detail: `The tenant has no ${message.channel} sender` },
      ]);
    }
    // Take on no more sends than the sender's bucket lets out within this round; the token
    // itself is taken right before the provider call, so the pace is kept at the provider.
    const wait = budgets.reserve(senderKey(message.channel, sender));
    if (wait !== undefined) {
      // Not an event: the debtor's story has not changed, the sender is just busy.
      this.deps.metrics?.decided('rate_limited');
      message.dueAt = new Date(now.getTime() + wait);
      return undefined;
    }
    let rendered: RenderedMessage;
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
        locale: context.preferredLanguage ?? '',
        tone: message.tone,
        portalLink: link.url,
      });
    } catch (error: unknown) {
      if (!(error instanceof TemplateError)) throw error;
      return this.block(message, events, subject, [
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
    if (rendered.whatsappContent) message.contentSid = rendered.whatsappContent.contentSid;
    else delete message.contentSid;
    message.attemptStartedAt = attemptStartedAt;
    message.leaseUntil = new Date(now.getTime() + this.settings.leaseMs);
    delete message.dueAt;
    if (message.origin === 'command') {
      // Later messages of this batch for the same debtor count this one against the caps.
      context.attempts.push({ channel: message.channel, at: now, outcome: 'sent' });
    }
    return {
      message: { ...message },
      sender,
      body: rendered.body,
      ...(rendered.subject !== undefined ? { subject: rendered.subject } : {}),
      ...(rendered.whatsappContent ? { whatsappContent: rendered.whatsappContent } : {}),
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

  private block(
    message: MessageRecord,
    events: PendingEvent[],
    subject: ReturnType<typeof subjectOf>,
    reasons: PolicyReasonOut[],
  ): undefined {
    this.deps.metrics?.decided('block');
    this.applyNonSend(message, { kind: 'block', reasons }, this.deps.clock(), subject, events);
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
    // Indexed before the call: whatever the answer, a reply from this address must find the
    // debtor (a STOP after an ambiguous send, or reported by a callback, still counts).
    await this.deps.outcomes.indexAddress(this.deps.dataSource.manager, message, address.address);
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
      ...(job.whatsappContent ? { whatsappContent: job.whatsappContent } : {}),
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
    await this.recordOutcome(message, outcome);
    return outcome.kind === 'accepted';
  }

  private async recordOutcome(attempted: MessageRecord, outcome: SendOutcome): Promise<void> {
    await this.settle(
      attempted,
      async (current, subject, now, manager) => {
        switch (outcome.kind) {
          case 'accepted':
            return this.deps.outcomes.markSent(manager, current, outcome.providerMessageId, now);
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
            // A status callback reported it meanwhile: the provider has it, nothing to reconcile.
            if (current.status !== 'sending') return [];
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
    // A Content template's text is Twilio's rendering, not ours: it cannot be matched by hash.
    if (address.kind !== 'found' || !message.bodySha256 || !message.sender || message.contentSid) {
      return unknown();
    }
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
        return this.deps.outcomes.markSent(manager, message, lookup.providerMessageId, now);
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

/** One debtor's state for a round's decisions. */
interface DebtorContext {
  scope: TenantScope;
  projection: DebtorProjection | undefined;
  preferredLanguage: string | undefined;
  caseStates: Map<string, CaseStateRecord>;
  /** Appended to as the round decides sends, so caps see them. */
  attempts: ContactAttempt[];
  optEvents: OptEvent[];
  lastInboundWhatsAppAt?: Date;
}

/**
 * A round's share of each sender's bucket: the tokens there now plus those refilled within the
 * horizon. A send beyond it is told how long until its token would come.
 */
class RoundBudgets {
  private readonly reserved = new Map<string, number>();

  constructor(
    private readonly limiter: SenderRateLimiter,
    private readonly rates: ReadonlyMap<string, number>,
    private readonly horizonMs: number,
  ) {}

  /** undefined: send this round; a number: look again in that many ms. */
  reserve(key: string): number | undefined {
    const rate = this.rates.get(key);
    if (rate === undefined) return undefined;
    const taken = this.reserved.get(key) ?? 0;
    this.reserved.set(key, taken + 1);
    // Tokens still missing for this send once the ones already promised this round are out.
    const missing = taken + 1 - this.limiter.available(key);
    const waitMs = Math.max(0, (missing * 1_000) / rate);
    return waitMs <= this.horizonMs ? undefined : Math.ceil(waitMs);
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
