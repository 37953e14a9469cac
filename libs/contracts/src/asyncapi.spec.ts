import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromJson, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { parse } from 'yaml';
import { topicCatalogue, type TopicDefinition } from './topics';

/** The checked-in document; check-generated.sh proves it matches the contracts. */
const documentPath = path.resolve(__dirname, '../../../docs/asyncapi/crm.asyncapi.yaml');

type Schema = { [key: string]: unknown };
interface Example {
  headers: Record<string, string>;
  payload: JsonValue;
}
interface AsyncApiMessage {
  name: string;
  contentType: string;
  headers: Schema;
  payload: Schema;
  examples: Example[];
}
interface AsyncApiDocument {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { messages: Record<string, AsyncApiMessage>; schemas: Record<string, Schema> };
}

const doc = parse(readFileSync(documentPath, 'utf8')) as AsyncApiDocument;
const crmTopics: readonly TopicDefinition[] = [
  topicCatalogue.crmInbound,
  topicCatalogue.crmOutbound,
];

/** A small JSON Schema check covering what the generator emits: $ref, type, enum, const, properties, items. */
function violations(schema: Schema, value: unknown, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    return target === undefined
      ? [`${at}: unresolved ${schema.$ref}`]
      : violations(target, value, at);
  }
  if (Array.isArray(schema.allOf)) {
    return (schema.allOf as Schema[]).flatMap((part) => violations(part, value, at));
  }
  const problems: string[] = [];
  const type = schema.type;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const expected = type === 'integer' ? 'number' : type;
  if (typeof type === 'string' && actual !== expected) return [`${at}: ${actual} is not ${type}`];
  if (type === 'integer' && !Number.isInteger(value)) problems.push(`${at}: not an integer`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${at}: not in enum`);
  if ('const' in schema && schema.const !== value)
    problems.push(`${at}: not ${String(schema.const)}`);
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(String(value))) {
    problems.push(`${at}: does not match ${schema.pattern}`);
  }
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(String(value)))) {
    problems.push(`${at}: not a date-time`);
  }
  if (type === 'object' && typeof value === 'object' && value !== null) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const record = value as Record<string, unknown>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in record)) problems.push(`${at}.${key}: required`);
    }
    for (const [key, item] of Object.entries(record)) {
      const property = properties[key];
      if (property === undefined) {
        if (schema.additionalProperties === false) problems.push(`${at}.${key}: not allowed`);
      } else {
        problems.push(...violations(property, item, `${at}.${key}`));
      }
    }
  }
  if (type === 'array' && Array.isArray(value)) {
    value.forEach((item, index) => {
      problems.push(...violations(schema.items as Schema, item, `${at}[${index}]`));
    });
  }
  return problems;
}

const catalogueMessages = crmTopics.flatMap((topic) =>
  topic.messages.map((schema: DescMessage) => [schema.typeName, schema, topic] as const),
);

describe('docs/asyncapi/crm.asyncapi.yaml', () => {
  it('is an AsyncAPI 3 document with one channel per CRM topic and its operation', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const addresses = Object.values(doc.channels).map((channel) => channel.address);
    expect(addresses).toEqual(
      expect.arrayContaining(['crm.inbound.events.v1', 'crm.outbound.events.v1']),
    );
    expect(doc.operations.sendCrmInbound).toMatchObject({
      action: 'send',
      channel: { $ref: '#/channels/crmInbound' },
    });
    expect(doc.operations.receiveCrmOutbound).toMatchObject({ action: 'receive' });
  });

  it('lists every catalogue message of the CRM topics on its channel, and nothing else', () => {
    for (const topic of crmTopics) {
      const channel = Object.values(doc.channels).find((c) => c.address === topic.name);
      const refs = Object.values(channel?.messages ?? {}).map((message) => message.$ref);
      expect(refs).toEqual(
        topic.messages.map((schema) => `#/components/messages/${schema.typeName}`),
      );
    }
    expect(Object.keys(doc.components.messages).sort()).toEqual(
      catalogueMessages.map(([typeName]) => typeName).sort(),
    );
  });

  it.each(catalogueMessages)(
    '%s has an example that decodes with fromJson and matches its schemas',
    (typeName, schema, topic) => {
      const message = doc.components.messages[typeName];
      expect(message.examples).toHaveLength(1);
      const [example] = message.examples;
      // Decoding rejects unknown fields, wrong types and bad enum names.
      const decoded = fromJson(schema, example.payload);
      expect(toJson(schema, decoded)).toEqual(example.payload);
      expect(violations(message.payload, example.payload)).toEqual([]);
      expect(violations(message.headers, example.headers)).toEqual([]);
      expect(example.headers.ce_type).toBe(typeName);
      expect(example.headers.ce_partitionkey).toBe(
        `${example.headers.ce_tenantid}:${(example.payload as { creditorDebtorId: string }).creditorDebtorId}`,
      );
      expect(message.contentType).toBe(
        topic.acceptsJson ? 'application/json' : 'application/protobuf',
      );
    },
  );

  it('describes the protobuf JSON mapping: camelCase names, int64 as strings, enums by name', () => {
    const upserted = doc.components.schemas['clement.crm.v1.DebtorUpserted'] as {
      properties: Record<string, Schema>;
    };
    expect(Object.keys(upserted.properties)).toContain('creditorDebtorId');
    expect(upserted.properties.sourceVersion).toMatchObject({ type: 'string', format: 'int64' });
    expect(upserted.properties.kind).toEqual(
      expect.objectContaining({ $ref: '#/components/schemas/clement.crm.v1.DebtorKind' }),
    );
    expect(doc.components.schemas['clement.crm.v1.DebtorKind']).toMatchObject({
      type: 'string',
      enum: ['DEBTOR_KIND_UNSPECIFIED', 'DEBTOR_KIND_PERSON', 'DEBTOR_KIND_ORGANISATION'],
    });
    const placed = doc.components.schemas['clement.crm.v1.HoldRequested'] as {
      properties: Record<string, Schema>;
    };
    expect(placed.properties.startsAt).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('rejects an example that breaks the schema (the checker is not vacuous)', () => {
    const message = doc.components.messages['clement.crm.v1.AccountUpdated'];
    const broken = { ...(message.examples[0].payload as object), balance: 10 };
    expect(violations(message.payload, broken)).toEqual(['$.balance: not allowed']);
    expect(violations(message.payload, { daysPastDue: '3' })).toEqual([
      '$.daysPastDue: string is not integer',
    ]);
    const wrongType = { ...message.examples[0].headers, ce_type: 'clement.crm.v1.AccountPlaced' };
    expect(violations(message.headers, wrongType)).toEqual([
      '$.ce_type: not clement.crm.v1.AccountUpdated',
    ]);
    const { ce_tenantid: _omitted, ...withoutTenant } = message.examples[0].headers;
    expect(violations(message.headers, withoutTenant)).toEqual(['$.ce_tenantid: required']);
  });
});
