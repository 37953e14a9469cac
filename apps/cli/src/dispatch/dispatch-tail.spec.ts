import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1 } from '@clement/contracts';
import { ContentType, envelopeToHeaders, type IncomingRecord } from '@clement/messaging';
import { dispatchEventLine, formatDispatchEvent } from './dispatch-tail';

const at = { time: '2026-11-23T21:00:00.000Z', tenant: 'demo-bank' };
const line = <S extends DescMessage>(schema: S, init: MessageInitShape<S>) =>
  formatDispatchEvent({ ...at, type: schema.typeName }, create(schema, init));

describe('formatDispatchEvent', () => {
  it('shows when a deferred message goes and why it waits', () => {
    expect(
      line(dispatchV1.MessageDeferredSchema, {
        dispatchId: 'cli-1',
        debtorId: 'debtor-1',
        until: timestampFromDate(new Date('2026-11-24T08:00:00Z')),
        reasons: [
          { code: 'quiet_hours', detail: 'outside 09:00–21:00' },
          { code: 'frequency.7d', detail: '' },
        ],
      }),
    ).toBe(
      '2026-11-23T21:00:00.000Z  demo-bank  MessageDeferred  cli-1  ' +
        'until=2026-11-24T08:00:00.000Z  reasons=quiet_hours,frequency.7d',
    );
  });

  it('shows the reason codes of a block and the reason of a cancel', () => {
    expect(
      line(dispatchV1.MessageBlockedSchema, {
        dispatchId: 'cli-2',
        reasons: [{ code: 'hold.dispute' }],
      }),
    ).toBe('2026-11-23T21:00:00.000Z  demo-bank  MessageBlocked  cli-2  reasons=hold.dispute');
    expect(
      line(dispatchV1.MessageCancelledSchema, { dispatchId: 'cli-3', reason: 'expired' }),
    ).toMatch(/ MessageCancelled {2}cli-3 {2}reason=expired$/);
  });

  it("shows the provider's id of a sent message and the code of a failed one", () => {
    expect(
      line(dispatchV1.MessageSentSchema, {
        dispatchId: 'cli-4',
        provider: dispatchV1.Provider.TWILIO,
        providerMessageId: 'SM123',
        channel: ContactChannel.SMS,
      }),
    ).toMatch(/ MessageSent {2}cli-4 {2}provider=twilio {2}provider_id=SM123 {2}channel=sms$/);
    expect(
      line(dispatchV1.MessageFailedSchema, {
        dispatchId: 'cli-5',
        errorCode: '21610',
        permanent: true,
      }),
    ).toMatch(/ MessageFailed {2}cli-5 {2}code=21610 {2}permanent$/);
  });

  it('shows the dispatch id alone for events that add nothing to it', () => {
    expect(line(dispatchV1.MessageDeliveredSchema, { dispatchId: 'cli-6' })).toBe(
      '2026-11-23T21:00:00.000Z  demo-bank  MessageDelivered  cli-6',
    );
    expect(
      line(dispatchV1.MessageRequestedSchema, {
        dispatchId: 'cli-7',
        caseId: 'case-1',
        channel: ContactChannel.WHATSAPP,
      }),
    ).toMatch(/ MessageRequested {2}cli-7 {2}channel=whatsapp {2}case=case-1$/);
    expect(
      line(dispatchV1.ContactOptedOutSchema, {
        channel: ContactChannel.SMS,
        method: dispatchV1.ConsentChangeMethod.KEYWORD,
      }),
    ).toMatch(/ ContactOptedOut {2}- {2}channel=sms {2}method=KEYWORD$/);
  });
});

describe('dispatchEventLine', () => {
  const record = (type: string, value: Buffer, key: string | null = 'demo-bank:d-1') =>
    ({
      topic: 'dispatch.internal.events.v1',
      partition: 0,
      offset: '7',
      key,
      value,
      headers: envelopeToHeaders({
        id: 'evt-1',
        source: '/clement/dispatch-service',
        type,
        time: at.time,
        contentType: ContentType.protobuf,
        tenantId: 'demo-bank',
        partitionKey: 'demo-bank:d-1',
        correlationId: 'evt-1',
      }),
      timestamp: '0',
    }) satisfies IncomingRecord;

  it('decodes a record into its line', () => {
    const value = Buffer.from(
      toBinary(
        dispatchV1.MessageCancelledSchema,
        create(dispatchV1.MessageCancelledSchema, { dispatchId: 'd-9', reason: 'payment' }),
      ),
    );
    expect(dispatchEventLine(record(dispatchV1.MessageCancelledSchema.typeName, value))).toEqual({
      line: '2026-11-23T21:00:00.000Z  demo-bank  MessageCancelled  d-9  reason=payment',
    });
  });

  it('skips what does not decode, saying why', () => {
    expect(
      dispatchEventLine(record('clement.crm.v1.DebtorUpserted', Buffer.from([]))),
    ).toMatchObject({ skipped: expect.stringContaining('DebtorUpserted') });
    expect(
      dispatchEventLine(
        record(dispatchV1.MessageSentSchema.typeName, Buffer.from([0x0a, 0xff, 0xff])),
      ),
    ).toHaveProperty('skipped');
  });
});
