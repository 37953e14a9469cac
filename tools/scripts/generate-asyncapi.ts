/**
 * Writes docs/asyncapi/crm.asyncapi.yaml, the AsyncAPI 3.0 contract for creditor integrators, from
 * the topic catalogue and the protobuf descriptors in @clement/contracts. Payload schemas are the
 * JSON Schema of the protobuf JSON mapping; descriptions are the .proto comments (read from a
 * `buf build` image, because generated code carries no comments); every example is built with
 * `create` + `toJson`, so it is valid by construction. Run through tools/scripts/codegen.sh.
 *
 *   npx tsx tools/scripts/generate-asyncapi.ts [--out <file>]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  create,
  fromBinary,
  ScalarType,
  toJson,
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  type JsonValue,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import {
  FileDescriptorSetSchema,
  timestampFromDate,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import {
  ActorKind,
  ConsentStatus,
  ContactChannel,
  ContactPointSource,
  crmV1,
  HoldKind,
  topicCatalogue,
  VulnerabilityCategory,
  type TopicDefinition,
} from '@clement/contracts';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';

const repoRoot = path.resolve(__dirname, '../..');
const defaultOut = path.join(repoRoot, 'docs/asyncapi/crm.asyncapi.yaml');

const TENANT = 'acme-bank';
const CREDITOR_DEBTOR_ID = 'C-102938';
const PARTITION_KEY = `${TENANT}:${CREDITOR_DEBTOR_ID}`;
const at = (iso: string) => timestampFromDate(new Date(iso));
const gbp = (amountMinor: bigint) => ({ amountMinor, currency: 'GBP' });

type Schema = Record<string, unknown>;
type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Examples: one per event, in the same order as the topic catalogue lists them.
// ---------------------------------------------------------------------------------------------

interface Example<S extends DescMessage = DescMessage> {
  readonly schema: S;
  readonly summary: string;
  readonly init: MessageInitShape<S>;
}

function example<S extends DescMessage>(
  schema: S,
  summary: string,
  init: MessageInitShape<S>,
): Example {
  return { schema, summary, init } as unknown as Example;
}

const mobile = {
  e164: '+447700900123',
  type: crmV1.PhoneType.MOBILE,
  source: ContactPointSource.CREDITOR_VERIFIED,
  consents: [
    {
      channel: ContactChannel.SMS,
      status: ConsentStatus.GRANTED,
      recordedAt: at('2024-03-01T10:00:00Z'),
    },
    { channel: ContactChannel.VOICE, status: ConsentStatus.WITHDRAWN },
  ],
  timeZone: 'Europe/London',
  preferred: true,
};
const contactPoints = {
  phones: [mobile],
  emails: [
    {
      address: 'jane.doe@example.com',
      source: ContactPointSource.DEBTOR_PROVIDED,
      consents: [{ channel: ContactChannel.EMAIL, status: ConsentStatus.GRANTED }],
      timeZone: 'Europe/London',
    },
  ],
  postalAddresses: [
    {
      address: {
        addressLines: ['Flat 2', '10 High Street'],
        locality: 'Leeds',
        postalCode: 'LS1 4AB',
        countryCode: 'GB',
      },
      source: ContactPointSource.DEBTOR_PROVIDED,
      timeZone: 'Europe/London',
      preferred: true,
    },
  ],
};
const accountReference = 'CC-4455-01';
const caseId = '0b4c1c5e-8f0e-4a8b-9d1e-2f6f1f3b7a10';
const portalDebtor = { kind: ActorKind.DEBTOR, id: 'a3d1c0f2-5b7e-4c1a-9e2d-7f6b5a4c3d21' };

const EXAMPLES: readonly Example[] = [
  example(crmV1.DebtorUpsertedSchema, 'A person with a mobile, an email and an address.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    sourceVersion: 1732350000000n,
    kind: crmV1.DebtorKind.PERSON,
    name: { givenNames: 'Jane', familyName: 'Doe' },
    dateOfBirth: '1984-07-21',
    preferredLanguage: 'en-GB',
    contactPoints,
  }),
  example(crmV1.AccountPlacedSchema, 'A credit card placed 45 days past due.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReference,
    sourceVersion: 1732350000000n,
    productType: crmV1.ProductType.CREDIT_CARD,
    productName: 'Acme Platinum Card',
    originalBalance: gbp(250_000n),
    currentBalance: gbp(184_250n),
    daysPastDue: 45,
    placementDate: '2026-11-23',
  }),
  example(crmV1.AccountUpdatedSchema, 'Interest added: a new balance and arrears.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReference,
    sourceVersion: 1732436400000n,
    currentBalance: gbp(186_010n),
    daysPastDue: 46,
  }),
  example(crmV1.PaymentReportedSchema, 'The debtor paid the creditor directly by card.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReference,
    sourceVersion: 1732440000000n,
    creditorPaymentReference: 'PAY-2026-000123',
    amount: gbp(50_000n),
    paidAt: at('2026-11-24T09:12:00Z'),
    method: crmV1.PaymentMethod.CARD,
    status: crmV1.PaymentReportStatus.RECEIVED,
  }),
  example(crmV1.AccountRecalledSchema, 'The creditor takes the account back after a complaint.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReference,
    sourceVersion: 1732500000000n,
    reason: crmV1.RecallReason.COMPLAINT,
    effectiveAt: at('2026-11-25T00:00:00Z'),
  }),
  example(crmV1.ContactPointsChangedSchema, 'The debtor now has only a mobile number.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    sourceVersion: 1732443600000n,
    contactPoints: { phones: [mobile] },
  }),
  example(crmV1.VulnerabilityReportedSchema, 'The creditor records a recent bereavement.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    sourceVersion: 1732447200000n,
    categories: [VulnerabilityCategory.LIFE_EVENT],
    identifiedAt: at('2026-11-20T14:00:00Z'),
    reviewDate: '2027-02-20',
  }),
  example(crmV1.HoldRequestedSchema, 'A 60-day breathing space on every account.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    sourceVersion: 1732450800000n,
    creditorHoldReference: 'BS-7781',
    kind: HoldKind.BREATHING_SPACE,
    startsAt: at('2026-11-24T00:00:00Z'),
    endsAt: at('2027-01-23T00:00:00Z'),
  }),
  example(crmV1.HoldLiftedSchema, 'The breathing space ends early.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    sourceVersion: 1733000000000n,
    creditorHoldReference: 'BS-7781',
    liftedAt: at('2026-12-01T00:00:00Z'),
  }),
  example(crmV1.ArrangementMadeSchema, 'A six-month payment plan agreed on the portal.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReferences: [accountReference],
    caseId,
    arrangementId: '5f2e7d1c-3b4a-4c5d-8e9f-0a1b2c3d4e5f',
    kind: crmV1.ArrangementKind.PAYMENT_PLAN,
    totalAmount: gbp(186_010n),
    instalmentAmount: gbp(31_002n),
    instalmentCount: 6,
    frequency: crmV1.InstalmentFrequency.MONTHLY,
    firstDueDate: '2026-12-01',
    agreedBy: portalDebtor,
  }),
  example(crmV1.PromiseMadeSchema, 'A promise to pay £200 by Friday.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReferences: [accountReference],
    caseId,
    promiseId: '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    amount: gbp(20_000n),
    dueDate: '2026-11-27',
    recordedBy: portalDebtor,
  }),
  example(crmV1.PromiseKeptSchema, 'The promise was paid in full.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReferences: [accountReference],
    caseId,
    promiseId: '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    amountPaid: gbp(20_000n),
    keptAt: at('2026-11-26T18:40:00Z'),
  }),
  example(crmV1.PromiseBrokenSchema, 'Only part of the promise was paid.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReferences: [accountReference],
    caseId,
    promiseId: '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    amountPaid: gbp(5_000n),
    amountMissing: gbp(15_000n),
  }),
  example(crmV1.PaymentReceivedSchema, 'The first instalment of the plan.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    caseId,
    paymentId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    amount: gbp(31_002n),
    allocations: [{ accountReference, amount: gbp(31_002n) }],
    receivedAt: at('2026-12-01T07:02:11Z'),
    method: crmV1.PaymentMethod.DIRECT_DEBIT,
    arrangementId: '5f2e7d1c-3b4a-4c5d-8e9f-0a1b2c3d4e5f',
  }),
  example(crmV1.PaymentReversedSchema, "The debtor's bank returned that direct debit.", {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    caseId,
    paymentId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    reversalId: 'return-col_8f3a2b1c9d0e4f5a',
    kind: crmV1.PaymentReversalKind.CHARGEBACK,
    amount: gbp(31_002n),
    allocations: [{ accountReference, amount: gbp(31_002n) }],
    reversedAt: at('2026-12-04T06:00:00Z'),
  }),
  example(crmV1.ContactOutcomeRecordedSchema, 'An agent spoke to the debtor.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    caseId,
    attemptId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
    channel: ContactChannel.VOICE,
    outcome: crmV1.ContactOutcome.RIGHT_PARTY_CONTACT,
    occurredAt: at('2026-11-24T10:15:00Z'),
  }),
  example(crmV1.OptOutRecordedSchema, 'The debtor replied STOP to an SMS.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    caseId,
    channel: ContactChannel.SMS,
    address: '+447700900123',
    method: crmV1.OptOutMethod.KEYWORD,
    optedOutAt: at('2026-11-24T08:31:05Z'),
  }),
  example(crmV1.VulnerabilityDisclosedSchema, 'The debtor told us about a health condition.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    caseId,
    categories: [VulnerabilityCategory.HEALTH],
    disclosedAt: at('2026-11-24T19:05:00Z'),
    recordedBy: portalDebtor,
  }),
  example(crmV1.HoldPlacedSchema, 'The debtor disputed the balance on the portal.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReferences: [accountReference],
    caseId,
    holdId: '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9',
    kind: HoldKind.DISPUTE,
    startsAt: at('2026-11-24T19:10:00Z'),
    placedBy: portalDebtor,
  }),
  example(crmV1.HoldEndedSchema, 'The dispute was resolved.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    caseId,
    holdId: '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9',
    endedAt: at('2026-11-30T12:00:00Z'),
  }),
  example(crmV1.CaseResolvedSchema, 'Paid in full.', {
    creditorDebtorId: CREDITOR_DEBTOR_ID,
    accountReferences: [accountReference],
    caseId,
    resolution: crmV1.Resolution.PAID_IN_FULL,
    totalCollected: gbp(186_010n),
    resolvedAt: at('2027-05-01T07:03:40Z'),
  }),
];

// ---------------------------------------------------------------------------------------------
// Comments from the .proto sources.
// ---------------------------------------------------------------------------------------------

/** The source files as `buf build` sees them, with comments (source code info). */
function sourceFiles(): Map<string, FileDescriptorProto> {
  const dir = mkdtempSync(path.join(tmpdir(), 'clement-asyncapi-'));
  try {
    const image = path.join(dir, 'image.binpb');
    execFileSync(path.join(repoRoot, 'node_modules/.bin/buf'), ['build', '-o', image], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const set = fromBinary(FileDescriptorSetSchema, readFileSync(image));
    return new Map(set.file.map((file) => [file.name, file]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DESCRIPTOR_MESSAGE_TYPE = 4;
const DESCRIPTOR_ENUM_TYPE = 5;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED_TYPE = 3;
const MESSAGE_ENUM_TYPE = 4;
const ENUM_VALUE = 2;

class Comments {
  constructor(private readonly files: Map<string, FileDescriptorProto>) {}

  message(desc: DescMessage): string | undefined {
    return this.find(desc.file, this.messagePath(desc));
  }

  field(desc: DescField): string | undefined {
    const index = desc.parent.proto.field.indexOf(desc.proto);
    return this.find(desc.parent.file, [...this.messagePath(desc.parent), MESSAGE_FIELD, index]);
  }

  enum(desc: DescEnum): string | undefined {
    return this.find(desc.file, this.enumPath(desc));
  }

  private messagePath(desc: DescMessage): number[] {
    if (desc.parent === undefined) {
      return [DESCRIPTOR_MESSAGE_TYPE, desc.file.proto.messageType.indexOf(desc.proto)];
    }
    const index = desc.parent.proto.nestedType.indexOf(desc.proto);
    return [...this.messagePath(desc.parent), MESSAGE_NESTED_TYPE, index];
  }

  private enumPath(desc: DescEnum): number[] {
    if (desc.parent === undefined) {
      return [DESCRIPTOR_ENUM_TYPE, desc.file.proto.enumType.indexOf(desc.proto)];
    }
    const index = desc.parent.proto.enumType.indexOf(desc.proto);
    return [...this.messagePath(desc.parent), MESSAGE_ENUM_TYPE, index];
  }

  enumValues(desc: DescEnum): Record<string, string> {
    const values: Record<string, string> = {};
    desc.values.forEach((value, index) => {
      const comment = this.find(desc.file, [...this.enumPath(desc), ENUM_VALUE, index]);
      if (comment !== undefined) values[value.name] = comment;
    });
    return values;
  }

  private find(file: DescFile, sourcePath: readonly number[]): string | undefined {
    const location = this.files
      .get(file.proto.name)
      ?.sourceCodeInfo?.location.find(
        (candidate) =>
          candidate.path.length === sourcePath.length &&
          candidate.path.every((part, index) => part === sourcePath[index]),
      );
    const text = location?.leadingComments
      .split('\n')
      .map((line) => line.replace(/^ /, ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text === undefined || text === '' ? undefined : text;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema of the protobuf JSON mapping.
// ---------------------------------------------------------------------------------------------

const TIMESTAMP = 'google.protobuf.Timestamp';
const INT64_PATTERN = '^-?[0-9]+$';
const UINT64_PATTERN = '^[0-9]+$';

function scalarSchema(scalar: ScalarType): Schema {
  switch (scalar) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: 'number' };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', format: 'int32', minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: 'string', format: 'int64', pattern: INT64_PATTERN };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'int64', pattern: UINT64_PATTERN };
  }
}

class SchemaBuilder {
  readonly schemas: Record<string, Schema> = {};

  constructor(private readonly comments: Comments) {}

  ref(desc: DescMessage | DescEnum): Schema {
    if (desc.kind === 'message' && desc.typeName === TIMESTAMP) {
      return { type: 'string', format: 'date-time' };
    }
    if (!(desc.typeName in this.schemas)) {
      this.schemas[desc.typeName] = {};
      this.schemas[desc.typeName] =
        desc.kind === 'message' ? this.messageSchema(desc) : this.enumSchema(desc);
    }
    return { $ref: `#/components/schemas/${desc.typeName}` };
  }

  private messageSchema(desc: DescMessage): Schema {
    const properties: Record<string, Schema> = {};
    for (const field of desc.fields) {
      const description = this.comments.field(field);
      properties[field.jsonName] = {
        ...this.fieldSchema(field),
        ...(description === undefined ? {} : { description }),
      };
    }
    return withDescription(
      { type: 'object', additionalProperties: false, properties },
      this.comments.message(desc),
    );
  }

  private enumSchema(desc: DescEnum): Schema {
    const values = this.comments.enumValues(desc);
    return withDescription(
      {
        type: 'string',
        enum: desc.values.map((value) => value.name),
        ...(Object.keys(values).length === 0 ? {} : { 'x-enum-descriptions': values }),
      },
      this.comments.enum(desc),
    );
  }

  private fieldSchema(field: DescField): Schema {
    switch (field.fieldKind) {
      case 'scalar':
        return scalarSchema(field.scalar);
      case 'enum':
        return this.ref(field.enum);
      case 'message':
        return this.ref(field.message);
      case 'list':
        return {
          type: 'array',
          items: this.elementSchema(field.listKind, field.scalar, field.enum, field.message),
        };
      case 'map':
        return {
          type: 'object',
          additionalProperties: this.elementSchema(
            field.mapKind,
            field.scalar,
            field.enum,
            field.message,
          ),
        };
    }
  }

  private elementSchema(
    kind: 'scalar' | 'enum' | 'message',
    scalar: ScalarType | undefined,
    enumDesc: DescEnum | undefined,
    message: DescMessage | undefined,
  ): Schema {
    if (kind === 'enum' && enumDesc !== undefined) return this.ref(enumDesc);
    if (kind === 'message' && message !== undefined) return this.ref(message);
    if (scalar !== undefined) return scalarSchema(scalar);
    throw new Error(`unsupported ${kind} element`);
  }
}

function withDescription(schema: Schema, description: string | undefined): Schema {
  return description === undefined ? schema : { description, ...schema };
}

// ---------------------------------------------------------------------------------------------
// The document.
// ---------------------------------------------------------------------------------------------

const KAFKA_BINDING_VERSION = '0.5.0';

interface ChannelSpec {
  readonly id: string;
  readonly topic: TopicDefinition;
  /** From the integrator's point of view. */
  readonly action: 'send' | 'receive';
  readonly contentType: string;
  readonly source: string;
}

const CHANNELS: readonly ChannelSpec[] = [
  {
    id: 'crmInbound',
    topic: topicCatalogue.crmInbound,
    action: 'send',
    contentType: 'application/json',
    source: `/crm/${TENANT}`,
  },
  {
    id: 'crmOutbound',
    topic: topicCatalogue.crmOutbound,
    action: 'receive',
    contentType: 'application/protobuf',
    source: '/clement/case-service',
  },
];

const HEADERS_SCHEMA = 'CloudEventsHeaders';

/** The CloudEvents headers every CRM record carries; each message narrows ce_type and content-type. */
function cloudEventsHeaders(): Schema {
  const header = (description: string, extra: Schema = {}): Schema => ({
    type: 'string',
    description,
    ...extra,
  });
  return {
    type: 'object',
    description: 'CloudEvents 1.0 attributes as Kafka headers (binary content mode).',
    required: [
      'ce_specversion',
      'ce_id',
      'ce_source',
      'ce_type',
      'ce_time',
      'content-type',
      'ce_tenantid',
      'ce_partitionkey',
    ],
    properties: {
      ce_specversion: header('CloudEvents version.', { const: '1.0' }),
      ce_id: header(
        'Unique per ce_source (a UUID); a redelivery with the same ce_source and ce_id is applied once.',
      ),
      ce_source: header('Who emitted the event, e.g. /crm/<tenant> or /clement/case-service.'),
      ce_type: header('The protobuf full name of the payload.'),
      ce_time: header('When it happened, RFC 3339 (UTC).', { format: 'date-time' }),
      'content-type': header('How the record value is encoded.', {
        enum: ['application/json', 'application/protobuf'],
      }),
      ce_tenantid: header('The creditor (tenant) id Clement gave you.'),
      ce_partitionkey: header(
        '<tenant>:<creditor debtor id>; must equal the Kafka record key so one debtor stays in order.',
      ),
      ce_subject: header('Optional: the creditor debtor id (never a name, email or phone).'),
      ce_causationid: header('Optional: ce_id of the event that caused this one.'),
      ce_correlationid: header(
        'Optional: ce_id of the first event of the chain; defaults to ce_id.',
      ),
      traceparent: header('Optional: W3C Trace Context of the producing span.'),
    },
  };
}

function headersSchema(typeName: string, contentTypes: readonly string[]): Schema {
  return {
    allOf: [
      { $ref: `#/components/schemas/${HEADERS_SCHEMA}` },
      {
        type: 'object',
        properties: {
          ce_type: { type: 'string', const: typeName },
          'content-type': { type: 'string', enum: [...contentTypes] },
        },
      },
    ],
  };
}

function exampleHeaders(
  channel: ChannelSpec,
  typeName: string,
  index: number,
): Record<string, string> {
  const id = `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
  return {
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: channel.source,
    ce_type: typeName,
    ce_time: '2026-11-24T08:30:00Z',
    'content-type': channel.contentType,
    ce_tenantid: TENANT,
    ce_partitionkey: PARTITION_KEY,
    ce_subject: CREDITOR_DEBTOR_ID,
  };
}

function buildDocument(): Schema {
  const comments = new Comments(sourceFiles());
  const schemas = new SchemaBuilder(comments);
  const messages: Record<string, Schema> = {};
  const channels: Record<string, Schema> = {};
  const operations: Record<string, Schema> = {};
  let exampleIndex = 0;

  for (const channel of CHANNELS) {
    const { topic } = channel;
    const channelMessages: Record<string, Schema> = {};
    const contentTypes = topic.acceptsJson
      ? ['application/json', 'application/protobuf']
      : ['application/protobuf'];
    for (const schema of topic.messages) {
      const found = EXAMPLES.find((candidate) => candidate.schema === schema);
      if (found === undefined) throw new Error(`no example for ${schema.typeName}`);
      const payload = toJson(schema, create(schema, found.init)) as JsonObject;
      messages[schema.typeName] = {
        name: schema.name,
        title: schema.name,
        ...(comments.message(schema) === undefined ? {} : { summary: comments.message(schema) }),
        contentType: channel.contentType,
        headers: headersSchema(schema.typeName, contentTypes),
        payload: schemas.ref(schema),
        bindings: {
          kafka: {
            key: { type: 'string', description: '<tenant>:<creditor debtor id>' },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
        examples: [
          {
            name: schema.name,
            summary: found.summary,
            headers: exampleHeaders(channel, schema.typeName, exampleIndex++),
            payload,
          },
        ],
      };
      channelMessages[schema.name] = { $ref: `#/components/messages/${schema.typeName}` };
    }
    const bindings = {
      kafka: {
        topic: topic.name,
        partitions: topic.partitions,
        topicConfiguration: {
          'cleanup.policy': [topic.cleanupPolicy],
          'retention.ms': topic.retentionMs,
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    };
    channels[channel.id] = {
      address: topic.name,
      title: topic.name,
      description: `${topic.description} Content types: ${contentTypes.join(', ')}.`,
      messages: channelMessages,
      bindings,
    };
    operations[`${channel.action}${capitalise(channel.id)}`] = {
      action: channel.action,
      channel: { $ref: `#/channels/${channel.id}` },
      summary:
        channel.action === 'send'
          ? 'Publish CRM changes for Clement to apply.'
          : 'Read collection outcomes and apply them to the CRM.',
      messages: Object.keys(channelMessages).map((name) => ({
        $ref: `#/channels/${channel.id}/messages/${name}`,
      })),
    };
    if (channel.action === 'send') {
      const dlq = `${channel.id}Dlq`;
      channels[dlq] = {
        address: `${topic.name}.dlq`,
        title: `${topic.name}.dlq`,
        description:
          `Records of ${topic.name} that Clement rejected, unchanged, with dlq-reason, ` +
          'dlq-error-type, dlq-attempts and dlq-original-topic|partition|offset headers.',
        messages: channelMessages,
      };
      operations[`receive${capitalise(dlq)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${dlq}` },
        summary: 'Inspect rejected events (dead letters) to fix and republish them.',
        messages: Object.keys(channelMessages).map((name) => ({
          $ref: `#/channels/${dlq}/messages/${name}`,
        })),
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Clement CRM integration',
      version: '1.0.0',
      description: [
        "How a creditor's CRM exchanges events with Clement, written from the integrator's side:",
        'you send to crm.inbound.events.v1 and receive from crm.outbound.events.v1.',
        'Every record is a CloudEvents 1.0 event in Kafka binary mode: attributes in ce_ headers,',
        'the payload in the record value, the Kafka key equal to ce_partitionkey',
        '(<tenant>:<creditor debtor id>). Payload schemas show the protobuf JSON mapping of the',
        'messages in proto/clement/crm/v1/crm.proto (camelCase names, 64-bit integers as strings,',
        'enums as their names, timestamps as RFC 3339); inbound records may be that JSON or the',
        'protobuf binary, outbound records are protobuf binary. Every inbound event carries',
        'sourceVersion: per tenant and entity the highest wins and an equal or lower one changes',
        'nothing. Generated by tools/scripts/generate-asyncapi.ts; see docs/integrators.md.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      messages,
      schemas: { [HEADERS_SCHEMA]: cloudEventsHeaders(), ...schemas.schemas },
    },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function outputPath(args: readonly string[]): string {
  const flag = args.indexOf('--out');
  if (flag === -1) return defaultOut;
  const value = args[flag + 1];
  if (value === undefined || value.startsWith('--')) {
    throw new Error('--out needs a file path');
  }
  return path.resolve(value);
}

async function main(): Promise<void> {
  const out = outputPath(process.argv.slice(2));
  const header =
    '# Generated from libs/contracts (topics.ts, proto/) by tools/scripts/generate-asyncapi.ts.\n' +
    '# Do not edit: change the contracts and run tools/scripts/codegen.sh.\n';
  const raw =
    header +
    stringify(buildDocument(), {
      aliasDuplicateObjects: false,
      lineWidth: 0,
      // Quote what a YAML 1.1 reader would turn into a date or boolean (dates, times, yes/no).
      version: '1.1',
    });
  // Formatted like the checked-in docs, so `prettier --check docs` passes on generated output.
  const options = await resolveConfig(defaultOut);
  const formatted = await format(raw, { ...options, parser: 'yaml' });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, formatted);
  console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
