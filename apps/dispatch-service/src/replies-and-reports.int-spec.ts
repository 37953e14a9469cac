import { fromBinary } from '@bufbuild/protobuf';
import { type Timestamp, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ContactChannel, crmV1, dispatchV1, dlqTopicOf, topicCatalogue } from '@clement/contracts';
import { DeadLetterHeader, readTopicToEnd } from '@clement/messaging';
import { eventually, uniqueName } from '@clement/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type DispatchServiceHarness,
  startDispatchService,
} from './__fixtures__/dispatch-service-harness';
import { testTenantsJson } from './__fixtures__/dispatch-test-env';
import {
  type DispatchEventSeen,
  type PlacedDebtor,
  SendingPlatform,
  type SimMessage,
} from './__fixtures__/sending-platform';
import { twilioSignature } from './webhooks/testing/provider-signing';

// Issue 4: what comes back from providers and debtors (replies, consent keywords, delivery
// reports, refusals) and the command edge cases (cancel, dead letters, a payment meanwhile).
// Real Kafka, PostgreSQL, case-service and the provider simulator; dispatch in-process with a
// virtual clock that runs at real speed and can be moved forward. The tenant is open all day.

jest.setTimeout(240_000);

const SMS_FROM = '+447700900001';
/** The help text, which carries the debtor's portal link. */
const HELP_TEXT =
  /your personal page is https:\/\/portal\.acme-lending\.example\/l\/[A-Za-z0-9_-]+/;
const HOUR_MS = 3_600_000;
const DEBTORS = 12;

let platform: SendingPlatform;
let dispatch: DispatchServiceHarness;
let debtors: PlacedDebtor[];
/** The SMS each reply test's debtor got first: replies are matched to the last one sent. */
const primers = new Map<string, string>();

let clockOffsetMs = 0;
const clock = (): Date => new Date(Date.now() + clockOffsetMs);
const advanceClock = (ms: number): void => {
  clockOffsetMs += ms;
};

const simMessages = (to: string): Promise<SimMessage[]> => platform.simMessages(to);

/** What dispatch sent to the phone, oldest first. */
const smsTo = async (debtor: PlacedDebtor): Promise<SimMessage[]> =>
  (await simMessages(debtor.phone)).filter((m) => m.from === SMS_FROM);

const eventsFor = (events: DispatchEventSeen[], dispatchId: string) =>
  events.filter((event) => event.message.dispatchId === dispatchId);

const debtorEvents = async (debtor: PlacedDebtor, type?: string) =>
  (await platform.dispatchEvents()).filter(
    (event) =>
      event.message['debtorId'] === debtor.debtorId && (type === undefined || event.type === type),
  );

const typesOf = async (dispatchId: string) =>
  eventsFor(await platform.dispatchEvents(), dispatchId).map((event) => event.type);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function command(
  debtor: PlacedDebtor,
  channel: ContactChannel,
  extra: {
    dispatchId?: string;
    notBefore?: Timestamp;
    validity?: { noPaymentSince: Timestamp };
  } = {},
) {
  return {
    dispatchId: `it-${randomUUID()}`,
    caseId: debtor.caseId,
    debtorId: debtor.debtorId,
    channel,
    purpose: dispatchV1.MessagePurpose.REMINDER,
    tone: dispatchV1.MessageTone.STANDARD,
    templateKey: 'reminder.first',
    ...extra,
  };
}

/** The debtor answers from their phone; the simulator posts it to dispatch, signed. */
async function reply(debtor: PlacedDebtor, body: string): Promise<void> {
  const result = await platform.sim<{ webhookStatus: number | null }>('/sim/twilio/inbound', {
    method: 'POST',
    body: { from: debtor.phone, to: SMS_FROM, body },
  });
  expect(result.webhookStatus).toBe(200);
}

