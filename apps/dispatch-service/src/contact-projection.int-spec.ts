import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  caseV1,
  ConsentStatus,
  ContactChannel,
  EncryptedValueSchema,
  HoldKind,
  topicCatalogue,
  VulnerabilityCategory,
} from '@clement/contracts';
import { ContentType, envelopeToHeaders } from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { randomUUID } from 'node:crypto';
import {
  type DispatchServiceHarness,
  startDispatchService,
} from './__fixtures__/dispatch-service-harness';
import { ContactProjection } from './contact-projection/contact-projection';
import { CASE_EVENTS_GROUP } from './contact-projection/contact-projection.module';
import { ContactProjectionRepository } from './contact-projection/contact-projection.repository';
import { contactStateFor } from './contact-projection/domain/contact-state';
import type { DebtorProjection } from './contact-projection/domain/debtor-projection';
import { TenantScope } from './tenancy/tenant-scope';

jest.setTimeout(120_000);

let service: DispatchServiceHarness;
let projection: ContactProjection;
let repository: ContactProjectionRepository;
const tenant = uniqueName('tenant')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');
const otherTenant = uniqueName('other')
  .toLowerCase()
  .replace(/[^a-z0-9-]/g, '-');

beforeAll(async () => {
  service = await startDispatchService({
    schema: uniqueName('dispatch_it')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
  });
  projection = service.app.get(ContactProjection);
  repository = service.app.get(ContactProjectionRepository);
});

afterAll(async () => {
  await service?.close();
});

// ---- publishing like case-service's outbox relay ----------------------------------------------

async function publish<S extends DescMessage>(
  tenantId: string,
  schema: S,
  message: MessageShape<S>,
): Promise<string> {
  const debtorId = (message as unknown as { debtorId: string }).debtorId;
  const id = randomUUID();
  const partitionKey = `${tenantId}:${debtorId}`;
  const headers = envelopeToHeaders({
    id,
    source: '/clement/case-service',
    type: schema.typeName,
    time: new Date().toISOString(),
    tenantId,
    partitionKey,
    correlationId: id,
    contentType: ContentType.protobuf,
  });
  const producer = service.kafka.producer();
  await producer.connect();
  try {
    await producer.send([
      {
        topic: topicCatalogue.caseEvents.name,
        key: partitionKey,
        value: Buffer.from(toBinary(schema, message)),
        headers,
      },
    ]);
  } finally {
    await producer.disconnect();
  }
  return id;
}

function stateOf(tenantId: string, debtorId: string): Promise<DebtorProjection> {
  return projection.current(service.dataSource.manager, TenantScope.of(tenantId), debtorId);
}

/** Waits until the consumer group has handled (and committed) the event. */
async function processed(eventId: string): Promise<void> {
  await eventually(async () => {
    const rows = await service.dataSource.query(
      `SELECT 1 FROM "${service.config.DATABASE_SCHEMA}"."inbox"
        WHERE "consumer_group" = $1 AND "event_id" = $2`,
      [CASE_EVENTS_GROUP, eventId],
    );
    expect(rows).toHaveLength(1);
  });
}

function encrypted(text: string) {
  return create(EncryptedValueSchema, {
    ciphertext: new TextEncoder().encode(`sealed:${text}`),
    keyId: 'dk-1',
    algorithm: 'AES-256-GCM',
  });
}

const ts = (iso: string) => timestampFromDate(new Date(iso));

function contactPoints(
  debtorId: string,
  points: { id: string; zone: string; sms?: ConsentStatus }[],
) {
  return create(caseV1.ContactPointsChangedSchema, {
    debtorId,
    preferredLanguage: 'es-ES',
    contactPoints: points.map((point, index) => ({
      contactPointId: point.id,
      kind: index === 0 ? caseV1.ContactPointKind.MOBILE : caseV1.ContactPointKind.EMAIL,
      value: encrypted(point.id),
      timeZone: point.zone,
      preferred: index === 0,
      consents: point.sms
        ? [
            {
              channel: ContactChannel.SMS,
              status: point.sms,
              recordedAt: ts('2026-11-20T10:00:00Z'),
            },
          ]
        : [],
    })),
  });
}

