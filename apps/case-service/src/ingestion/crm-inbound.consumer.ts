import type { MessageShape } from '@bufbuild/protobuf';
import {
  type CrmInboundMessage,
  crmInboundProblems,
  crmV1,
  describeProblems,
  isCrmInboundMessage,
  topicCatalogue,
} from '@clement/contracts';
import {
  type EventContext,
  type HandledEvent,
  handlersFor,
  PermanentEventError,
  type TopicHandlers,
} from '@clement/messaging';
import { CaseChanges } from '../events/case-changes';
import type { CaseChangeWriter } from '../events/case-change-writer';
import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantDirectory } from '../tenancy/tenant-directory';
import { TenantScope } from '../tenancy/tenant-scope';
import type { CrmIngestion, IngestOutcome } from './crm-ingestion';

type Apply<M> = (db: SqlRunner, changes: CaseChanges, message: M) => Promise<IngestOutcome>;

/**
 * The Kafka edge of CRM ingestion: checks what the contract promises (a known tenant, the partition
 * key, valid fields) and hands the event to CrmIngestion. A broken promise is permanent: the event
 * goes to the dead-letter topic with the reason, and nothing of it is applied.
 */
export class CrmInboundConsumer {
  constructor(
    private readonly ingestion: CrmIngestion,
    private readonly tenants: TenantDirectory,
    private readonly writer: CaseChangeWriter,
    private readonly onOutcome: (type: string, outcome: IngestOutcome) => void = () => undefined,
  ) {}

  /** `topic` is the catalogue's CRM inbound topic; benchmarks pass a renamed copy of it. */
  handlers(
    topic: typeof topicCatalogue.crmInbound = topicCatalogue.crmInbound,
  ): TopicHandlers<typeof topicCatalogue.crmInbound> {
    const i = this.ingestion;
    // Events other than new debtors and placements work on the database directly: the batch's
    // pending rows are written first.
    const settled =
      <M>(apply: Apply<M>): Apply<M> =>
      async (db, changes, message) => {
        await i.settle(db);
        return apply(db, changes, message);
      };
    return handlersFor(topic)
      .beforeBatch((manager, events) => this.prefetch(manager, events))
      .beforeCommit((manager) => this.flush(manager))
      .on(
        crmV1.DebtorUpsertedSchema,
        this.handle((db, c, m) => i.debtorUpserted(db, c, m)),
      )
      .on(
        crmV1.AccountPlacedSchema,
        this.handle((db, c, m) => i.accountPlaced(db, c, m)),
      )
      .on(
        crmV1.AccountUpdatedSchema,
        this.handle((db, c, m) => i.accountUpdated(db, c, m)),
      )
      .on(
        crmV1.PaymentReportedSchema,
        this.handle(settled((db, c, m) => i.paymentReported(db, c, m))),
      )
      .on(
        crmV1.AccountRecalledSchema,
        this.handle(settled((db, c, m) => i.accountRecalled(db, c, m))),
      )
      .on(
        crmV1.ContactPointsChangedSchema,
        this.handle(settled((db, c, m) => i.contactPointsChanged(db, c, m))),
      )
      .on(
        crmV1.VulnerabilityReportedSchema,
        this.handle(settled((db, c, m) => i.vulnerabilityReported(db, c, m))),
      )
      .on(crmV1.HoldRequestedSchema, this.handle(settled((db, c, m) => i.holdRequested(db, c, m))))
      .on(crmV1.HoldLiftedSchema, this.handle(settled((db, c, m) => i.holdLifted(db, c, m))));
  }

  private handle<M extends CrmInboundMessage>(
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
      const problems = crmInboundProblems(message);
      if (problems.length > 0) {
        throw new PermanentEventError(describeProblems(problems), 'invalid_event');
      }
      const expectedKey = `${envelope.tenantId}:${message.creditorDebtorId}`;
      if (envelope.partitionKey !== expectedKey) {
        // The key orders one debtor's events; a wrong one could reorder them silently.
        throw new PermanentEventError(
          `ce_partitionkey: must be "<tenant>:<creditor_debtor_id>" ("${expectedKey}")`,
          'bad_partition_key',
        );
      }
      const changes = new CaseChanges(TenantScope.of(envelope.tenantId), {
        id: envelope.id,
        correlationId: envelope.correlationId,
      });
      const outcome = await apply(manager, changes, message);
      this.pendingOf(manager).push(changes);
      this.onOutcome(message.$typeName, outcome);
    };
  }

  // Per transaction (the manager is the transaction's): the changes of its events, written with
  // one outbox and one history statement before it commits. A rollback drops them with it.
  private readonly pending = new WeakMap<object, CaseChanges[]>();

  private pendingOf(manager: object): CaseChanges[] {
    let list = this.pending.get(manager);
    if (!list) {
      list = [];
      this.pending.set(manager, list);
    }
    return list;
  }

  private async flush(manager: SqlRunner & object): Promise<void> {
    await this.ingestion.settle(manager);
    const list = this.pending.get(manager);
    this.pending.delete(manager);
    if (list) await this.writer.writeAll(manager, list);
  }

  /** Loads the debtors, accounts and open cases the batch's events refer to, for known tenants. */
  private async prefetch(manager: SqlRunner, events: readonly HandledEvent[]): Promise<void> {
    const known: { tenantId: string; message: CrmInboundMessage }[] = [];
    for (const { envelope, message } of events) {
      if (!isCrmInboundMessage(message)) continue;
      if (await this.tenants.isKnown(manager, envelope.tenantId)) {
        known.push({ tenantId: envelope.tenantId, message });
      }
    }
    await this.ingestion.prefetch(manager, known);
  }
}

export type { MessageShape };