beforeAll(async () => {
  platform = await new SendingPlatform().start();
  dispatch = await startDispatchService({
    schema: uniqueName('dispatch_replies')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
    port: platform.dispatchPort,
    overrides: { clock },
    env: platform.dispatchEnv({ DISPATCH_TENANTS_JSON: testTenantsJson(platform.tenant) }),
  });
  debtors = await platform.placeDebtors(DEBTORS);
  expect(debtors).toHaveLength(DEBTORS);
  await eventually(
    async () => {
      const [row] = (await dispatch.dataSource.query(
        `SELECT count(DISTINCT "debtor_id")::int AS n FROM "${dispatch.config.DATABASE_SCHEMA}"."contact_points" WHERE "tenant_id" = $1`,
        [platform.tenant],
      )) as { n: number }[];
      expect(row?.n).toBe(DEBTORS);
    },
    { timeoutMs: 60_000 },
  );
  // The reply tests' debtors (0–3) get one reminder first: dispatch answers only numbers it wrote to.
  const first = debtors.slice(0, 4).map((debtor) => {
    const sms = command(debtor, ContactChannel.SMS);
    primers.set(debtor.debtorId, sms.dispatchId);
    return sms;
  });
  await platform.sendCommands(first, dispatchV1.SendMessageSchema);
  await eventually(
    async () => {
      const sent = (await platform.dispatchEvents()).filter((e) => e.type === 'MessageSent');
      for (const sms of first) {
        expect(sent.some((e) => e.message.dispatchId === sms.dispatchId)).toBe(true);
      }
    },
    { timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await dispatch?.close();
  platform?.stop();
});

it('opts out on STOP and back in on START, confirming each, and then sends SMS again', async () => {
  const debtor = debtors[0]!;
  await reply(debtor, 'STOP');
  await eventually(async () => {
    const [optedOut] = await debtorEvents(debtor, 'ContactOptedOut');
    expect(optedOut?.message).toMatchObject({
      channel: ContactChannel.SMS,
      contactPointId: debtor.mobileId,
      method: dispatchV1.ConsentChangeMethod.KEYWORD,
    });
    const sms = await smsTo(debtor);
    expect(sms).toHaveLength(2);
    expect(sms[1]?.body).toMatch(/will not receive more messages.*START/);
  });

  await reply(debtor, 'Start');
  await eventually(async () => {
    const optedIn = await debtorEvents(debtor, 'ContactOptedIn');
    expect(optedIn).toHaveLength(1);
    expect(optedIn[0]?.message).toMatchObject({
      channel: ContactChannel.SMS,
      contactPointId: debtor.mobileId,
      method: dispatchV1.ConsentChangeMethod.KEYWORD,
    });
    const sms = await smsTo(debtor);
    expect(sms).toHaveLength(3);
    expect(sms[2]?.body).toMatch(/will receive our messages on this channel again/);
  });

  const again = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([again], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    expect(await typesOf(again.dispatchId)).toEqual(
      expect.arrayContaining(['MessageRequested', 'MessageSent']),
    );
    expect(await smsTo(debtor)).toHaveLength(4);
  });
});

it('opts out on the Spanish BAJA like on STOP', async () => {
  const debtor = debtors[1]!;
  await reply(debtor, '¡Baja!');
  await eventually(async () => {
    const [optedOut] = await debtorEvents(debtor, 'ContactOptedOut');
    expect(optedOut?.message).toMatchObject({
      channel: ContactChannel.SMS,
      contactPointId: debtor.mobileId,
      method: dispatchV1.ConsentChangeMethod.KEYWORD,
    });
    const sms = await smsTo(debtor);
    expect(sms).toHaveLength(2); // the reminder and one confirmation
    expect(sms[1]?.body).toMatch(/will not receive more messages/);
  });

  const sms = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([sms], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    const blocked = eventsFor(await platform.dispatchEvents(), sms.dispatchId).find(
      (e) => e.type === 'MessageBlocked',
    );
    expect(blocked?.message['reasons']).toEqual([
      expect.objectContaining({ code: 'opted_out.sms' }),
    ]);
  });
  expect(await smsTo(debtor)).toHaveLength(2);
});

it('answers HELP and a wish to pay with the portal link, and leaves a request for a person to people', async () => {
  const debtor = debtors[2]!;
  const primer = primers.get(debtor.debtorId);

  await reply(debtor, 'HELP');
  await eventually(async () => {
    const replies = await debtorEvents(debtor, 'ReplyReceived');
    expect(replies.map((e) => e.message['intent'])).toEqual([dispatchV1.ReplyIntent.HELP]);
    expect(replies[0]?.message).toMatchObject({
      caseId: debtor.caseId,
      channel: ContactChannel.SMS,
      contactPointId: debtor.mobileId,
      inReplyToDispatchId: primer,
    });
    const sms = await smsTo(debtor);
    expect(sms).toHaveLength(2);
    expect(sms[1]?.body).toMatch(HELP_TEXT);
  });

  await reply(debtor, 'quiero pagar');
  await eventually(async () => {
    const replies = await debtorEvents(debtor, 'ReplyReceived');
    expect(replies.map((e) => e.message['intent'])).toEqual([
      dispatchV1.ReplyIntent.HELP,
      dispatchV1.ReplyIntent.PAY,
    ]);
    const sms = await smsTo(debtor);
    expect(sms).toHaveLength(3);
    expect(sms[2]?.body).toMatch(HELP_TEXT);
  });

  await reply(debtor, 'I want to speak to a person');
  await eventually(async () => {
    const replies = await debtorEvents(debtor, 'ReplyReceived');
    expect(replies.map((e) => e.message['intent'])).toEqual([
      dispatchV1.ReplyIntent.HELP,
      dispatchV1.ReplyIntent.PAY,
      dispatchV1.ReplyIntent.SPEAK_TO_PERSON,
    ]);
  });
  // An auto reply would be recorded with the event and sent within a poll (100 ms).
  await pause(1_500);
  expect(await smsTo(debtor)).toHaveLength(3);
});

