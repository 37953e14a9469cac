import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1 } from '@clement/contracts';
import { eventually, uniqueName } from '@clement/testing';
import { randomUUID } from 'node:crypto';
import {
  type DispatchServiceHarness,
  startDispatchService,
} from './__fixtures__/dispatch-service-harness';
import { testTenantsJson } from './__fixtures__/dispatch-test-env';
import {
  type PlacedDebtor,
  SendingPlatform,
  type SimMessage,
} from './__fixtures__/sending-platform';

// Issue 4, acceptance 2: real Kafka, PostgreSQL, case-service and the provider simulator; the
// official SDKs make the calls. dispatch runs in-process with a virtual clock, so "07:30 in the
// debtor's zone" is a time the test chooses. The tenant's window is 08:00–21:00 every day.

jest.setTimeout(240_000);

const SMS_FROM = '+447700900001';
let platform: SendingPlatform;
let dispatch: DispatchServiceHarness;
let debtors: PlacedDebtor[];

// The virtual clock runs at real speed from wherever the test last set it.
let virtualBase = Date.parse('2026-12-01T12:00:00Z');
let realBase = Date.now();
const clock = (): Date => new Date(virtualBase + (Date.now() - realBase));
function setClock(iso: string): void {
  virtualBase = Date.parse(iso);
  realBase = Date.now();
}

const simMessages = (to: string): Promise<SimMessage[]> => platform.simMessages(to);

const eventsFor = async (dispatchId: string) =>
  (await platform.dispatchEvents()).filter((event) => event.message.dispatchId === dispatchId);

function command(
  debtor: PlacedDebtor,
  channel: ContactChannel,
  overrides: Partial<{ templateKey: string; purpose: dispatchV1.MessagePurpose }> = {},
) {
  return {
    dispatchId: `it-${randomUUID()}`,
    caseId: debtor.caseId,
    debtorId: debtor.debtorId,
    channel,
    purpose: overrides.purpose ?? dispatchV1.MessagePurpose.REMINDER,
    tone: dispatchV1.MessageTone.STANDARD,
    templateKey: overrides.templateKey ?? 'reminder.first',
  };
}

beforeAll(async () => {
  platform = await new SendingPlatform().start();
  dispatch = await startDispatchService({
    schema: uniqueName('dispatch_send')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_'),
    port: platform.dispatchPort,
    overrides: { clock },
    env: platform.dispatchEnv({
      DISPATCH_TENANTS_JSON: testTenantsJson(platform.tenant, { openAllDay: false }),
    }),
  });
  debtors = await platform.placeDebtors(4);
  expect(debtors).toHaveLength(4);
  // The debtors' case events must reach dispatch's projection before commands are judged.
  await eventually(
    async () => {
      const [row] = (await dispatch.dataSource.query(
        `SELECT count(DISTINCT "debtor_id")::int AS n FROM "${dispatch.config.DATABASE_SCHEMA}"."contact_points" WHERE "tenant_id" = $1`,
        [platform.tenant],
      )) as { n: number }[];
      expect(row?.n).toBe(4);
    },
    { timeoutMs: 60_000 },
  );
});

afterAll(async () => {
  await dispatch?.close();
  platform?.stop();
});

it('turns a command into a Twilio request made by the SDK, and a signed callback into delivered', async () => {
  setClock('2026-12-01T12:00:00Z');
  const debtor = debtors[0]!;
  const sms = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([sms], dispatchV1.SendMessageSchema);

  await eventually(
    async () => {
      const types = (await eventsFor(sms.dispatchId)).map((event) => event.type);
      expect(types).toEqual(['MessageRequested', 'MessageSent', 'MessageDelivered']);
    },
    { timeoutMs: 30_000 },
  );
  const [message] = await simMessages(debtor.phone);
  // Discreet: brand, a personal portal link, how to opt out; no amount, no debt wording.
  expect(message).toMatchObject({ channel: 'sms', to: debtor.phone, from: SMS_FROM });
  expect(message?.body).toContain('Acme Lending');
  expect(message?.body).toMatch(/https:\/\/portal\.acme-lending\.example\/l\/[A-Za-z0-9_-]+/);
  expect(message?.body).toMatch(/STOP/);
  expect(message?.body).not.toMatch(/420|£|debt|owe|arrears/i);
  const sent = (await eventsFor(sms.dispatchId)).find((e) => e.type === 'MessageSent')!;
  expect(sent.message).toMatchObject({
    providerMessageId: message?.sid,
    provider: dispatchV1.Provider.TWILIO,
    contactPointId: debtor.mobileId,
  });
});

it('sends a command asked for at 07:30 in the debtor’s zone at 08:00', async () => {
  setClock('2026-12-02T07:30:00Z'); // London is on GMT in December
  const debtor = debtors[1]!;
  const sms = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([sms], dispatchV1.SendMessageSchema);

  await eventually(async () => {
    const deferred = (await eventsFor(sms.dispatchId)).find((e) => e.type === 'MessageDeferred');
    expect(deferred).toBeDefined();
    const until = timestampDate(deferred!.message['until'] as never);
    expect(until.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(deferred!.message['reasons']).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'quiet_hours' })]),
    );
  });
  // Still 07:3x: nothing may reach the phone.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await simMessages(debtor.phone)).toHaveLength(0);

  setClock('2026-12-02T08:00:00Z');
  await eventually(async () => {
    const sent = (await eventsFor(sms.dispatchId)).find((e) => e.type === 'MessageSent');
    expect(sent).toBeDefined();
    const sentAt = timestampDate(sent!.message['sentAt'] as never).getTime();
    expect(sentAt).toBeGreaterThanOrEqual(Date.parse('2026-12-02T08:00:00Z'));
    expect(sentAt).toBeLessThan(Date.parse('2026-12-02T08:01:00Z'));
  });
  expect(await simMessages(debtor.phone)).toHaveLength(1);
});

