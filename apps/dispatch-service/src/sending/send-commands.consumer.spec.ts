import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1 } from '@clement/contracts';
import { ContentType, type EventEnvelope, PermanentEventError } from '@clement/messaging';
import { requestOf } from './send-commands.consumer';

const NOW = new Date('2026-06-17T11:00:00Z');
const NOT_BEFORE = new Date('2026-06-18T07:00:00Z');
const EXPIRES_AT = new Date('2026-06-20T07:00:00Z');
const NO_PAYMENT_SINCE = new Date('2026-06-16T00:00:00Z');

const ENVELOPE: EventEnvelope = {
  id: 'evt-1',
  source: '/clement/strategy-service',
  type: dispatchV1.SendMessageSchema.typeName,
  time: NOW.toISOString(),
  contentType: ContentType.protobuf,
  tenantId: 'acme-bank',
  partitionKey: 'acme-bank:debtor-1',
  correlationId: 'corr-1',
};

type CommandInit = MessageInitShape<typeof dispatchV1.SendMessageSchema>;

function command(overrides: CommandInit = {}): dispatchV1.SendMessage {
  return create(dispatchV1.SendMessageSchema, {
    dispatchId: 'dispatch-1',
    caseId: 'case-1',
    debtorId: 'debtor-1',
    channel: ContactChannel.SMS,
    purpose: dispatchV1.MessagePurpose.REMINDER,
    tone: dispatchV1.MessageTone.STANDARD,
    templateKey: 'reminder.first',
    ...overrides,
  });
}