it('ignores a reply from a number it never messaged', async () => {
  const stranger = debtors[10]!; // placed, but never written to
  await reply(stranger, 'HELP');
  await reply(stranger, 'STOP');
  await pause(1_500);
  expect(await debtorEvents(stranger)).toEqual([]);
  expect(await smsTo(stranger)).toEqual([]);
});

it('applies a redelivered inbound webhook once', async () => {
  // The simulator gives every reply a new sid; Twilio redelivers with the same one, so the
  // test posts the webhook itself, signed with the account's auth token as Twilio does.
  const debtor = debtors[3]!;
  const url = `http://127.0.0.1:${platform.dispatchPort}/webhooks/twilio/inbound`;
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const params: Record<string, string> = {
    AccountSid: platform.secrets.twilioAccountSid,
    ApiVersion: '2010-04-01',
    Body: 'HELP',
    From: debtor.phone,
    MessageSid: sid,
    NumMedia: '0',
    NumSegments: '1',
    SmsMessageSid: sid,
    SmsSid: sid,
    SmsStatus: 'received',
    To: SMS_FROM,
  };
  const post = () =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': twilioSignature(platform.secrets.twilioAuthToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  const responses = [await post(), await post()];
  expect(responses.map((r) => r.status)).toEqual([200, 200]);

  await eventually(async () => {
    expect(await debtorEvents(debtor, 'ReplyReceived')).toHaveLength(1);
    const sms = await smsTo(debtor);
    expect(sms).toHaveLength(2); // the reminder and one help text
    expect(sms[1]?.body).toMatch(HELP_TEXT);
  });
  await pause(1_000);
  expect(await debtorEvents(debtor, 'ReplyReceived')).toHaveLength(1);
  expect(await smsTo(debtor)).toHaveLength(2);
});

it('records a provider refusal 21610 as a permanent failure and an opt-out, and blocks SMS after it', async () => {
  const debtor = debtors[4]!;
  await platform.sim('/sim/twilio/error-mode', {
    method: 'PUT',
    body: { mode: 'opted-out', to: debtor.phone },
  });
  try {
    const sms = command(debtor, ContactChannel.SMS);
    await platform.sendCommands([sms], dispatchV1.SendMessageSchema);
    await eventually(async () => {
      const events = await platform.dispatchEvents();
      const failed = eventsFor(events, sms.dispatchId).find((e) => e.type === 'MessageFailed');
      expect(failed?.message).toMatchObject({ errorCode: '21610', permanent: true });
      const optedOut = events.find(
        (e) => e.type === 'ContactOptedOut' && e.message['debtorId'] === debtor.debtorId,
      );
      expect(optedOut?.message).toMatchObject({
        channel: ContactChannel.SMS,
        contactPointId: debtor.mobileId,
        method: dispatchV1.ConsentChangeMethod.PROVIDER,
      });
    });
  } finally {
    await platform.sim('/sim/twilio/error-mode', {
      method: 'PUT',
      body: { mode: null, to: debtor.phone },
    });
  }

  const later = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([later], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    const blocked = eventsFor(await platform.dispatchEvents(), later.dispatchId).find(
      (e) => e.type === 'MessageBlocked',
    );
    expect(blocked?.message['reasons']).toEqual([
      expect.objectContaining({ code: 'opted_out.sms' }),
    ]);
  });
  expect(await simMessages(debtor.phone)).toEqual([]);
});

