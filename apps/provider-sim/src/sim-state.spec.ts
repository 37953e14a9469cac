import type { SimSettings } from './domain/settings';
import { SimState, type SimTwilioMessage } from './sim-state';

const ACCOUNT = `AC${'0'.repeat(32)}`;

function twilioMessage(
  sid: string,
  to: string,
  direction: SimTwilioMessage['direction'] = 'outbound-api',
): SimTwilioMessage {
  const now = new Date();
  return {
    channel: 'sms',
    direction,
    sid,
    accountSid: ACCOUNT,
    to,
    from: '+15005550006',
    body: 'Hola',
    messagingServiceSid: null,
    contentSid: null,
    contentVariables: null,
    statusCallback: null,
    dateCreated: now,
    status: 'queued',
    errorCode: null,
    dateUpdated: now,
    dateSent: null,
    history: [],
  };
}

describe('SimState stats', () => {
  it('counts create requests and outbound messages per destination, until reset', () => {
    const state = new SimState('seed', {} as SimSettings);
    const before = Date.now();
    state.countRequest('+34600000001');
    state.countRequest('+34600000001');
    state.countRequest('+34600000002');
    state.addTwilio(twilioMessage('SM1', '+34600000001'));
    state.addTwilio(twilioMessage('SM2', '+15005550006', 'inbound'));

    const { requestTimes, ...counts } = state.stats();
    expect(counts).toEqual({
      requests: { '+34600000001': 2, '+34600000002': 1 },
      created: { '+34600000001': 1 },
    });
    expect(requestTimes).toHaveLength(3);
    expect(Math.min(...requestTimes)).toBeGreaterThanOrEqual(before);
    expect(state.twilioMessages(ACCOUNT).map((m) => m.sid)).toEqual(['SM2', 'SM1']);

    state.reset();
    expect(state.stats()).toEqual({ requests: {}, created: {}, requestTimes: [] });
  });
});