const request = (init: CommandInit = {}, envelope: EventEnvelope = ENVELOPE) =>
  requestOf(command(init), { envelope }, NOW);

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('requestOf', () => {
  it('maps a full command onto a message request', () => {
    const result = request({
      contactPointId: 'cp-mobile',
      channel: ContactChannel.WHATSAPP,
      purpose: dispatchV1.MessagePurpose.PAYMENT_REQUEST,
      tone: dispatchV1.MessageTone.SUPPORTIVE,
      templateKey: 'payment_request',
      notBefore: timestampFromDate(NOT_BEFORE),
      expiresAt: timestampFromDate(EXPIRES_AT),
      validity: {
        caseStatuses: ['CASE_STATUS_ACTIVE', 'CASE_STATUS_PLACED'],
        noPaymentSince: timestampFromDate(NO_PAYMENT_SINCE),
      },
      decisionId: 'decision-1',
    });

    expect(result).toEqual({
      dispatchId: 'dispatch-1',
      caseId: 'case-1',
      debtorId: 'debtor-1',
      channel: 'whatsapp',
      requestedContactPointId: 'cp-mobile',
      purpose: 'payment_request',
      tone: 'supportive',
      templateKey: 'payment_request',
      origin: 'command',
      notBefore: NOT_BEFORE,
      expiresAt: EXPIRES_AT,
      validity: {
        caseStatuses: ['CASE_STATUS_ACTIVE', 'CASE_STATUS_PLACED'],
        noPaymentSince: NO_PAYMENT_SINCE,
      },
      decisionId: 'decision-1',
      correlationId: 'corr-1',
      requestedAt: NOW,
    });
  });

  it('leaves out what the command leaves empty', () => {
    expect(request()).toEqual({
      dispatchId: 'dispatch-1',
      caseId: 'case-1',
      debtorId: 'debtor-1',
      channel: 'sms',
      purpose: 'reminder',
      tone: 'standard',
      templateKey: 'reminder.first',
      origin: 'command',
      validity: { caseStatuses: [] },
      correlationId: 'corr-1',
      requestedAt: NOW,
    });
  });

  it.each([
    { label: 'SMS', channel: ContactChannel.SMS, expected: 'sms' },
    { label: 'WHATSAPP', channel: ContactChannel.WHATSAPP, expected: 'whatsapp' },
    { label: 'EMAIL', channel: ContactChannel.EMAIL, expected: 'email' },
  ])('maps channel $label to $expected', ({ channel, expected }) => {
    expect(request({ channel }).channel).toBe(expected);
  });

  it.each([
    { label: 'REMINDER', purpose: dispatchV1.MessagePurpose.REMINDER, expected: 'reminder' },
    {
      label: 'PAYMENT_REQUEST',
      purpose: dispatchV1.MessagePurpose.PAYMENT_REQUEST,
      expected: 'payment_request',
    },
    {
      label: 'PLAN_REMINDER',
      purpose: dispatchV1.MessagePurpose.PLAN_REMINDER,
      expected: 'plan_reminder',
    },
    {
      label: 'CONFIRMATION',
      purpose: dispatchV1.MessagePurpose.CONFIRMATION,
      expected: 'confirmation',
    },
    { label: 'SUPPORT', purpose: dispatchV1.MessagePurpose.SUPPORT, expected: 'support' },
  ])('maps purpose $label to $expected', ({ purpose, expected }) => {
    expect(request({ purpose }).purpose).toBe(expected);
  });

  it.each([
    { label: 'UNSPECIFIED', tone: dispatchV1.MessageTone.UNSPECIFIED, expected: 'standard' },
    { label: 'STANDARD', tone: dispatchV1.MessageTone.STANDARD, expected: 'standard' },
    { label: 'SUPPORTIVE', tone: dispatchV1.MessageTone.SUPPORTIVE, expected: 'supportive' },
  ])('maps tone $label to $expected', ({ tone, expected }) => {
    expect(request({ tone }).tone).toBe(expected);
  });

  it('keeps a payment condition without case statuses', () => {
    expect(
      request({ validity: { noPaymentSince: timestampFromDate(NO_PAYMENT_SINCE) } }).validity,
    ).toEqual({ caseStatuses: [], noPaymentSince: NO_PAYMENT_SINCE });
  });

  it('takes only an expiry when there is no not_before', () => {
    const result = request({ expiresAt: timestampFromDate(EXPIRES_AT) });

    expect({ notBefore: result.notBefore, expiresAt: result.expiresAt }).toEqual({
      notBefore: undefined,
      expiresAt: EXPIRES_AT,
    });
  });

  it('uses the envelope id as correlation id when the envelope carries none', () => {
    const envelope = { ...ENVELOPE, correlationId: undefined } as unknown as EventEnvelope;

    expect(request({}, envelope).correlationId).toBe('evt-1');
  });

  it.each([
    {
      problem: 'missing dispatch id',
      init: { dispatchId: '' },
      field: 'dispatch_id: is required',
    },
    {
      problem: 'dispatch id with a space',
      init: { dispatchId: 'dispatch 1' },
      field: 'dispatch_id: is required',
    },
    {
      problem: 'dispatch id longer than 64',
      init: { dispatchId: 'd'.repeat(65) },
      field: 'dispatch_id: is required',
    },
    { problem: 'missing case id', init: { caseId: '' }, field: 'case_id: is required' },
    {
      problem: 'VOICE channel',
      init: { channel: ContactChannel.VOICE },
      field: 'channel: must be SMS, WhatsApp or email',
    },
    {
      problem: 'unspecified channel',
      init: { channel: ContactChannel.UNSPECIFIED },
      field: 'channel: must be SMS, WhatsApp or email',
    },
    {
      problem: 'unspecified purpose',
      init: { purpose: dispatchV1.MessagePurpose.UNSPECIFIED },
      field: 'purpose: is required',
    },
    {
      problem: 'template key in capitals',
      init: { templateKey: 'Reminder.First' },
      field: 'template_key: is required',
    },
    {
      problem: 'template key with a trailing dot',
      init: { templateKey: 'reminder.' },
      field: 'template_key: is required',
    },
    {
      problem: 'empty template key',
      init: { templateKey: '' },
      field: 'template_key: is required',
    },
    {
      problem: 'expires_at before not_before',
      init: {
        notBefore: timestampFromDate(EXPIRES_AT),
        expiresAt: timestampFromDate(NOT_BEFORE),
      },
      field: 'expires_at: must be after not_before',
    },
    {
      problem: 'expires_at equal to not_before',
      init: {
        notBefore: timestampFromDate(NOT_BEFORE),
        expiresAt: timestampFromDate(NOT_BEFORE),
      },
      field: 'expires_at: must be after not_before',
    },
    {
      problem: 'malformed contact point id',
      init: { contactPointId: 'cp/../1' },
      field: 'contact_point_id: malformed',
    },
  ])('dead-letters a command with $problem, naming the field', ({ init, field }) => {
    const error = errorOf(() => request(init));

    expect(error).toBeInstanceOf(PermanentEventError);
    expect(error).toMatchObject({
      code: 'invalid_command',
      message: expect.stringContaining(field),
    });
  });

  it('names every problem of a command at once', () => {
    const error = errorOf(() =>
      request({
        dispatchId: '',
        channel: ContactChannel.VOICE,
        purpose: dispatchV1.MessagePurpose.UNSPECIFIED,
        templateKey: 'BAD',
      }),
    );

    expect(error).toBeInstanceOf(PermanentEventError);
    expect((error as Error).message.split('; ')).toEqual([
      'dispatch_id: is required (1–64 of [A-Za-z0-9._:-])',
      'channel: must be SMS, WhatsApp or email',
      'purpose: is required',
      'template_key: is required',
    ]);
  });
});
