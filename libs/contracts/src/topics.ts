import type { DescMessage, Message, MessageShape } from '@bufbuild/protobuf';
import * as caseV1 from './gen/clement/case/v1/case_pb';
import * as crmV1 from './gen/clement/crm/v1/crm_pb';
import * as dispatchV1 from './gen/clement/dispatch/v1/dispatch_pb';
import * as paymentV1 from './gen/clement/payment/v1/payment_pb';
import * as portalV1 from './gen/clement/portal/v1/portal_pb';
import * as strategyV1 from './gen/clement/strategy/v1/strategy_pb';
import { ProbeEmittedSchema } from './gen/clement/platform/v1/probe_pb';

/**
 * The one place Kafka topics are declared (docs/adr/0005-topic-naming-and-catalogue.md).
 * deploy/kafka/topics.txt, docker-compose and Helm are generated from this file.
 */

export const TOPIC_VISIBILITIES = ['internal', 'inbound', 'outbound'] as const;
/** internal: only Clement reads and writes; inbound: integrators write; outbound: integrators read. */
export type TopicVisibility = (typeof TOPIC_VISIBILITIES)[number];

/** `<domain>.<visibility>.<entity>.v<N>`, e.g. `platform.internal.probes.v1`. */
export type TopicName = `${string}.${TopicVisibility}.${string}.v${number}`;
export type DlqTopicName<Name extends string = TopicName> = `${Name}.dlq`;

/** Lower-case domain and entity (digits and hyphens allowed), a visibility, a version from 1. */
export const TOPIC_NAME_PATTERN =
  /^[a-z][a-z0-9-]*\.(internal|inbound|outbound)\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;
export const DLQ_SUFFIX = '.dlq';

export type CleanupPolicy = 'delete' | 'compact';

const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
/** Kafka's `retention.ms=-1`: keep records forever (compacted or audit topics). */
export const RETAIN_FOREVER = -1;
/** Dead letters outlive their source records so someone can inspect and replay them. */
export const DLQ_RETENTION_MS = 14 * DAY_MS;

export interface TopicDefinition<
  Name extends string = string,
  Messages extends readonly DescMessage[] = readonly DescMessage[],
> {
  readonly name: Name;
  readonly partitions: number;
  /** Kafka `retention.ms`; {@link RETAIN_FOREVER} keeps records forever. */
  readonly retentionMs: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** Whether records may carry `application/json` (protobuf JSON mapping) besides protobuf. */
  readonly acceptsJson: boolean;
  readonly description: string;
  /** The protobuf schemas allowed on the topic; the CloudEvents `ce_type` is one of their type names. */
  readonly messages: Messages;
}

export interface TopicSpec<Name extends TopicName, Messages extends readonly DescMessage[]> {
  readonly name: Name;
  readonly partitions: number;
  readonly retentionMs: number;
  /** Defaults to `delete`. */
  readonly cleanupPolicy?: CleanupPolicy;
  /** Defaults to true for `inbound` topics (integrators write them) and false otherwise. */
  readonly acceptsJson?: boolean;
  readonly description: string;
  readonly messages: Messages;
}

/** The schemas allowed on a topic, as a union. */
export type SchemaOf<T extends TopicDefinition> = T['messages'][number];
/** The messages allowed on a topic, as a union: publishing anything else does not compile. */
export type MessageOf<T extends TopicDefinition> = MessageShape<SchemaOf<T>>;
/** The CloudEvents `ce_type` values allowed on a topic (protobuf full names). */
export type EventTypeOf<T extends TopicDefinition> = SchemaOf<T>['typeName'];

/** Declares a topic, checking its name and settings; a bad declaration fails at module load. */
export function defineTopic<
  const Name extends TopicName,
  const Messages extends readonly [DescMessage, ...DescMessage[]],
>(spec: TopicSpec<Name, Messages>): TopicDefinition<Name, Messages> {
  const problems = specProblems(spec);
  if (problems.length > 0) {
    throw new Error(`invalid topic ${spec.name}: ${problems.join('; ')}`);
  }
  return Object.freeze({
    name: spec.name,
    partitions: spec.partitions,
    retentionMs: spec.retentionMs,
    cleanupPolicy: spec.cleanupPolicy ?? 'delete',
    acceptsJson: spec.acceptsJson ?? visibilityOf(spec.name) === 'inbound',
    description: spec.description,
    messages: spec.messages,
  });
}

