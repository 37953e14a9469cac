import { assertSqlIdentifier, type Outbox } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { DataSource } from 'typeorm';
import type { PaymentOutcomes } from '../payments/payment-outcomes';
import type { PaymentRecord } from '../payments/payment-record';
import type { PaymentsRepository } from '../payments/payments.repository';
import type { MandateWebhookHandler } from '../psp/mandate-webhooks';
import type { PaymentServiceProvider, PspEvent, PspName } from '../psp/psp-port';

export type WebhookResult = 'processed' | 'duplicate' | 'ignored';

/** A verified event about a payment this service does not know: the PSP should retry later. */
export class UnknownPaymentError extends Error {
  constructor(readonly paymentId: string) {
    super(`no payment ${paymentId}`);
    this.name = 'UnknownPaymentError';
  }
}

/**
 * Webhooks from the PSPs. The adapter verifies the signature and the timestamp before anything
 * is read; each event id is recorded in the transaction that applies it, so a redelivered
 * webhook (the PSPs deliver at least once) changes nothing.
 */
export class PspWebhooks {
  private readonly events: string;

  constructor(
    schema: string,
    private readonly dataSource: DataSource,
    private readonly providers: ReadonlyMap<PspName, PaymentServiceProvider>,
    private readonly payments: PaymentsRepository,
    private readonly outcomes: PaymentOutcomes,
    private readonly mandates: MandateWebhookHandler | undefined,
    private readonly outbox: Outbox,
    /** Signatures are checked against real time, whatever clock the business logic runs on. */
    private readonly now: () => Date = () => new Date(),
  ) {
    this.events = `"${assertSqlIdentifier(schema)}"."psp_events"`;
  }

  has(psp: string): psp is PspName {
    return this.providers.has(psp as PspName);
  }

