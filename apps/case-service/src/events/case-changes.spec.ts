import { create } from '@bufbuild/protobuf';
import { caseV1, topicCatalogue } from '@clement/contracts';
import { TenantScope } from '../tenancy/tenant-scope';
import { CaseChanges } from './case-changes';

const scope = TenantScope.of('acme-bank');

function contactPointsChanged() {
  return create(caseV1.ContactPointsChangedSchema, {
    debtorId: 'd-1',
    contactPoints: [
      {
        contactPointId: 'cp-1',
        kind: caseV1.ContactPointKind.MOBILE,
        value: { ciphertext: new Uint8Array([1, 2, 3]), keyId: 'dk_1', algorithm: 'AES-256-GCM' },
      },
    ],
  });
}

describe('CaseChanges', () => {
  it('keys case events by tenant and Clement debtor id, and CRM events by the creditor id', () => {
    const changes = new CaseChanges(scope, { id: 'evt-1', correlationId: 'run-7' });
    changes.caseEvent(caseV1.ContactPointsChangedSchema, contactPointsChanged(), {
      debtorId: 'd-1',
    });
    changes.crmOutbound(
      topicCatalogue.crmOutbound.messages[0],
      create(topicCatalogue.crmOutbound.messages[0]),
      'C-42',
    );

    expect(changes.events.map((event) => [event.topic.name, event.metadata.partitionKey])).toEqual([
      [topicCatalogue.caseEvents.name, 'acme-bank:d-1'],
      [topicCatalogue.crmOutbound.name, 'acme-bank:C-42'],
    ]);
    expect(changes.events.every((event) => event.metadata.causationId === 'evt-1')).toBe(true);
    expect(changes.events.every((event) => event.metadata.correlationId === 'run-7')).toBe(true);
  });

  it('derives event ids from the cause, so handling an event again yields the same ids', () => {
    const ids = () => {
      const changes = new CaseChanges(scope, { id: 'evt-1' });
      changes.caseEvent(caseV1.ContactPointsChangedSchema, contactPointsChanged(), {
        debtorId: 'd-1',
      });
      changes.caseEvent(caseV1.ContactPointsChangedSchema, contactPointsChanged(), {
        debtorId: 'd-1',
      });
      return changes.events.map((event) => event.metadata.id);
    };

    const first = ids();
    expect(first).toEqual(ids());
    expect(new Set(first).size).toBe(2);
    for (const id of first)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = new CaseChanges(scope, { id: 'evt-2' });
    other.caseEvent(caseV1.ContactPointsChangedSchema, contactPointsChanged(), { debtorId: 'd-1' });
    expect(first).not.toContain(other.events[0]?.metadata.id);
  });

  it('keeps only a summary of encrypted payloads in the history, and the rest as JSON', () => {
    const changes = new CaseChanges(scope);
    changes.caseEvent(caseV1.ContactPointsChangedSchema, contactPointsChanged(), {
      debtorId: 'd-1',
    });
    changes.caseEvent(
      caseV1.CaseStatusChangedSchema,
      create(caseV1.CaseStatusChangedSchema, {
        caseId: 'c-1',
        debtorId: 'd-1',
        previousStatus: caseV1.CaseStatus.PLACED,
        status: caseV1.CaseStatus.ON_HOLD,
      }),
      { debtorId: 'd-1', caseId: 'c-1' },
    );

    expect(changes.history.map((entry) => entry.details)).toEqual([
      { contactPoints: 1 },
      expect.objectContaining({
        previousStatus: 'CASE_STATUS_PLACED',
        status: 'CASE_STATUS_ON_HOLD',
      }),
    ]);
    expect(changes.history[1]).toMatchObject({ caseId: 'c-1', debtorId: 'd-1' });
    expect(changes.events[1]?.metadata.subject).toBe('case/c-1');
  });
});