it('stops SMS after STOP, with one confirmation, and still sends email', async () => {
  setClock('2026-12-03T12:00:00Z');
  const debtor = debtors[2]!;
  const first = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([first], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    expect((await eventsFor(first.dispatchId)).map((e) => e.type)).toContain('MessageSent');
  });

  // The debtor answers STOP from their phone; the simulator posts it signed, as Twilio does.
  await platform.sim('/sim/twilio/inbound', {
    method: 'POST',
    body: { from: debtor.phone, to: SMS_FROM, body: 'Stop' },
  });
  await eventually(async () => {
    const optedOut = (await platform.dispatchEvents()).find(
      (e) => e.type === 'ContactOptedOut' && e.message['debtorId'] === debtor.debtorId,
    );
    expect(optedOut?.message).toMatchObject({
      channel: ContactChannel.SMS,
      contactPointId: debtor.mobileId,
      method: dispatchV1.ConsentChangeMethod.KEYWORD,
    });
    const outbound = (await simMessages(debtor.phone)).filter((m) => m.from === SMS_FROM);
    expect(outbound).toHaveLength(2); // the reminder and one confirmation
  });

  const sms = command(debtor, ContactChannel.SMS);
  const email = command(debtor, ContactChannel.EMAIL);
  await platform.sendCommands([sms, email], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    const blocked = (await eventsFor(sms.dispatchId)).find((e) => e.type === 'MessageBlocked');
    expect(blocked?.message['reasons']).toEqual([
      expect.objectContaining({ code: 'opted_out.sms' }),
    ]);
    const emailTypes = (await eventsFor(email.dispatchId)).map((e) => e.type);
    expect(emailTypes).toEqual(
      expect.arrayContaining(['MessageRequested', 'MessageSent', 'MessageDelivered']),
    );
  });
  const [mail] = await simMessages(debtor.email);
  expect(mail).toMatchObject({ channel: 'email', to: debtor.email });
  expect(mail?.subject).not.toMatch(/\d|debt|owe/i);
  expect((await simMessages(debtor.phone)).filter((m) => m.from === SMS_FROM)).toHaveLength(2);
});

it('blocks a command queued before a hold was placed', async () => {
  setClock('2026-12-04T07:30:00Z');
  const debtor = debtors[3]!;
  const sms = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([sms], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    expect((await eventsFor(sms.dispatchId)).map((e) => e.type)).toContain('MessageDeferred');
  });

  const agent = await platform.mint({ roles: ['agent'], tenant: platform.tenant });
  const hold = await fetch(`${platform.caseServiceUrl}/v1/cases/${debtor.caseId}/holds`, {
    method: 'POST',
    headers: platform.auth(agent),
    body: JSON.stringify({ kind: 'dispute', reason: 'debtor disputes the balance' }),
  });
  expect(hold.status).toBeLessThan(300);
  await eventually(async () => {
    const rows = (await dispatch.dataSource.query(
      `SELECT 1 FROM "${dispatch.config.DATABASE_SCHEMA}"."debtor_holds" WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [platform.tenant, debtor.debtorId],
    )) as unknown[];
    expect(rows).toHaveLength(1);
  });

  setClock('2026-12-04T08:00:00Z');
  await eventually(async () => {
    const blocked = (await eventsFor(sms.dispatchId)).find((e) => e.type === 'MessageBlocked');
    expect(blocked?.message['reasons']).toEqual([
      expect.objectContaining({ code: 'hold.dispute' }),
    ]);
  });
  expect(await simMessages(debtor.phone)).toHaveLength(0);
});

it('forgets an erased debtor: no reply index entry, and a new command is cancelled', async () => {
  setClock('2026-12-05T12:00:00Z');
  const debtor = debtors[0]!; // messaged by the first test, so the reply index knows the phone
  const indexed = async () =>
    (await dispatch.dataSource.query(
      `SELECT 1 FROM "${dispatch.config.DATABASE_SCHEMA}"."address_index" WHERE "tenant_id" = $1 AND "debtor_id" = $2`,
      [platform.tenant, debtor.debtorId],
    )) as unknown[];
  expect(await indexed()).toHaveLength(1);

  const officer = await platform.mint({ roles: ['privacy-officer'], tenant: platform.tenant });
  const erased = await fetch(`${platform.caseServiceUrl}/v1/debtors/${debtor.debtorId}/erasure`, {
    method: 'POST',
    headers: platform.auth(officer),
  });
  expect(erased.status).toBe(200);
  await eventually(async () => expect(await indexed()).toHaveLength(0));

  const sms = command(debtor, ContactChannel.SMS);
  await platform.sendCommands([sms], dispatchV1.SendMessageSchema);
  await eventually(async () => {
    const cancelled = (await eventsFor(sms.dispatchId)).find((e) => e.type === 'MessageCancelled');
    expect(cancelled?.message['reason']).toBe('debtor_erased');
  });
  expect(await simMessages(debtor.phone)).toHaveLength(1); // only the first test's message
});