function specProblems(spec: TopicSpec<TopicName, readonly DescMessage[]>): string[] {
  const problems: string[] = [];
  if (!TOPIC_NAME_PATTERN.test(spec.name)) {
    problems.push(`name must match <domain>.<internal|inbound|outbound>.<entity>.v<N>`);
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    problems.push(`partitions must be a positive integer, got ${spec.partitions}`);
  }
  if (
    !Number.isInteger(spec.retentionMs) ||
    (spec.retentionMs < 1 && spec.retentionMs !== RETAIN_FOREVER)
  ) {
    problems.push(
      `retentionMs must be a positive integer or RETAIN_FOREVER, got ${spec.retentionMs}`,
    );
  }
  if (spec.description.trim() === '') {
    problems.push('description must not be empty');
  }
  if (spec.messages.length === 0) {
    problems.push('messages must list at least one schema');
  }
  const typeNames = spec.messages.map((schema) => schema.typeName);
  const repeated = typeNames.filter((typeName, index) => typeNames.indexOf(typeName) !== index);
  if (repeated.length > 0) {
    problems.push(`messages lists ${repeated.join(', ')} more than once`);
  }
  return problems;
}

function visibilityOf(name: string): string | undefined {
  return name.split('.')[1];
}

/** The dead-letter twin of a topic: `<name>.dlq`. A dead-letter topic has no twin of its own. */
export function dlqTopicOf<const Name extends string>(name: Name): DlqTopicName<Name> {
  if (name.endsWith(DLQ_SUFFIX)) {
    throw new Error(`${name} is already a dead-letter topic`);
  }
  return `${name}${DLQ_SUFFIX}`;
}

/** Published by integrators on `crm.inbound.events.v1`; each carries a `source_version`. */
export const CRM_INBOUND_MESSAGES = [
  crmV1.DebtorUpsertedSchema,
  crmV1.AccountPlacedSchema,
  crmV1.AccountUpdatedSchema,
  crmV1.PaymentReportedSchema,
  crmV1.AccountRecalledSchema,
  crmV1.ContactPointsChangedSchema,
  crmV1.VulnerabilityReportedSchema,
  crmV1.HoldRequestedSchema,
  crmV1.HoldLiftedSchema,
] as const;

/** Published by case-service on `crm.outbound.events.v1` for integrators to read. */
export const CRM_OUTBOUND_MESSAGES = [
  crmV1.ArrangementMadeSchema,
  crmV1.PromiseMadeSchema,
  crmV1.PromiseKeptSchema,
  crmV1.PromiseBrokenSchema,
  crmV1.PaymentReceivedSchema,
  crmV1.PaymentReversedSchema,
  crmV1.ContactOutcomeRecordedSchema,
  crmV1.OptOutRecordedSchema,
  crmV1.VulnerabilityDisclosedSchema,
  crmV1.HoldPlacedSchema,
  crmV1.HoldEndedSchema,
  crmV1.CaseResolvedSchema,
] as const;

/** Published by case-service on `case.internal.events.v1`. */
export const CASE_EVENT_MESSAGES = [
  caseV1.CasePlacedSchema,
  caseV1.BalanceChangedSchema,
  caseV1.HoldPlacedSchema,
  caseV1.HoldLiftedSchema,
  caseV1.VulnerabilityFlaggedSchema,
  caseV1.ContactPointsChangedSchema,
  caseV1.CaseStatusChangedSchema,
  caseV1.CaseResolvedSchema,
  caseV1.DebtorErasedSchema,
  caseV1.CreditorPaymentReportedSchema,
] as const;

/** Commands to dispatch-service on `dispatch.internal.commands.v1`. */
export const DISPATCH_COMMAND_MESSAGES = [
  dispatchV1.SendMessageSchema,
  dispatchV1.CancelMessageSchema,
] as const;