  /** Throws WebhookVerificationError (the caller answers 400/403) or UnknownPaymentError. */
  async receive(
    psp: PspName,
    rawBody: Buffer,
    headers: Record<string, string | undefined>,
  ): Promise<WebhookResult> {
    const provider = this.providers.get(psp);
    if (!provider) throw new Error(`no ${psp} adapter configured`);
    const event = provider.verifyWebhook(rawBody, headers, this.now());
    if (event.kind === 'ignored') return 'ignored';
    return this.dataSource.transaction(async (db) => {
      const fresh = rowsOf(
        await db.query(
          `INSERT INTO ${this.events} ("psp", "event_id", "kind") VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [psp, event.eventId, event.kind],
        ),
      );
      if (fresh.length === 0) return 'duplicate';
      await this.apply(db, event);
      return 'processed';
    });
  }

  private async apply(db: SqlRunner, event: PspEvent): Promise<void> {
    switch (event.kind) {
      case 'payment.succeeded':
      case 'collection.succeeded': {
        const payment = await this.payment(db, event.paymentId);
        const pspPaymentId =
          event.kind === 'payment.succeeded' ? event.pspPaymentId : event.pspCollectionId;
        if (payment.pspPaymentId !== pspPaymentId) {
          // Refunds and disputes will name the payment by the id the PSP paid it under.
          await this.payments.updatePspId(db, payment.tenantId, payment.paymentId, pspPaymentId);
        }
        await this.outcomes.succeeded(db, payment, {
          amountMinor: event.amountMinor,
          currency: event.currency,
          at: event.occurredAt,
        });
        return;
      }
      case 'payment.failed':
      case 'collection.failed': {
        const payment = await this.payment(db, event.paymentId);
        await this.outcomes.failed(db, payment, {
          reason: event.reason,
          at: event.occurredAt,
          eventId: event.eventId,
        });
        return;
      }
      case 'collection.returned': {
        const payment = await this.payment(db, event.paymentId);
        await this.chargeBack(db, payment, {
          reversalId: `return-${event.pspCollectionId}`,
          pspReversalId: event.pspCollectionId,
          amountMinor: event.amountMinor,
          reason: event.reason,
          at: event.occurredAt,
        });
        return;
      }
      case 'chargeback.created': {
        const payment = await this.paymentByPspId(db, event.pspPaymentId);
        await this.chargeBack(db, payment, {
          reversalId: `chargeback-${event.pspChargebackId}`,
          pspReversalId: event.pspChargebackId,
          amountMinor: event.amountMinor,
          reason: event.reason,
          at: event.occurredAt,
        });
        return;
      }
      case 'refund.succeeded':
      case 'refund.failed': {
        const payment = await this.paymentByPspId(db, event.pspPaymentId);
        await this.refundSettled(db, payment, event);
        return;
      }
      case 'mandate.active':
      case 'mandate.cancelled':
      case 'mandate.failed': {
        if (!this.mandates) return;
        await this.outbox.appendAll(db, await this.mandates.mandateEvent(db, event));
        return;
      }
      case 'ignored':
        return;
    }
  }

  private async chargeBack(
    db: SqlRunner,
    payment: PaymentRecord,
    chargeback: {
      reversalId: string;
      pspReversalId: string;
      amountMinor: number;
      reason: string;
      at: Date;
    },
  ): Promise<void> {
    const fresh = await this.payments.insertReversal(db, payment.tenantId, {
      reversalId: chargeback.reversalId,
      paymentId: payment.paymentId,
      kind: 'chargeback',
      amountMinor: chargeback.amountMinor,
      status: 'succeeded',
      pspReversalId: chargeback.pspReversalId,
      reason: chargeback.reason,
      at: chargeback.at,
    });
    if (!fresh) return;
    await this.outcomes.reversed(db, payment, {
      kind: 'chargeback',
      reversalId: chargeback.reversalId,
      amountMinor: chargeback.amountMinor,
      reason: chargeback.reason,
      at: chargeback.at,
    });
  }

  /** A refund asked for here settles; one made on the PSP's dashboard is recorded first. */
  private async refundSettled(
    db: SqlRunner,
    payment: PaymentRecord,
    event: Extract<PspEvent, { kind: 'refund.succeeded' | 'refund.failed' }>,
  ): Promise<void> {
    const status = event.kind === 'refund.succeeded' ? 'succeeded' : 'failed';
    let refund = await this.payments.lockRefund(db, payment.tenantId, {
      reversalId: event.refundId,
      pspReversalId: event.pspRefundId,
    });
    if (!refund) {
      const reversalId = event.refundId ?? `refund-${event.pspRefundId}`;
      await this.payments.insertReversal(db, payment.tenantId, {
        reversalId,
        paymentId: payment.paymentId,
        kind: 'refund',
        amountMinor: event.amountMinor,
        status: 'pending',
        pspReversalId: event.pspRefundId,
        reason: null,
        at: event.occurredAt,
      });
      refund = { reversalId, status: 'pending', amountMinor: event.amountMinor };
    }
    const settled = await this.payments.settleReversal(
      db,
      payment.tenantId,
      refund.reversalId,
      status,
      event.pspRefundId,
      event.occurredAt,
    );
    if (!settled || status === 'failed') return;
    await this.outcomes.reversed(db, payment, {
      kind: 'refund',
      reversalId: refund.reversalId,
      amountMinor: refund.amountMinor,
      reason: null,
      at: event.occurredAt,
    });
  }

  private async payment(db: SqlRunner, paymentId: string): Promise<PaymentRecord> {
    const payment = await this.payments.lockById(db, paymentId);
    if (!payment) throw new UnknownPaymentError(paymentId);
    return payment;
  }

  private async paymentByPspId(db: SqlRunner, pspPaymentId: string): Promise<PaymentRecord> {
    const payment =
      (await this.payments.lockByPspId(db, 'sandbox', pspPaymentId)) ??
      (await this.payments.lockByPspId(db, 'stripe', pspPaymentId));
    if (!payment) throw new UnknownPaymentError(pspPaymentId);
    return payment;
  }
}
