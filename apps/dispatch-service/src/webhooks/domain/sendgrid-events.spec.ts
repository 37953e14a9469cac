import { InvalidWebhookPayloadError } from './invalid-webhook-payload.error';
import { sendgridEventsOf } from './sendgrid-events';

const EVENT = {
  email: 'a@example.com',
  timestamp: 1_800_000_000,
  event: 'bounce',
  sg_event_id: 'ev-1',
  sg_message_id: 'm.1',
};

describe('sendgridEventsOf', () => {
  it('maps events and keeps sg_message_id optional', () => {
    const withoutMessageId = { ...EVENT, sg_message_id: undefined, sg_event_id: 'ev-2' };
    expect(sendgridEventsOf([EVENT, withoutMessageId])).toEqual({
      events: [
        {
          sgEventId: 'ev-1',
          sgMessageId: 'm.1',
          event: 'bounce',
          timestamp: new Date(1_800_000_000_000),
          email: 'a@example.com',
        },
        {
          sgEventId: 'ev-2',
          event: 'bounce',
          timestamp: new Date(1_800_000_000_000),
          email: 'a@example.com',
        },
      ],
      skippedTypes: [],
    });
  });

  it('skips unknown event types', () => {
    expect(sendgridEventsOf([{ ...EVENT, event: 'new_kind' }])).toEqual({
      events: [],
      skippedTypes: ['new_kind'],
    });
  });

  it.each([
    [{}, /array/],
    [[null], /not an object/],
    [[{ ...EVENT, sg_event_id: '' }], /sg_event_id/],
    [[{ ...EVENT, email: 42 }], /email/],
    [[{ ...EVENT, timestamp: '1800000000' }], /timestamp/],
    [[{ ...EVENT, timestamp: 1.5 }], /timestamp/],
    [[{ ...EVENT, sg_message_id: 7 }], /sg_message_id/],
  ])('rejects %p as a whole batch', (body, message) => {
    expect(() => sendgridEventsOf(body)).toThrow(InvalidWebhookPayloadError);
    expect(() => sendgridEventsOf(body)).toThrow(message);
  });
});