/** Published by dispatch-service on `dispatch.internal.events.v1`. */
export const DISPATCH_EVENT_MESSAGES = [
  dispatchV1.MessageRequestedSchema,
  dispatchV1.MessageDeferredSchema,
  dispatchV1.MessageBlockedSchema,
  dispatchV1.MessageCancelledSchema,
  dispatchV1.MessageSentSchema,
  dispatchV1.MessageOutcomeUnknownSchema,
  dispatchV1.MessageDeliveredSchema,
  dispatchV1.MessageFailedSchema,
  dispatchV1.MessageReadSchema,
  dispatchV1.LinkClickedSchema,
  dispatchV1.ReplyReceivedSchema,
  dispatchV1.ContactOptedOutSchema,
  dispatchV1.ContactOptedInSchema,
] as const;

/** Published by payment-service on `payment.internal.events.v1`. */
export const PAYMENT_EVENT_MESSAGES = [
  paymentV1.PaymentInitiatedSchema,
  paymentV1.PaymentSucceededSchema,
  paymentV1.PaymentFailedSchema,
  paymentV1.PaymentRefundedSchema,
  paymentV1.PaymentChargedBackSchema,
  paymentV1.PaymentReconciledSchema,
  paymentV1.PromiseMadeSchema,
  paymentV1.PromiseKeptSchema,
  paymentV1.PromiseBrokenSchema,
  paymentV1.PlanCreatedSchema,
  paymentV1.PlanChangedSchema,
  paymentV1.PlanBreachedSchema,
  paymentV1.PlanCompletedSchema,
  paymentV1.PlanCancelledSchema,
  paymentV1.PlanOfferedSchema,
  paymentV1.MandateCreatedSchema,
  paymentV1.MandateCancelledSchema,
  paymentV1.CollectionDateChangedSchema,
] as const;

/** Published by the debtor portal on `portal.internal.events.v1`. */
export const PORTAL_EVENT_MESSAGES = [portalV1.PortalVisitedSchema] as const;

/** Published by strategy-service on `strategy.internal.events.v1`. */
export const STRATEGY_EVENT_MESSAGES = [
  strategyV1.StrategyVersionActivatedSchema,
  strategyV1.CaseAssignedSchema,
  strategyV1.DecisionMadeSchema,
  strategyV1.AgentTaskCreatedSchema,
  strategyV1.AgentTaskClaimedSchema,
  strategyV1.AgentTaskCompletedSchema,
  strategyV1.AgentTaskReleasedSchema,
  strategyV1.AgentTaskCancelledSchema,
] as const;

/**
 * Every topic Clement uses, keyed by a camelCase id. Add new topics here (and only here), then
 * run tools/scripts/codegen.sh to refresh deploy/kafka/topics.txt.
 */
