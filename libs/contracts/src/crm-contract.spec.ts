import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { EncryptedValueSchema } from './gen/clement/common/v1/encrypted_value_pb';
import { MoneySchema } from './gen/clement/common/v1/money_pb';
import {
  CASE_EVENT_MESSAGES,
  CRM_INBOUND_MESSAGES,
  CRM_OUTBOUND_MESSAGES,
  DAY_MS,
  DLQ_RETENTION_MS,
  allTopicDefinitions,
  findTopic,
  topicCatalogue,
} from './topics';

function field(schema: DescMessage, name: string): DescField | undefined {
  return schema.fields.find((candidate) => candidate.name === name);
}

/** Every message reachable from a schema's fields, the schema included. */
function reachable(schema: DescMessage, seen = new Set<DescMessage>()): Set<DescMessage> {
  if (seen.has(schema)) return seen;
  seen.add(schema);
  for (const candidate of schema.fields) {
    if (candidate.message !== undefined) reachable(candidate.message, seen);
  }
  return seen;
}

const allEvents = [...CRM_INBOUND_MESSAGES, ...CRM_OUTBOUND_MESSAGES, ...CASE_EVENT_MESSAGES];

describe('CRM and case topics', () => {
  it('declares the CRM inbound, CRM outbound and case topics with their settings', () => {
    expect(topicCatalogue.crmInbound).toMatchObject({
      name: 'crm.inbound.events.v1',
      partitions: 12,
      retentionMs: 7 * DAY_MS,
      cleanupPolicy: 'delete',
      acceptsJson: true,
      messages: CRM_INBOUND_MESSAGES,
    });
    expect(topicCatalogue.crmOutbound).toMatchObject({
      name: 'crm.outbound.events.v1',
      partitions: 6,
      retentionMs: 7 * DAY_MS,
      acceptsJson: false,
      messages: CRM_OUTBOUND_MESSAGES,
    });
    expect(topicCatalogue.caseEvents).toMatchObject({
      name: 'case.internal.events.v1',
      partitions: 12,
      retentionMs: 30 * DAY_MS,
      acceptsJson: false,
      messages: CASE_EVENT_MESSAGES,
    });
  });

  it('gives each of them a dead-letter twin', () => {
    for (const name of [
      'crm.inbound.events.v1',
      'crm.outbound.events.v1',
      'case.internal.events.v1',
    ]) {
      expect(findTopic(`${name}.dlq`)).toMatchObject({ retentionMs: DLQ_RETENTION_MS });
    }
    expect(allTopicDefinitions().map((topic) => topic.name)).toContain('crm.inbound.events.v1.dlq');
  });

  it('lists the events the issue names, each once', () => {
    expect(CRM_INBOUND_MESSAGES.map((schema) => schema.name)).toEqual([
      'DebtorUpserted',
      'AccountPlaced',
      'AccountUpdated',
      'PaymentReported',
      'AccountRecalled',
      'ContactPointsChanged',
      'VulnerabilityReported',
      'HoldRequested',
      'HoldLifted',
    ]);
    expect(CASE_EVENT_MESSAGES.map((schema) => schema.typeName)).toContain(
      'clement.case.v1.DebtorErased',
    );
    expect(new Set(allEvents).size).toBe(allEvents.length);
  });
});