it('settles a send whose answer never came by asking Twilio, without sending twice', async () => {
  const debtor = debtors[5]!;
  // Status callbacks held back well past the 1 s timeout and the 0.5 s reconciliation delay,
  // so only the look-up in Twilio's message list can tell dispatch the message exists.
  await platform.sim('/sim/config', { method: 'PUT', body: { twilioStatusDelayMs: 5_000 } });
  await platform.sim('/sim/twilio/error-mode', {
    method: 'PUT',
    body: { mode: 'accept-then-timeout', to: debtor.phone, remaining: 1 },
  });
  const sms = command(debtor, ContactChannel.SMS);
  try {
    await platform.sendCommands([sms], dispatchV1.SendMessageSchema);
    await eventually(async () => {
      expect(await typesOf(sms.dispatchId)).toContain('MessageSent');
    });
    const [held] = await simMessages(debtor.phone);
    expect(held?.status).toBe('queued'); // no callback has reported it yet
  } finally {
    await platform.sim('/sim/config', { method: 'PUT', body: { twilioStatusDelayMs: 50 } });
  }
  await eventually(async () => {
    expect(await typesOf(sms.dispatchId)).toContain('MessageDelivered');
  });
  const types = await typesOf(sms.dispatchId);
  expect(types).toEqual(['MessageRequested', 'MessageSent', 'MessageDelivered']);
  const messages = await simMessages(debtor.phone);
  expect(messages).toHaveLength(1);
  const stats = await platform.sim<{ requests: Record<string, number> }>('/sim/stats');
  expect(stats.requests[debtor.phone]).toBe(1);
  const sent = eventsFor(await platform.dispatchEvents(), sms.dispatchId).find(
    (e) => e.type === 'MessageSent',
  );
  expect(sent?.message['providerMessageId']).toBe(messages[0]?.sid);
});

it('answers a debtor whose message was reported by a callback before its send timed out', async () => {
  // With callbacks at their usual pace the report comes first and the hung request ends
  // ambiguous afterwards: the message is already sent, but its address must still be known.
  const debtor = debtors[11]!;
  await platform.sim('/sim/twilio/error-mode', {
    method: 'PUT',
    body: { mode: 'accept-then-timeout', to: debtor.phone, remaining: 1 },
  });
  const sms = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([sms], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    expect(await typesOf(sms.dispatchId)).toEqual([
      'MessageRequested',
      'MessageSent',
      'MessageDelivered',
    ]);
  });
  await pause(1_500); // past the 1 s timeout: the ambiguous answer has been handled
  const stats = await platform.sim<{ requests: Record<string, number> }>('/sim/stats');
  expect(stats.requests[debtor.phone]).toBe(1); // not sent again
  await reply(debtor, 'STOP');
  await eventually(async () => {
    expect(await debtorEvents(debtor, 'ContactOptedOut')).toHaveLength(1);
    expect(await smsTo(debtor)).toHaveLength(2); // the reminder and one confirmation
  });
  expect(await typesOf(sms.dispatchId)).toEqual([
    'MessageRequested',
    'MessageSent',
    'MessageDelivered',
  ]);
});

it('follows an email through delivered, opened and clicked, and fails a bounced one', async () => {
  const { rates } = await platform.sim<{ rates: Record<string, number> }>('/sim/config');
  const setRates = (changes: Record<string, number>) =>
    platform.sim('/sim/config', { method: 'PUT', body: { rates: changes } });
  try {
    await setRates({ emailOpen: 1, emailClick: 1, emailBounce: 0 });
    const opened = debtors[6]!;
    const email = command(opened, ContactChannel.EMAIL);
    await platform.sendCommands([email], dispatchV1.SendMessageSchema);
    await eventually(async () => {
      expect(await typesOf(email.dispatchId)).toEqual([
        'MessageRequested',
        'MessageSent',
        'MessageDelivered',
        'MessageRead',
        'LinkClicked',
      ]);
    });
    expect(await simMessages(opened.email)).toHaveLength(1);

    await setRates({ emailBounce: 1 });
    const bounced = debtors[7]!;
    const bouncing = command(bounced, ContactChannel.EMAIL);
    await platform.sendCommands([bouncing], dispatchV1.SendMessageSchema);
    await eventually(async () => {
      const events = eventsFor(await platform.dispatchEvents(), bouncing.dispatchId);
      expect(events.map((e) => e.type)).toEqual([
        'MessageRequested',
        'MessageSent',
        'MessageFailed',
      ]);
      expect(events[2]?.message).toMatchObject({ errorCode: 'bounce', permanent: true });
    });
  } finally {
    await setRates({
      emailOpen: rates['emailOpen'] ?? 0,
      emailClick: rates['emailClick'] ?? 0,
      emailBounce: rates['emailBounce'] ?? 0,
    });
  }
});

