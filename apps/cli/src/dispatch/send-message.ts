import { randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import {
  ContentType,
  envelopeToHeaders,
  type KafkaPort,
  type OutgoingRecord,
} from '@clement/messaging';
import { UsageError } from '../kafka-from-env';
import { TENANT_ID_PATTERN } from '../crm/crm-import.command';

/** ce_source of every command the CLI (or `npm run up`, through it) publishes. */
export const CLI_SOURCE = '/clement/cli';
export const DEFAULT_TEMPLATE_KEY = 'reminder.first';

// As dispatch-service checks them (apps/dispatch-service/src/sending/send-commands.consumer.ts):
// a command it would dead-letter is refused here, at the keyboard.
const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const TEMPLATE_KEY = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*$/;

export const CHANNELS = {
  sms: ContactChannel.SMS,
  whatsapp: ContactChannel.WHATSAPP,
  email: ContactChannel.EMAIL,
} as const;
export const PURPOSES = {
  reminder: dispatchV1.MessagePurpose.REMINDER,
  payment_request: dispatchV1.MessagePurpose.PAYMENT_REQUEST,
  plan_reminder: dispatchV1.MessagePurpose.PLAN_REMINDER,
  confirmation: dispatchV1.MessagePurpose.CONFIRMATION,
  support: dispatchV1.MessagePurpose.SUPPORT,
  courtesy: dispatchV1.MessagePurpose.COURTESY,
  legal_notice: dispatchV1.MessagePurpose.LEGAL_NOTICE,
} as const;
export const TONES = {
  standard: dispatchV1.MessageTone.STANDARD,
  supportive: dispatchV1.MessageTone.SUPPORTIVE,
} as const;

/** The options of `clement dispatch send` as commander hands them over (all strings). */
export interface SendOptions {
  tenant: string;
  debtor: string;
  case: string;
  channel: string;
  template?: string;
  purpose?: string;
  tone?: string;
  dispatchId?: string;
  notBefore?: string;
  expiresAt?: string;
}

/** One validated request for a message. */
export interface SendRequest {
  readonly tenant: string;
  readonly debtorId: string;
  readonly caseId: string;
  readonly channel: keyof typeof CHANNELS;
  readonly templateKey: string;
  readonly purpose: keyof typeof PURPOSES;
  readonly tone: keyof typeof TONES;
  readonly dispatchId: string;
  readonly notBefore?: Date;
  readonly expiresAt?: Date;
}

/** Validates the options; every problem is named in one UsageError (exit code 2). */
export function parseSendOptions(
  options: SendOptions,
  newId: () => string = randomUUID,
): SendRequest {
  const problems: string[] = [];
  if (!TENANT_ID_PATTERN.test(options.tenant)) {
    problems.push(
      `--tenant must be 2 to 63 lower-case letters, digits or hyphens, got "${options.tenant}"`,
    );
  }
  const id = (flag: string, value: string | undefined) => {
    if (value !== undefined && !ID.test(value)) {
      problems.push(`${flag} must be 1 to 64 of A-Z a-z 0-9 . _ : -, got "${value}"`);
    }
  };
  id('--debtor', options.debtor);
  id('--case', options.case);
  id('--dispatch-id', options.dispatchId);
  const channel = oneOf('--channel', options.channel, CHANNELS, problems);
  const purpose = oneOf('--purpose', options.purpose ?? 'reminder', PURPOSES, problems);
  const tone = oneOf('--tone', options.tone ?? 'standard', TONES, problems);
  const templateKey = options.template ?? DEFAULT_TEMPLATE_KEY;
  if (!TEMPLATE_KEY.test(templateKey)) {
    problems.push(
      `--template must be dot-separated lower-case words (e.g. reminder.first), got "${templateKey}"`,
    );
  }
  const notBefore = instant('--not-before', options.notBefore, problems);
  const expiresAt = instant('--expires-at', options.expiresAt, problems);
  if (notBefore && expiresAt && expiresAt.getTime() <= notBefore.getTime()) {
    problems.push('--expires-at must be after --not-before');
  }
  if (problems.length > 0 || !channel || !purpose || !tone) {
    throw new UsageError(problems.join('; '));
  }
  return {
    tenant: options.tenant,
    debtorId: options.debtor,
    caseId: options.case,
    channel,
    templateKey,
    purpose,
    tone,
    dispatchId: options.dispatchId ?? `cli-${newId()}`,
    ...(notBefore ? { notBefore } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
}

function oneOf<T extends Record<string, unknown>>(
  flag: string,
  value: string,
  choices: T,
  problems: string[],
): (keyof T & string) | undefined {
  if (Object.hasOwn(choices, value)) return value;
  problems.push(`${flag} must be one of ${Object.keys(choices).join(', ')}, got "${value}"`);
  return undefined;
}

/** An ISO 8601 instant with a zone (Z or ±hh:mm): a local time would depend on this machine. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(flag: string, value: string | undefined, problems: string[]): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    problems.push(
      `${flag} must be an ISO 8601 instant such as 2026-11-24T09:30:00Z, got "${value}"`,
    );
    return undefined;
  }
  return date;
}

/**
 * The SendMessage command as a Kafka record: binary protobuf with CloudEvents headers, keyed
 * `<tenant>:<debtor id>` as dispatch.internal.commands.v1 requires.
 */
export function sendMessageRecord(
  request: SendRequest,
  now: Date = new Date(),
  eventId: string = randomUUID(),
  requestedBy = 'clement-cli',
): OutgoingRecord {
  const partitionKey = `${request.tenant}:${request.debtorId}`;
  const command = create(dispatchV1.SendMessageSchema, {
    dispatchId: request.dispatchId,
    caseId: request.caseId,
    debtorId: request.debtorId,
    channel: CHANNELS[request.channel],
    purpose: PURPOSES[request.purpose],
    tone: TONES[request.tone],
    templateKey: request.templateKey,
    ...(request.notBefore ? { notBefore: timestampFromDate(request.notBefore) } : {}),
    ...(request.expiresAt ? { expiresAt: timestampFromDate(request.expiresAt) } : {}),
    requestedBy: { kind: ActorKind.SYSTEM, id: requestedBy },
  });
  return {
    topic: topicCatalogue.dispatchCommands.name,
    key: partitionKey,
    value: Buffer.from(toBinary(dispatchV1.SendMessageSchema, command)),
    headers: envelopeToHeaders({
      id: eventId,
      source: CLI_SOURCE,
      type: dispatchV1.SendMessageSchema.typeName,
      time: now.toISOString(),
      tenantId: request.tenant,
      partitionKey,
      correlationId: eventId,
      contentType: ContentType.protobuf,
    }),
  };
}

/** Publishes one SendMessage command per request (in one batch) and disconnects. */
export async function publishSendMessages(
  kafka: KafkaPort,
  requests: readonly SendRequest[],
  requestedBy?: string,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send(
      requests.map((request) => sendMessageRecord(request, new Date(), randomUUID(), requestedBy)),
    );
  } finally {
    await producer.disconnect();
  }
}
