import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { caseV1 } from '@clement/contracts';
import { ContentType, type EventContext, PermanentEventError } from '@clement/messaging';
import { CaseEventsConsumer } from './case-events.consumer';
import type { ContactProjection } from './contact-projection';

function fakeProjection(): jest.Mocked<ContactProjection> {
  const applied = () => jest.fn().mockResolvedValue('applied');
  return {
    contactPointsChanged: applied(),
    holdPlaced: applied(),
    holdLifted: applied(),
    vulnerabilityFlagged: applied(),
    caseStatusChanged: applied(),
    creditorPaymentReported: applied(),
    debtorErased: applied(),
  } as unknown as jest.Mocked<ContactProjection>;
}

function context(tenantId: string, partitionKey: string): EventContext {
  return {
    envelope: {
      id: 'e-1',
      source: '/clement/case-service',
      type: 'x',
      time: new Date().toISOString(),
      contentType: ContentType.protobuf,
      tenantId,
      partitionKey,
      correlationId: 'e-1',
    },
    manager: {} as EventContext['manager'],
    position: { topic: 't', partition: 0, offset: '0', timestamp: '0' },
    followUps: { publish: jest.fn() },
  };
}

async function deliver<S extends DescMessage>(
  consumer: CaseEventsConsumer,
  schema: S,
  message: MessageShape<S>,
  ctx: EventContext,
): Promise<void> {
  const handler = consumer.handlers().handlerFor(schema.typeName);
  if (!handler) throw new Error(`no handler for ${schema.typeName}`);
  await handler(message, ctx);
}

describe('CaseEventsConsumer', () => {
  const status = create(caseV1.CaseStatusChangedSchema, {
    caseId: 'c-1',
    debtorId: 'd-1',
    previousStatus: caseV1.CaseStatus.PLACED,
    status: caseV1.CaseStatus.ACTIVE,
  });

  it('applies a valid event in the tenant of its envelope', async () => {
    const projection = fakeProjection();
    const outcomes: string[] = [];
    const consumer = new CaseEventsConsumer(projection, (type, outcome) =>
      outcomes.push(`${type}:${outcome}`),
    );

    await deliver(consumer, caseV1.CaseStatusChangedSchema, status, context('acme', 'acme:d-1'));

    expect(projection.caseStatusChanged).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ tenantId: 'acme' }),
      { caseId: 'c-1', debtorId: 'd-1', status: 'CASE_STATUS_ACTIVE' },
    );
    expect(outcomes).toEqual(['clement.case.v1.CaseStatusChanged:applied']);
  });

  it('dead-letters an event keyed by something else than "<tenant>:<debtor id>"', async () => {
    const consumer = new CaseEventsConsumer(fakeProjection());

    await expect(
      deliver(consumer, caseV1.CaseStatusChangedSchema, status, context('acme', 'acme:c-1')),
    ).rejects.toMatchObject({ name: 'PermanentEventError', code: 'bad_partition_key' });
  });

  it('dead-letters an event of a malformed tenant', async () => {
    const consumer = new CaseEventsConsumer(fakeProjection());

    await expect(
      deliver(consumer, caseV1.CaseStatusChangedSchema, status, context('Acme Bank', 'x:d-1')),
    ).rejects.toMatchObject({ code: 'invalid_tenant' });
  });

  it('dead-letters an event breaking its contract, with the reason', async () => {
    const consumer = new CaseEventsConsumer(fakeProjection());
    const lifted = create(caseV1.HoldLiftedSchema, { caseId: 'c-1', debtorId: 'd-1', holdId: 'h' });

    const failure = deliver(consumer, caseV1.HoldLiftedSchema, lifted, context('acme', 'acme:d-1'));

    await expect(failure).rejects.toBeInstanceOf(PermanentEventError);
    await expect(failure).rejects.toMatchObject({
      code: 'invalid_event',
      message: 'lifted_at: is required',
    });
  });

  it('maps CasePlaced and CaseResolved to their statuses, payments with their instant', async () => {
    const projection = fakeProjection();
    const consumer = new CaseEventsConsumer(projection);
    const ctx = context('acme', 'acme:d-1');
    const paidAt = new Date('2026-11-30T08:00:00Z');

    await deliver(
      consumer,
      caseV1.CasePlacedSchema,
      create(caseV1.CasePlacedSchema, { caseId: 'c-1', debtorId: 'd-1' }),
      ctx,
    );
    await deliver(
      consumer,
      caseV1.CaseResolvedSchema,
      create(caseV1.CaseResolvedSchema, { caseId: 'c-1', debtorId: 'd-1' }),
      ctx,
    );
    await deliver(
      consumer,
      caseV1.CreditorPaymentReportedSchema,
      create(caseV1.CreditorPaymentReportedSchema, {
        caseId: 'c-1',
        debtorId: 'd-1',
        paidAt: timestampFromDate(paidAt),
        reversed: true,
      }),
      ctx,
    );

    expect(projection.caseStatusChanged.mock.calls.map((call) => call[2].status)).toEqual([
      'CASE_STATUS_PLACED',
      'CASE_STATUS_RESOLVED',
    ]);
    expect(projection.creditorPaymentReported).toHaveBeenCalledWith(
      expect.anything(),
      expect.anything(),
      { caseId: 'c-1', debtorId: 'd-1', paidAt, reversed: true },
    );
  });
});