export const topicCatalogue = {
  platformProbes: defineTopic({
    name: 'platform.internal.probes.v1',
    partitions: 6,
    retentionMs: DAY_MS,
    description:
      'Synthetic canary events pushed through the pipeline by SREs, integration tests and benchmarks.',
    messages: [ProbeEmittedSchema],
  }),
  crmInbound: defineTopic({
    name: 'crm.inbound.events.v1',
    partitions: 12,
    retentionMs: 7 * DAY_MS,
    acceptsJson: true,
    description:
      "What creditors' CRMs publish about their debtors, accounts, payments and holds " +
      '(docs/integrators.md). Keyed `<tenant>:<creditor debtor id>`.',
    messages: CRM_INBOUND_MESSAGES,
  }),
  crmOutbound: defineTopic({
    name: 'crm.outbound.events.v1',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    description:
      "Collection outcomes for creditors' CRMs to apply, with the creditor's own references " +
      '(docs/integrators.md). Keyed `<tenant>:<creditor debtor id>`.',
    messages: CRM_OUTBOUND_MESSAGES,
  }),
  caseEvents: defineTopic({
    name: 'case.internal.events.v1',
    partitions: 12,
    retentionMs: 30 * DAY_MS,
    description:
      'Changes to cases, holds, vulnerability and contact points, published by case-service. ' +
      'PII only as EncryptedValue (docs/adr/0010). Keyed `<tenant>:<debtor id>`.',
    messages: CASE_EVENT_MESSAGES,
  }),
  dispatchCommands: defineTopic({
    name: 'dispatch.internal.commands.v1',
    partitions: 12,
    retentionMs: 7 * DAY_MS,
    description:
      'Send and cancel commands for dispatch-service (from the strategy engine and staff tools). ' +
      'Keyed `<tenant>:<debtor id>`; `dispatch_id` is the idempotency key.',
    messages: DISPATCH_COMMAND_MESSAGES,
  }),
  dispatchEvents: defineTopic({
    name: 'dispatch.internal.events.v1',
    partitions: 12,
    retentionMs: 30 * DAY_MS,
    description:
      'What happened to each message (requested, deferred, blocked, sent, delivered, failed, read, ' +
      'clicked), replies and opt-outs, published by dispatch-service. No personal data. Keyed ' +
      '`<tenant>:<debtor id>`.',
    messages: DISPATCH_EVENT_MESSAGES,
  }),
  paymentEvents: defineTopic({
    name: 'payment.internal.events.v1',
    partitions: 12,
    retentionMs: 30 * DAY_MS,
    description:
      'Payments (initiated, succeeded, failed, refunded, charged back, reconciled), promises to ' +
      'pay, plan offers and plans, and direct debit mandates, published by payment-service. No ' +
      'personal data. Keyed `<tenant>:<debtor id>`.',
    messages: PAYMENT_EVENT_MESSAGES,
  }),
  portalEvents: defineTopic({
    name: 'portal.internal.events.v1',
    partitions: 12,
    retentionMs: 30 * DAY_MS,
    description:
      'What debtors do on the self-service portal (visits). No personal data. Keyed ' +
      '`<tenant>:<debtor id>`.',
    messages: PORTAL_EVENT_MESSAGES,
  }),
  strategyEvents: defineTopic({
    name: 'strategy.internal.events.v1',
    partitions: 12,
    retentionMs: 90 * DAY_MS,
    description:
      'Strategy activations, champion/challenger assignments, every engine decision with the ' +
      'version, segment, step and rule behind it, and agent tasks, published by strategy-service. ' +
      'Keyed `<tenant>:<debtor id>` (`<tenant>:<strategy id>` for activations).',
    messages: STRATEGY_EVENT_MESSAGES,
  }),
} as const satisfies Record<string, TopicDefinition>;

export type TopicCatalogue = typeof topicCatalogue;
export type TopicId = keyof TopicCatalogue;
export type CatalogueTopic = TopicCatalogue[TopicId];
export type CatalogueTopicName = CatalogueTopic['name'];

function dlqTwinOf(topic: TopicDefinition): TopicDefinition {
  return Object.freeze({
    name: dlqTopicOf(topic.name),
    partitions: topic.partitions,
    retentionMs: DLQ_RETENTION_MS,
    cleanupPolicy: 'delete',
    // Dead letters are the original records, byte for byte, so they carry the same content types.
    acceptsJson: topic.acceptsJson,
    description: `Dead letters of ${topic.name}: records that could not be processed, with the failure in headers.`,
    messages: topic.messages,
  });
}

const everyTopic: readonly TopicDefinition[] = Object.freeze(
  Object.values<TopicDefinition>(topicCatalogue).flatMap((topic) => [topic, dlqTwinOf(topic)]),
);

/** Every topic to create, each followed by its dead-letter twin. */
export function allTopicDefinitions(): readonly TopicDefinition[] {
  return everyTopic;
}

/** The definition of a catalogued topic or dead-letter twin, by Kafka topic name. */
export function findTopic(name: string): TopicDefinition | undefined {
  return everyTopic.find((topic) => topic.name === name);
}

/**
 * The schema to encode a message with on a topic. The type system already rejects messages the
 * topic does not allow; the runtime check guards callers that lost the types (e.g. `as` casts).
 */
export function schemaForMessage<T extends TopicDefinition>(
  topic: T,
  message: MessageOf<T>,
): SchemaOf<T> {
  const typeName = (message as Message).$typeName;
  const schema = topic.messages.find((candidate) => candidate.typeName === typeName);
  if (schema === undefined) {
    throw new Error(`${typeName} is not a message type of topic ${topic.name}`);
  }
  return schema;
}