it('cancels a queued command on CancelMessage, with the reason given', async () => {
  const debtor = debtors[8]!;
  const later = command(debtor, ContactChannel.SMS, {
    notBefore: timestampFromDate(new Date(clock().getTime() + HOUR_MS)),
  });
  await platform.sendCommands([later], dispatchV1.SendMessageSchema);
  // Same partition key as the SendMessage: it is handled after it.
  await platform.publishCommand(dispatchV1.CancelMessageSchema, debtor.debtorId, {
    dispatchId: later.dispatchId,
    reason: 'strategy_changed',
  });
  await eventually(async () => {
    const events = eventsFor(await platform.dispatchEvents(), later.dispatchId);
    expect(events.map((e) => e.type)).toEqual(['MessageRequested', 'MessageCancelled']);
    expect(events[1]?.message['reason']).toBe('strategy_changed');
  });
  expect(await simMessages(debtor.phone)).toEqual([]);
});

it('dead-letters a malformed SendMessage, naming the field', async () => {
  const debtor = debtors[8]!;
  const noId = command(debtor, ContactChannel.SMS, { dispatchId: '' });
  const voice = command(debtor, ContactChannel.VOICE);
  await platform.sendCommands([noId, voice], dispatchV1.SendMessageSchema);
  const dlq = dlqTopicOf(topicCatalogue.dispatchCommands.name);
  await eventually(
    async () => {
      const records = (await readTopicToEnd(platform.kafka, dlq)).filter(
        (record) => record.headers['ce_tenantid'] === platform.tenant,
      );
      const reasonOf = (dispatchId: string) =>
        records.find(
          (record) =>
            record.value &&
            fromBinary(dispatchV1.SendMessageSchema, record.value).dispatchId === dispatchId,
        )?.headers[DeadLetterHeader.reason];
      expect(reasonOf('')).toMatch(/^dispatch_id:/);
      expect(reasonOf(voice.dispatchId)).toMatch(/channel:/);
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  );
  expect(await typesOf(voice.dispatchId)).toEqual([]);
});

it('cancels a reminder when the creditor reports a payment before it is due', async () => {
  const debtor = debtors[9]!;
  const noPaymentSince = clock();
  const reminder = command(debtor, ContactChannel.SMS, {
    notBefore: timestampFromDate(new Date(noPaymentSince.getTime() + HOUR_MS)),
    validity: { noPaymentSince: timestampFromDate(noPaymentSince) },
  });
  await platform.sendCommands([reminder], dispatchV1.SendMessageSchema);
  await platform.publishCrm(
    crmV1.PaymentReportedSchema,
    `${platform.tenant}:${debtor.creditorDebtorId}`,
    {
      creditorDebtorId: debtor.creditorDebtorId,
      accountReference: `A-${debtor.creditorDebtorId}`,
      sourceVersion: 1n,
      creditorPaymentReference: `P-${randomUUID().slice(0, 8)}`,
      amount: { amountMinor: 10_000n, currency: 'GBP' },
      paidAt: timestampFromDate(new Date(noPaymentSince.getTime() + 1_000)),
      method: crmV1.PaymentMethod.CARD,
      status: crmV1.PaymentReportStatus.RECEIVED,
    },
  );
  // case-service turns it into CreditorPaymentReported; dispatch records it for the case.
  await eventually(
    async () => {
      const rows = (await dispatch.dataSource.query(
        `SELECT 1 FROM "${dispatch.config.DATABASE_SCHEMA}"."case_states" WHERE "tenant_id" = $1 AND "case_id" = $2 AND "last_payment_at" IS NOT NULL`,
        [platform.tenant, debtor.caseId],
      )) as unknown[];
      expect(rows).toHaveLength(1);
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  expect(await typesOf(reminder.dispatchId)).toEqual(['MessageRequested']);

  advanceClock(HOUR_MS + 60_000);
  await eventually(async () => {
    const events = eventsFor(await platform.dispatchEvents(), reminder.dispatchId);
    expect(events.map((e) => e.type)).toEqual(['MessageRequested', 'MessageCancelled']);
    expect(events[1]?.message['reason']).toBe('payment_received');
  });
  expect(await simMessages(debtor.phone)).toEqual([]);
});
