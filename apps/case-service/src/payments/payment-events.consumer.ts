import { paymentV1, topicCatalogue } from '@clement/contracts';
import {
  type EventContext,
  handlersFor,
  PermanentEventError,
  type TopicHandlers,
} from '@clement/messaging';
import { CaseChanges } from '../events/case-changes';
import type { CaseChangeWriter } from '../events/case-change-writer';
import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantDirectory } from '../tenancy/tenant-directory';
import { TenantScope } from '../tenancy/tenant-scope';
import {
  PaymentContractBreach,
  type PaymentEventMessage,
  paymentEventProblems,
} from './domain/payment-decisions';
import type { PaymentEffectOutcome, PaymentEventEffects } from './payment-event-effects';

type Apply<M> = (
  db: SqlRunner,
  changes: CaseChanges,
  message: M,
  receivedAt: Date,
) => Promise<PaymentEffectOutcome>;

/**
 * The Kafka edge for payment-service's events: checks what the contract promises (a known tenant,
 * valid fields, the `<tenant>:<debtor id>` key) and hands the event to PaymentEventEffects. A
 * broken promise, including a case, plan or promise case-service never published or heard of, is
 * permanent: the event goes to `payment.internal.events.v1.dlq` with the reason, and nothing of it
 * is applied. The consumer's inbox skips redeliveries of an event (same `ce_source` and `ce_id`).
 */
export class PaymentEventsConsumer {
  constructor(
    private readonly effects: PaymentEventEffects,
    private readonly tenants: TenantDirectory,
    private readonly writer: CaseChangeWriter,
    private readonly onOutcome: (type: string, outcome: PaymentEffectOutcome) => void = () =>
      undefined,
  ) {}

  handlers(): TopicHandlers<typeof topicCatalogue.paymentEvents> {
    const e = this.effects;
    return handlersFor(topicCatalogue.paymentEvents)
      .on(
        paymentV1.PaymentSucceededSchema,
        this.handle((db, c, m, at) => e.paymentSucceeded(db, c, m, at)),
      )
      .on(
        paymentV1.PaymentRefundedSchema,
        this.handle((db, c, m, at) => e.paymentRefunded(db, c, m, at)),
      )
      .on(
        paymentV1.PaymentChargedBackSchema,
        this.handle((db, c, m, at) => e.paymentChargedBack(db, c, m, at)),
      )
      .on(
        paymentV1.PlanCreatedSchema,
        this.handle((db, c, m) => e.planCreated(db, c, m)),
      )
      .on(
        paymentV1.PlanBreachedSchema,
        this.handle((db, c, m, at) => e.planBreached(db, c, m, at)),
      )
      .on(
        paymentV1.PlanCancelledSchema,
        this.handle((db, c, m, at) => e.planCancelled(db, c, m, at)),
      )
      .on(
        paymentV1.PlanCompletedSchema,
        this.handle((db, c, m, at) => e.planCompleted(db, c, m, at)),
      )
      .on(
        paymentV1.PromiseMadeSchema,
        this.handle((db, c, m) => e.promiseMade(db, c, m)),
      )
      .on(
        paymentV1.PromiseKeptSchema,
        this.handle((db, c, m, at) => e.promiseKept(db, c, m, at)),
      )
      .on(
        paymentV1.PromiseBrokenSchema,
        this.handle((db, c, m, at) => e.promiseBroken(db, c, m, at)),
      );
  }

  private handle<M extends PaymentEventMessage>(
    apply: Apply<M>,
  ): (message: M, context: EventContext) => Promise<void> {
    return async (message, context) => {
      const { envelope, manager } = context;
      if (!(await this.tenants.isKnown(manager, envelope.tenantId))) {
        throw new PermanentEventError(
          `ce_tenantid: unknown tenant "${envelope.tenantId}"`,
          'unknown_tenant',
        );
      }
      const problems = paymentEventProblems(message);
      if (problems.length > 0) {
        throw new PermanentEventError(problems.join('; '), 'invalid_event');
      }
      const expectedKey = `${envelope.tenantId}:${message.debtorId}`;
      if (envelope.partitionKey.toLowerCase() !== expectedKey.toLowerCase()) {
        // The key orders a debtor's events; a wrong one could put a refund before its payment.
        throw new PermanentEventError(
          `ce_partitionkey: must be "<tenant>:<debtor_id>" ("${expectedKey}")`,
          'bad_partition_key',
        );
      }
      const changes = new CaseChanges(TenantScope.of(envelope.tenantId), {
        id: envelope.id,
        correlationId: envelope.correlationId,
      });
      let outcome: PaymentEffectOutcome;
      try {
        outcome = await apply(manager, changes, message, new Date(envelope.time));
      } catch (error) {
        if (error instanceof PaymentContractBreach) {
          throw new PermanentEventError(error.message, error.code);
        }
        throw error;
      }
      await this.writer.write(manager, changes);
      this.onOutcome(message.$typeName, outcome);
    };
  }
}
