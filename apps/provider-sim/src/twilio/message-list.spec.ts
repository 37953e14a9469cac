import type { SimTwilioMessage } from '../sim-state';
import { listMessages } from './message-list';

const ACCOUNT = `AC${'0'.repeat(32)}`;

function message(sid: string, to: string, dateSent: string | null): SimTwilioMessage {
  const created = new Date('2024-05-01T10:00:00Z');
  return {
    channel: 'sms',
    direction: 'outbound-api',
    sid,
    accountSid: ACCOUNT,
    to,
    from: '+15005550006',
    body: 'Hola',
    messagingServiceSid: null,
    contentSid: null,
    contentVariables: null,
    statusCallback: null,
    dateCreated: created,
    status: dateSent ? 'sent' : 'queued',
    errorCode: null,
    dateUpdated: created,
    dateSent: dateSent ? new Date(dateSent) : null,
    history: [],
  };
}

const MESSAGES = [
  message('SM3', '+34600000001', null),
  message('SM2', '+34600000002', '2024-05-02T09:00:00Z'),
  message('SM1', '+34600000001', '2024-05-01T10:00:01Z'),
];

function sids(query: string): unknown {
  const result = listMessages(ACCOUNT, MESSAGES, new URLSearchParams(query));
  expect(result.status).toBe(200);
  return ((result.body as Record<string, unknown>)['messages'] as { sid: string }[]).map(
    (m) => m.sid,
  );
}

describe('listMessages', () => {
  it('filters by To, keeping the given order (newest first)', () => {
    expect(sids('To=%2B34600000001')).toEqual(['SM3', 'SM1']);
    expect(sids('')).toEqual(['SM3', 'SM2', 'SM1']);
  });

  it('filters by DateSent (day or date-time, inclusive bounds), leaving unsent messages out', () => {
    expect(sids('DateSent>=2024-05-01T10:00:01Z')).toEqual(['SM2', 'SM1']);
    expect(sids('DateSent>=2024-05-01T10:00:02Z')).toEqual(['SM2']);
    expect(sids('DateSent<=2024-05-01')).toEqual(['SM1']);
    expect(sids('DateSent=2024-05-02')).toEqual(['SM2']);
    expect(sids('To=%2B34600000001&DateSent>=2024-05-01')).toEqual(['SM1']);
  });

  it('answers in the shape of a Twilio list page, with page links', () => {
    const result = listMessages(ACCOUNT, MESSAGES, new URLSearchParams('PageSize=2'));
    const base = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
    expect(result.body).toMatchObject({
      page: 0,
      page_size: 2,
      start: 0,
      end: 1,
      uri: `${base}?PageSize=2&Page=0`,
      first_page_uri: `${base}?PageSize=2&Page=0`,
      previous_page_uri: null,
      next_page_uri: `${base}?PageSize=2&Page=1`,
    });
    expect(sids('PageSize=2&Page=1')).toEqual(['SM1']);
  });

  it('refuses a malformed date or page size with 400', () => {
    expect(
      listMessages(ACCOUNT, MESSAGES, new URLSearchParams('DateSent>=yesterday')),
    ).toMatchObject({ status: 400, body: { code: 20001 } });
    expect(listMessages(ACCOUNT, MESSAGES, new URLSearchParams('PageSize=0')).status).toBe(400);
  });
});
