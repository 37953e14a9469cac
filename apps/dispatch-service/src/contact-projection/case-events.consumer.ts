import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { caseV1, topicCatalogue } from '@clement/contracts';
import {
  type EventContext,
  handlersFor,
  PermanentEventError,
  type TopicHandlers,
} from '@clement/messaging';
import type { SqlRunner } from '../persistence/sql-runner';
import { TENANT_ID_PATTERN, TenantScope } from '../tenancy/tenant-scope';
import {
  caseStatusName,
  contactPointsOf,
  holdOf,
  InvalidCaseEventError,
  requiredDate,
  vulnerabilityOf,
} from './case-event-mapping';
import type { ChangeOutcome, ContactProjection } from './contact-projection';

type Apply<M> = (db: SqlRunner, scope: TenantScope, message: M) => Promise<ChangeOutcome>;

/**
 * The Kafka edge of the contact projection: checks what the case contract promises (a tenant,
 * the `<tenant>:<debtor id>` key, valid fields), maps the event and hands it to ContactProjection.
 * A broken promise is permanent: the event is dead-lettered with the reason, nothing applied.
 */
export class CaseEventsConsumer {
  constructor(
    private readonly projection: ContactProjection,
    private readonly onOutcome: (type: string, outcome: ChangeOutcome) => void = () => undefined,
  ) {}

  handlers(): TopicHandlers<typeof topicCatalogue.caseEvents> {
    const p = this.projection;
    const caseStatus = (
      db: SqlRunner,
      scope: TenantScope,
      message: { caseId: string; debtorId: string },
      status: caseV1.CaseStatus,
    ): Promise<ChangeOutcome> => {
      if (!message.caseId) throw new InvalidCaseEventError('case_id: is required');
      return p.caseStatusChanged(db, scope, {
        caseId: message.caseId,
        debtorId: message.debtorId,
        status: caseStatusName(status),
      });
    };
    return handlersFor(topicCatalogue.caseEvents)
      .on(
        caseV1.ContactPointsChangedSchema,
        this.handle(caseV1.ContactPointsChangedSchema, (db, scope, m) =>
          p.contactPointsChanged(db, scope, {
            debtorId: m.debtorId,
            contactPoints: contactPointsOf(m),
            ...(m.preferredLanguage ? { preferredLanguage: m.preferredLanguage } : {}),
          }),
        ),
      )
      .on(
        caseV1.HoldPlacedSchema,
        this.handle(caseV1.HoldPlacedSchema, (db, scope, m) =>
          p.holdPlaced(db, scope, { debtorId: m.debtorId, hold: holdOf(m) }),
        ),
      )
      .on(
        caseV1.HoldLiftedSchema,
        this.handle(caseV1.HoldLiftedSchema, (db, scope, m) => {
          if (!m.holdId || !m.caseId) {
            throw new InvalidCaseEventError('hold_id and case_id are required');
          }
          return p.holdLifted(db, scope, {
            debtorId: m.debtorId,
            caseId: m.caseId,
            holdId: m.holdId,
            liftedAt: requiredDate('lifted_at', m.liftedAt),
          });
        }),
      )
      .on(
        caseV1.VulnerabilityFlaggedSchema,
        this.handle(caseV1.VulnerabilityFlaggedSchema, (db, scope, m) =>
          p.vulnerabilityFlagged(db, scope, {
            debtorId: m.debtorId,
            vulnerability: vulnerabilityOf(m),
          }),
        ),
      )
      .on(
        caseV1.CasePlacedSchema,
        this.handle(caseV1.CasePlacedSchema, (db, scope, m) =>
          caseStatus(db, scope, m, caseV1.CaseStatus.PLACED),
        ),
      )
      .on(
        caseV1.CaseStatusChangedSchema,
        this.handle(caseV1.CaseStatusChangedSchema, (db, scope, m) =>
          caseStatus(db, scope, m, m.status),
        ),
      )
      .on(
        caseV1.CaseResolvedSchema,
        this.handle(caseV1.CaseResolvedSchema, (db, scope, m) =>
          caseStatus(db, scope, m, caseV1.CaseStatus.RESOLVED),
        ),
      )
      .on(
        caseV1.CreditorPaymentReportedSchema,
        this.handle(caseV1.CreditorPaymentReportedSchema, (db, scope, m) => {
          if (!m.caseId) throw new InvalidCaseEventError('case_id: is required');
          return p.creditorPaymentReported(db, scope, {
            caseId: m.caseId,
            debtorId: m.debtorId,
            paidAt: requiredDate('paid_at', m.paidAt),
            reversed: m.reversed,
          });
        }),
      )
      .on(
        caseV1.DebtorErasedSchema,
        this.handle(caseV1.DebtorErasedSchema, (db, scope, m) =>
          p.debtorErased(db, scope, {
            debtorId: m.debtorId,
            erasedAt: requiredDate('erased_at', m.erasedAt),
          }),
        ),
      );
  }

  private handle<S extends DescMessage>(
    schema: S,
    apply: Apply<MessageShape<S> & { debtorId: string }>,
  ): (message: MessageShape<S>, context: EventContext) => Promise<void> {
    return async (message, context) => {
      const { envelope, manager } = context;
      const event = message as MessageShape<S> & { debtorId: string };
      if (!TENANT_ID_PATTERN.test(envelope.tenantId)) {
        throw new PermanentEventError(
          `ce_tenantid: "${envelope.tenantId}" is not a tenant id`,
          'invalid_tenant',
        );
      }
      if (!event.debtorId) {
        throw new PermanentEventError('debtor_id: is required', 'invalid_event');
      }
      const scope = TenantScope.of(envelope.tenantId);
      const expectedKey = scope.key(event.debtorId);
      if (envelope.partitionKey !== expectedKey) {
        // The key orders one debtor's events; a wrong one could reorder them silently.
        throw new PermanentEventError(
          `ce_partitionkey: must be "<tenant>:<debtor_id>" ("${expectedKey}")`,
          'bad_partition_key',
        );
      }
      let outcome: ChangeOutcome;
      try {
        outcome = await apply(manager, scope, event);
      } catch (error: unknown) {
        if (error instanceof InvalidCaseEventError) {
          throw new PermanentEventError(error.message, 'invalid_event');
        }
        throw error;
      }
      this.onOutcome(schema.typeName, outcome);
    };
  }
}
