import {
  caseV1,
  dispatchV1,
  paymentV1,
  portalV1,
  strategyV1,
  topicCatalogue,
} from '@clement/contracts';
import {
  type EventContext,
  type EventTopic,
  type HandledEvent,
  handlersFor,
  PermanentEventError,
  type TopicHandlers,
} from '@clement/messaging';
import type { AdvanceJourney, AnnouncedEvent } from './advance-journey.use-case';
import type { Clock } from './clock';
import * as map from './domain/event-mapping';

type Mapper<M> = (message: M, context: map.MappingContext) => map.JourneyEvent | undefined;

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * The Kafka edge of the engine: checks what the contracts promise (a tenant, the
 * `<tenant>:<debtor id>` key, valid fields), maps each event onto the engine's and hands it to
 * AdvanceJourney in the consumer's transaction. A broken promise is dead-lettered with the reason.
 */
export class JourneyEventsConsumer {
  /** Each handler's mapper, so a batch can be mapped before its handlers run. */
  private readonly mappers = new Map<unknown, Mapper<unknown>>();

  constructor(
    private readonly advance: AdvanceJourney,
    private readonly clock: Clock,
  ) {}

  subscriptions(): TopicHandlers<EventTopic>[] {
    const topics = [
      handlersFor(topicCatalogue.caseEvents)
        .on(caseV1.CasePlacedSchema, this.via(map.casePlaced))
        .on(caseV1.BalanceChangedSchema, this.via(map.balanceChanged))
        .on(caseV1.HoldPlacedSchema, this.via(map.holdPlaced))
        .on(caseV1.HoldLiftedSchema, this.via(map.holdLifted))
        .on(caseV1.VulnerabilityFlaggedSchema, this.via(map.vulnerabilityFlagged))
        .on(caseV1.ContactPointsChangedSchema, this.via(map.contactPointsChanged))
        .on(caseV1.CaseResolvedSchema, this.via(map.caseResolved))
        .on(caseV1.DebtorErasedSchema, this.via(map.debtorErased))
        .on(caseV1.CreditorPaymentReportedSchema, this.via(map.creditorPaymentReported)),
      handlersFor(topicCatalogue.dispatchEvents)
        .on(dispatchV1.MessageSentSchema, this.via(map.messageSent))
        .on(dispatchV1.MessageDeliveredSchema, this.via(map.messageDelivered))
        .on(dispatchV1.MessageReadSchema, this.via(map.messageRead))
        .on(dispatchV1.LinkClickedSchema, this.via(map.linkClicked))
        .on(dispatchV1.MessageBlockedSchema, this.via(map.messageBlocked))
        .on(dispatchV1.MessageFailedSchema, this.via(map.messageFailed))
        .on(dispatchV1.MessageCancelledSchema, this.via(map.messageCancelled))
        .on(dispatchV1.MessageDeferredSchema, this.via(map.messageDeferred))
        .on(dispatchV1.MessageOutcomeUnknownSchema, this.via(map.messageOutcomeUnknown))
        .on(dispatchV1.ReplyReceivedSchema, this.via(map.replyReceived))
        .on(dispatchV1.ContactOptedOutSchema, this.via(map.contactOptedOut))
        .on(dispatchV1.ContactOptedInSchema, this.via(map.contactOptedIn)),
      handlersFor(topicCatalogue.paymentEvents)
        .on(paymentV1.PaymentSucceededSchema, this.via(map.paymentSucceeded))
        .on(paymentV1.PromiseMadeSchema, this.via(map.promiseMade))
        .on(paymentV1.PromiseKeptSchema, this.via(map.promiseKept))
        .on(paymentV1.PromiseBrokenSchema, this.via(map.promiseBroken))
        .on(paymentV1.PlanCreatedSchema, this.via(map.planCreated))
        .on(paymentV1.PlanChangedSchema, this.via(map.planChanged))
        .on(paymentV1.PlanBreachedSchema, this.via(map.planBreached))
        .on(paymentV1.PlanCompletedSchema, this.via(map.planCompleted))
        .on(paymentV1.PlanCancelledSchema, this.via(map.planCancelled)),
      handlersFor(topicCatalogue.portalEvents).on(
        portalV1.PortalVisitedSchema,
        this.via(map.portalVisited),
      ),
      // The service's own topic: a completed agent task moves the case on (the API only records it).
      handlersFor(topicCatalogue.strategyEvents).on(
        strategyV1.AgentTaskCompletedSchema,
        this.via(map.agentTaskCompleted),
      ),
    ];
    // Per transaction: lock every journey the batch touches at once, write them once at the end.
    return topics.map((handlers) =>
      (handlers as unknown as TopicHandlers<EventTopic>)
        .beforeBatch((manager, events) =>
          this.advance.prepare(manager, this.announce(handlers, events)),
        )
        .beforeCommit((manager) => this.advance.flush(manager)),
    );
  }

  /** The handler that maps a message with `mapper`, then advances the journeys it is about. */
  private via<M>(mapper: Mapper<M>): (message: M, context: EventContext) => Promise<void> {
    const handler = (message: M, context: EventContext) => this.handle(mapper, message, context);
    this.mappers.set(handler, mapper as Mapper<unknown>);
    return handler;
  }

  /**
   * What the batch's events are about, for locking up front. An event that does not map is left
   * out here: its handler dead-letters it.
   */
  private announce(
    handlers: { handlerFor(type: string): unknown },
    events: readonly HandledEvent[],
  ): AnnouncedEvent[] {
    const now = this.clock().getTime();
    return events.flatMap(({ envelope, message }) => {
      const mapper = this.mappers.get(handlers.handlerFor(envelope.type));
      if (!mapper || !TENANT_ID.test(envelope.tenantId)) return [];
      try {
        const target = mapper(message, { tenantId: envelope.tenantId, eventId: envelope.id, now });
        return target?.debtorId &&
          envelope.partitionKey === `${envelope.tenantId}:${target.debtorId}`
          ? [{ tenantId: envelope.tenantId, target }]
          : [];
      } catch {
        return [];
      }
    });
  }

  private async handle<M>(mapper: Mapper<M>, message: M, context: EventContext): Promise<void> {
    const { envelope, manager } = context;
    const tenantId = envelope.tenantId;
    if (!TENANT_ID.test(tenantId)) {
      throw new PermanentEventError(
        `ce_tenantid: "${tenantId}" is not a tenant id`,
        'invalid_tenant',
      );
    }
    let target: map.JourneyEvent | undefined;
    try {
      target = mapper(message, {
        tenantId,
        eventId: envelope.id,
        now: this.clock().getTime(),
      });
    } catch (error: unknown) {
      if (error instanceof map.InvalidJourneyEventError) {
        throw new PermanentEventError(error.message, 'invalid_event');
      }
      throw error;
    }
    if (!target) return;
    if (!target.debtorId) throw new PermanentEventError('debtor_id: is required', 'invalid_event');
    const expectedKey = `${tenantId}:${target.debtorId}`;
    if (envelope.partitionKey !== expectedKey) {
      // The key orders one debtor's events; a wrong one could reorder them silently.
      throw new PermanentEventError(
        `ce_partitionkey: must be "<tenant>:<debtor_id>" ("${expectedKey}")`,
        'bad_partition_key',
      );
    }
    await this.advance.onEvent(manager, tenantId, target, {
      eventId: envelope.id,
      ...(envelope.correlationId ? { correlationId: envelope.correlationId } : {}),
    });
  }
}
