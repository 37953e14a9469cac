import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, ContactChannel, dispatchV1 } from '@clement/contracts';
import { envelopeFromHeaders } from '@clement/messaging';
import { UsageError } from '../kafka-from-env';
import { parseSendOptions, sendMessageRecord, type SendOptions } from './send-message';

const base: SendOptions = {
  tenant: 'demo-bank',
  debtor: '7d1c6f0e-3c1b-4c1e-9a53-2f1f7c2b9a10',
  case: '0b7e2e55-8d0e-4d1b-9c0a-6a3b1f5f2c11',
  channel: 'sms',
};

const usage = (overrides: Partial<SendOptions>) => {
  try {
    parseSendOptions({ ...base, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseSendOptions', () => {
  it('fills in the defaults: reminder.first, reminder, standard, cli-<uuid>', () => {
    expect(parseSendOptions(base, () => 'fixed-uuid')).toEqual({
      tenant: 'demo-bank',
      debtorId: base.debtor,
      caseId: base.case,
      channel: 'sms',
      templateKey: 'reminder.first',
      purpose: 'reminder',
      tone: 'standard',
      dispatchId: 'cli-fixed-uuid',
    });
  });

  it('takes every option', () => {
    const request = parseSendOptions({
      ...base,
      channel: 'whatsapp',
      template: 'plan.instalment_due',
      purpose: 'plan_reminder',
      tone: 'supportive',
      dispatchId: 'my-key:1',
      notBefore: '2026-11-24T09:30:00Z',
      expiresAt: '2026-11-25T09:30:00+01:00',
    });
    expect(request).toMatchObject({
      channel: 'whatsapp',
      templateKey: 'plan.instalment_due',
      purpose: 'plan_reminder',
      tone: 'supportive',
      dispatchId: 'my-key:1',
      notBefore: new Date('2026-11-24T09:30:00Z'),
      expiresAt: new Date('2026-11-25T08:30:00Z'),
    });
  });

  it.each([
    [{ tenant: 'Demo Bank' }, /--tenant must be 2 to 63 lower-case letters/],
    [{ debtor: 'has spaces' }, /--debtor must be 1 to 64 of/],
    [{ case: 'x'.repeat(65) }, /--case must be 1 to 64 of/],
    [{ dispatchId: 'a/b' }, /--dispatch-id must be 1 to 64 of/],
    [{ channel: 'voice' }, /--channel must be one of sms, whatsapp, email, got "voice"/],
    [{ purpose: 'threat' }, /--purpose must be one of reminder, payment_request, plan_reminder/],
    [{ tone: 'stern' }, /--tone must be one of standard, supportive/],
    [{ template: 'Reminder-First' }, /--template must be dot-separated lower-case words/],
    [{ notBefore: 'tomorrow' }, /--not-before must be an ISO 8601 instant/],
    // A local time would mean this machine's zone: refused.
    [{ expiresAt: '2026-11-24T09:30:00' }, /--expires-at must be an ISO 8601 instant/],
    [{ notBefore: '2026-13-45T09:30:00Z' }, /--not-before must be an ISO 8601 instant/],
    [
      { notBefore: '2026-11-24T09:30:00Z', expiresAt: '2026-11-24T09:00:00Z' },
      /--expires-at must be after --not-before/,
    ],
  ])('refuses %j', (overrides, message) => {
    expect(usage(overrides)).toMatch(message);
  });

  it('names every problem at once', () => {
    expect(usage({ channel: 'fax', tone: 'loud' }).split('; ')).toHaveLength(2);
  });

  it('does not take inherited property names as choices', () => {
    expect(usage({ channel: 'toString' })).toMatch(/--channel must be one of/);
  });
});

describe('sendMessageRecord', () => {
  it('is a binary SendMessage keyed <tenant>:<debtor> with CloudEvents headers', () => {
    const request = parseSendOptions({
      ...base,
      channel: 'email',
      purpose: 'payment_request',
      dispatchId: 'd-1',
      notBefore: '2026-11-24T09:30:00Z',
    });
    const record = sendMessageRecord(request, new Date('2026-11-23T20:00:00Z'), 'evt-1');

    expect(record.topic).toBe('dispatch.internal.commands.v1');
    expect(record.key).toBe(`demo-bank:${base.debtor}`);
    const envelope = envelopeFromHeaders(record.headers);
    expect(envelope).toMatchObject({
      id: 'evt-1',
      source: '/clement/cli',
      type: 'clement.dispatch.v1.SendMessage',
      time: '2026-11-23T20:00:00.000Z',
      tenantId: 'demo-bank',
      partitionKey: `demo-bank:${base.debtor}`,
      correlationId: 'evt-1',
    });
    const command = fromBinary(dispatchV1.SendMessageSchema, record.value);
    expect(command).toMatchObject({
      dispatchId: 'd-1',
      caseId: base.case,
      debtorId: base.debtor,
      channel: ContactChannel.EMAIL,
      purpose: dispatchV1.MessagePurpose.PAYMENT_REQUEST,
      tone: dispatchV1.MessageTone.STANDARD,
      templateKey: 'reminder.first',
      requestedBy: { kind: ActorKind.SYSTEM, id: 'clement-cli' },
    });
    expect(timestampDate(command.notBefore!).toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(command.expiresAt).toBeUndefined();
  });
});