describe('contact projection fed by case events', () => {
  it('replaces the contact points with each complete set, keeping the ciphertext as received', async () => {
    const debtorId = randomUUID();
    await publish(
      tenant,
      caseV1.ContactPointsChangedSchema,
      contactPoints(debtorId, [
        { id: 'cp-old-mobile', zone: 'Europe/Madrid' },
        { id: 'cp-old-email', zone: 'Europe/Madrid' },
      ]),
    );
    // The file's first event also waits for the consumer group to join (slow on a busy machine).
    await eventually(
      async () => {
        expect((await stateOf(tenant, debtorId)).contactPoints).toHaveLength(2);
      },
      { timeoutMs: 30_000 },
    );

    await publish(
      tenant,
      caseV1.ContactPointsChangedSchema,
      contactPoints(debtorId, [
        { id: 'cp-new-mobile', zone: 'Atlantic/Canary', sms: ConsentStatus.WITHDRAWN },
      ]),
    );

    await eventually(async () => {
      const state = await stateOf(tenant, debtorId);
      expect(state.contactPoints.map((point) => point.contactPointId)).toEqual(['cp-new-mobile']);
    });
    const state = await stateOf(tenant, debtorId);
    expect(state).toMatchObject({
      preferredLanguage: 'es-ES',
      contactPoints: [
        {
          kind: 'mobile',
          timeZone: 'Atlantic/Canary',
          preferred: true,
          consents: [
            { channel: 'sms', status: 'withdrawn', recordedAt: new Date('2026-11-20T10:00:00Z') },
          ],
        },
      ],
    });
    expect(fromBinary(EncryptedValueSchema, state.contactPoints[0]!.value)).toMatchObject({
      keyId: 'dk-1',
      ciphertext: new TextEncoder().encode('sealed:cp-new-mobile'),
    });
    expect(
      contactStateFor(state, new Date('2026-11-30T12:00:00Z'), { jurisdiction: 'EU_ES' }),
    ).toMatchObject({
      timeZones: ['Atlantic/Canary'],
      optEvents: [{ kind: 'opt_out', channel: 'sms', contactPointId: 'cp-new-mobile' }],
    });
    // Another tenant sees nothing of it.
    expect((await stateOf(otherTenant, debtorId)).contactPoints).toEqual([]);
  });

  it('places a hold, then marks it lifted; a replayed placement keeps it lifted', async () => {
    const debtorId = randomUUID();
    const caseId = randomUUID();
    const placed = create(caseV1.HoldPlacedSchema, {
      caseId,
      debtorId,
      holdId: 'hold-1',
      kind: HoldKind.DISPUTE,
      startsAt: ts('2026-11-01T00:00:00Z'),
    });
    await publish(tenant, caseV1.HoldPlacedSchema, placed);
    await eventually(async () => {
      expect((await stateOf(tenant, debtorId)).holds).toEqual([
        { holdId: 'hold-1', caseId, kind: 'dispute', startsAt: new Date('2026-11-01T00:00:00Z') },
      ]);
    });
    const now = new Date('2026-11-30T12:00:00Z');
    expect(
      contactStateFor(await stateOf(tenant, debtorId), now, { jurisdiction: 'EU_ES' }).holds,
    ).toEqual([{ kind: 'dispute', startsAt: new Date('2026-11-01T00:00:00Z') }]);

    await publish(
      tenant,
      caseV1.HoldLiftedSchema,
      create(caseV1.HoldLiftedSchema, {
        caseId,
        debtorId,
        holdId: 'hold-1',
        liftedAt: ts('2026-11-15T00:00:00Z'),
      }),
    );
    // The same placement again (as a new event): an upsert that must not revive the hold.
    await processed(await publish(tenant, caseV1.HoldPlacedSchema, placed));

    const state = await stateOf(tenant, debtorId);
    expect(state.holds).toHaveLength(1);
    expect(state.holds[0]?.liftedAt).toEqual(new Date('2026-11-15T00:00:00Z'));
    expect(contactStateFor(state, now, { jurisdiction: 'EU_ES' }).holds).toEqual([]);
  });

  it('sets the vulnerability categories, then clears them with an empty set', async () => {
    const debtorId = randomUUID();
    await publish(
      tenant,
      caseV1.VulnerabilityFlaggedSchema,
      create(caseV1.VulnerabilityFlaggedSchema, {
        debtorId,
        categories: [VulnerabilityCategory.HEALTH, VulnerabilityCategory.LIFE_EVENT],
        reviewDate: '2027-03-01',
      }),
    );
    await eventually(async () => {
      expect((await stateOf(tenant, debtorId)).vulnerability).toEqual({
        categories: ['health', 'life_event'],
        reviewDate: '2027-03-01',
      });
    });

    await publish(
      tenant,
      caseV1.VulnerabilityFlaggedSchema,
      create(caseV1.VulnerabilityFlaggedSchema, { debtorId, categories: [] }),
    );

    await eventually(async () => {
      expect((await stateOf(tenant, debtorId)).vulnerability).toEqual({ categories: [] });
    });
  });

  it('keeps case states and the last creditor payment, ignoring reversals', async () => {
    const debtorId = randomUUID();
    const caseId = randomUUID();
    const scope = TenantScope.of(tenant);
    await publish(
      tenant,
      caseV1.CasePlacedSchema,
      create(caseV1.CasePlacedSchema, { caseId, debtorId }),
    );
    await publish(
      tenant,
      caseV1.CaseStatusChangedSchema,
      create(caseV1.CaseStatusChangedSchema, {
        caseId,
        debtorId,
        previousStatus: caseV1.CaseStatus.PLACED,
        status: caseV1.CaseStatus.ACTIVE,
      }),
    );
    const payment = {
      caseId,
      debtorId,
      accountId: 'a-1',
      creditorPaymentReference: 'p-1',
      amount: { amountMinor: 1000n, currency: 'EUR' },
    };
    await publish(
      tenant,
      caseV1.CreditorPaymentReportedSchema,
      create(caseV1.CreditorPaymentReportedSchema, {
        ...payment,
        paidAt: ts('2026-11-20T09:00:00Z'),
      }),
    );
    await publish(
      tenant,
      caseV1.CreditorPaymentReportedSchema,
      create(caseV1.CreditorPaymentReportedSchema, {
        ...payment,
        paidAt: ts('2026-11-25T09:00:00Z'),
        reversed: true,
      }),
    );
    await publish(
      tenant,
      caseV1.CaseResolvedSchema,
      create(caseV1.CaseResolvedSchema, {
        caseId,
        debtorId,
        resolution: caseV1.CaseResolution.PAID_IN_FULL,
      }),
    );

    await eventually(async () => {
      expect(await repository.caseState(service.dataSource.manager, scope, caseId)).toEqual({
        caseId,
        debtorId,
        status: 'CASE_STATUS_RESOLVED',
        lastPaymentAt: new Date('2026-11-20T09:00:00Z'),
      });
    });
  });

  it('drops the contact points of an erased debtor and ignores later sets', async () => {
    const debtorId = randomUUID();
    await publish(
      tenant,
      caseV1.ContactPointsChangedSchema,
      contactPoints(debtorId, [{ id: 'cp-mobile', zone: 'Europe/Madrid' }]),
    );
    await eventually(async () => {
      expect((await stateOf(tenant, debtorId)).contactPoints).toHaveLength(1);
    });

    await publish(
      tenant,
      caseV1.DebtorErasedSchema,
      create(caseV1.DebtorErasedSchema, {
        debtorId,
        keyId: 'dk-1',
        erasedAt: ts('2026-11-30T08:00:00Z'),
      }),
    );
    await processed(
      await publish(
        tenant,
        caseV1.ContactPointsChangedSchema,
        contactPoints(debtorId, [{ id: 'cp-late', zone: 'Europe/Madrid' }]),
      ),
    );

    await eventually(async () => {
      expect(await stateOf(tenant, debtorId)).toMatchObject({
        erasedAt: new Date('2026-11-30T08:00:00Z'),
        contactPoints: [],
      });
    });
    const rows = await service.dataSource.query(
      `SELECT count(*)::int AS n FROM "${service.config.DATABASE_SCHEMA}"."contact_points"
        WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [tenant, debtorId],
    );
    expect(rows[0].n).toBe(0);
    const debtor = await service.dataSource.query(
      `SELECT "preferred_language" FROM "${service.config.DATABASE_SCHEMA}"."debtor_contacts"
        WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [tenant, debtorId],
    );
    expect(debtor).toEqual([{ preferred_language: null }]);
  });
});
