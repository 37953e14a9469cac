import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { caseV1, topicCatalogue } from '@clement/contracts';
import {
  type EventContext,
  handlersFor,
  PermanentEventError,
  type TopicHandlers,
} from '@clement/messaging';
import type { SqlRunner } from '@clement/persistence';
import {
  currencyOf,
  invalidEvent,
  minorUnits,
  requiredDate,
  requiredText,
} from '../shared/event-fields';
import type { CaseProjection, PlacedAccount } from './case-projection';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

type Apply<M> = (
  db: SqlRunner,
  tenantId: string,
  message: M,
  context: EventContext,
) => Promise<void>;

/**
 * The Kafka edge of the case projection: checks what the case contract promises (a tenant, the
 * `<tenant>:<debtor id>` key, valid fields), maps each event and hands it to CaseProjection in
 * the consumer's transaction. A broken promise is dead-lettered with the reason.
 */
export class CaseEventsConsumer {
  constructor(private readonly projection: CaseProjection) {}

  handlers(): TopicHandlers<typeof topicCatalogue.caseEvents> {
    const p = this.projection;
    return handlersFor(topicCatalogue.caseEvents)
      .on(
        caseV1.CasePlacedSchema,
        this.handle(caseV1.CasePlacedSchema, (db, tenantId, m) => {
          const currency = currencyOf('total_balance.currency', m.totalBalance?.currency);
          return p.casePlaced(db, tenantId, {
            caseId: requiredText('case_id', m.caseId),
            debtorId: m.debtorId,
            currency,
            placedAt: requiredDate('placed_at', m.placedAt),
            accounts: m.accounts.map((account, i) =>
              accountOf(account, currency, `accounts[${i}]`),
            ),
          });
        }),
      )
      .on(
        caseV1.BalanceChangedSchema,
        this.handle(caseV1.BalanceChangedSchema, (db, tenantId, m, context) => {
          if (!m.account) throw invalidEvent('account: is required');
          const currency = currencyOf('total_balance.currency', m.totalBalance?.currency);
          return p.balanceChanged(db, tenantId, {
            eventId: context.envelope.id,
            caseId: requiredText('case_id', m.caseId),
            currency,
            account: accountOf(m.account, currency, 'account'),
            previousBalanceMinor: minorUnits('previous_balance', m.previousBalance?.amountMinor),
            ownPayment:
              m.reason === caseV1.BalanceChangeReason.PAYMENT ||
              m.reason === caseV1.BalanceChangeReason.PAYMENT_REVERSED,
            at: new Date(context.envelope.time),
          });
        }),
      )
      .on(
        caseV1.CreditorPaymentReportedSchema,
        this.handle(caseV1.CreditorPaymentReportedSchema, (db, tenantId, m) =>
          p.creditorPaymentReported(db, tenantId, {
            caseId: requiredText('case_id', m.caseId),
            debtorId: m.debtorId,
            accountId: requiredText('account_id', m.accountId),
            reference: requiredText('creditor_payment_reference', m.creditorPaymentReference),
            amountMinor: minorUnits('amount', m.amount?.amountMinor, { positive: true }),
            currency: currencyOf('amount.currency', m.amount?.currency),
            paidAt: requiredDate('paid_at', m.paidAt),
            reversed: m.reversed,
          }),
        ),
      )
      .on(
        caseV1.ContactPointsChangedSchema,
        this.handle(caseV1.ContactPointsChangedSchema, async (db, tenantId, m) => {
          const zoned = m.contactPoints.filter((point) => point.timeZone);
          const zone = (zoned.find((point) => point.preferred) ?? zoned[0])?.timeZone;
          if (zone && isTimeZone(zone)) await p.timeZoneKnown(db, tenantId, m.debtorId, zone);
        }),
      )
      .on(
        caseV1.CaseResolvedSchema,
        this.handle(caseV1.CaseResolvedSchema, (db, tenantId, m) =>
          p.caseResolved(db, tenantId, requiredText('case_id', m.caseId)),
        ),
      )
      .on(
        caseV1.DebtorErasedSchema,
        this.handle(caseV1.DebtorErasedSchema, (db, tenantId, m) =>
          p.debtorErased(db, tenantId, m.debtorId),
        ),
      );
  }

  private handle<S extends DescMessage>(
    _schema: S,
    apply: Apply<MessageShape<S> & { debtorId: string }>,
  ): (message: MessageShape<S>, context: EventContext) => Promise<void> {
    return async (message, context) => {
      const { envelope, manager } = context;
      const event = message as MessageShape<S> & { debtorId: string };
      if (!TENANT_ID.test(envelope.tenantId)) {
        throw new PermanentEventError(
          `ce_tenantid: "${envelope.tenantId}" is not a tenant id`,
          'invalid_tenant',
        );
      }
      if (!event.debtorId) throw invalidEvent('debtor_id: is required');
      const expectedKey = `${envelope.tenantId}:${event.debtorId}`;
      if (envelope.partitionKey !== expectedKey) {
        throw new PermanentEventError(
          `ce_partitionkey: must be "<tenant>:<debtor_id>" ("${expectedKey}")`,
          'bad_partition_key',
        );
      }
      await apply(manager, envelope.tenantId, event, context);
    };
  }
}

function accountOf(account: caseV1.CaseAccount, currency: string, at: string): PlacedAccount {
  const balanceCurrency = currencyOf(
    `${at}.current_balance.currency`,
    account.currentBalance?.currency,
  );
  if (balanceCurrency !== currency) {
    throw invalidEvent(`${at}.current_balance.currency: must be the case's ${currency}`);
  }
  return {
    accountId: requiredText(`${at}.account_id`, account.accountId),
    accountReference: account.accountReference,
    productType: account.productType,
    daysPastDue: account.daysPastDue,
    currentBalanceMinor: minorUnits(`${at}.current_balance`, account.currentBalance?.amountMinor),
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