describe('the CRM inbound contract', () => {
  it.each(CRM_INBOUND_MESSAGES.map((schema) => [schema.name, schema] as const))(
    '%s carries the creditor debtor id and an int64 source_version',
    (_name, schema) => {
      expect(field(schema, 'creditor_debtor_id')).toMatchObject({
        fieldKind: 'scalar',
        scalar: ScalarType.STRING,
      });
      expect(field(schema, 'source_version')).toMatchObject({
        fieldKind: 'scalar',
        scalar: ScalarType.INT64,
      });
    },
  );

  it('identifies each versioned entity by a creditor reference', () => {
    const accountEvents = CRM_INBOUND_MESSAGES.filter((schema) =>
      ['AccountPlaced', 'AccountUpdated', 'AccountRecalled', 'PaymentReported'].includes(
        schema.name,
      ),
    );
    for (const schema of accountEvents) {
      expect({ [schema.name]: field(schema, 'account_reference')?.scalar }).toEqual({
        [schema.name]: ScalarType.STRING,
      });
    }
    const paymentReported = CRM_INBOUND_MESSAGES.find((s) => s.name === 'PaymentReported')!;
    expect(field(paymentReported, 'creditor_payment_reference')).toBeDefined();
    for (const schema of CRM_INBOUND_MESSAGES.filter((s) => s.name.startsWith('Hold'))) {
      expect({ [schema.name]: field(schema, 'creditor_hold_reference')?.scalar }).toEqual({
        [schema.name]: ScalarType.STRING,
      });
    }
  });
});

describe('the CRM outbound contract', () => {
  it.each(CRM_OUTBOUND_MESSAGES.map((schema) => [schema.name, schema] as const))(
    '%s carries the creditor debtor id so the CRM can apply it',
    (_name, schema) => {
      expect(field(schema, 'creditor_debtor_id')?.scalar).toBe(ScalarType.STRING);
      expect(field(schema, 'case_id')?.scalar).toBe(ScalarType.STRING);
    },
  );
});

describe('every CRM and case event', () => {
  const fields = allEvents.flatMap((schema) =>
    [...reachable(schema)].flatMap((message) =>
      message.fields.map((candidate) => ({
        where: `${message.typeName}.${candidate.name}`,
        candidate,
      })),
    ),
  );

  it('keeps money in clement.common.v1.Money, never in a bare number', () => {
    const moneyish = fields.filter(({ candidate }) =>
      /(amount|balance|collected)$/.test(candidate.name),
    );
    expect(moneyish.length).toBeGreaterThan(10);
    for (const { where, candidate } of moneyish) {
      expect({ where, type: candidate.message?.typeName }).toEqual({
        where,
        type: MoneySchema.typeName,
      });
    }
  });

  it('types instants (`*_at`) as Timestamps and calendar dates (`*_date`) as strings', () => {
    for (const { where, candidate } of fields) {
      if (candidate.name.endsWith('_at')) {
        expect({ where, type: candidate.message?.typeName }).toEqual({
          where,
          type: 'google.protobuf.Timestamp',
        });
      }
      if (candidate.name.endsWith('_date') || candidate.name === 'date_of_birth') {
        expect({ where, scalar: candidate.scalar }).toEqual({ where, scalar: ScalarType.STRING });
      }
    }
  });
});

describe('case events', () => {
  const caseMessages = new Set(CASE_EVENT_MESSAGES.flatMap((schema) => [...reachable(schema)]));

  it('carry no plaintext personal data', () => {
    const pii = /name|birth|e164|email|phone|address|postal/;
    for (const message of caseMessages) {
      for (const candidate of message.fields) {
        if (candidate.message?.typeName === EncryptedValueSchema.typeName) continue;
        expect({
          field: `${message.typeName}.${candidate.name}`,
          pii: pii.test(candidate.name),
        }).toEqual({
          field: `${message.typeName}.${candidate.name}`,
          pii: false,
        });
      }
    }
    expect([...caseMessages].map((m) => m.typeName)).not.toContain(
      'clement.common.v1.PostalAddress',
    );
  });

  it('carry contact point addresses only as EncryptedValue', () => {
    const contactPointsChanged = CASE_EVENT_MESSAGES.find(
      (s) => s.name === 'ContactPointsChanged',
    )!;
    const contactPoint = field(contactPointsChanged, 'contact_points')?.message;
    expect(contactPoint?.typeName).toBe('clement.case.v1.ContactPoint');
    expect(field(contactPoint!, 'value')?.message).toBe(EncryptedValueSchema);
    expect(EncryptedValueSchema.fields.map((f) => f.name)).toEqual([
      'ciphertext',
      'key_id',
      'algorithm',
    ]);
  });
});
