import {
  eventView,
  isDelivered,
  PspEventLog,
  WEBHOOK_MAX_ATTEMPTS,
  webhookRetryDelayMs,
} from './psp-event-log';

const NOW = new Date('2026-03-01T10:00:00Z');

function log(): PspEventLog {
  let n = 0;
  return new PspEventLog(
    () => NOW,
    (prefix) => `${prefix}_${++n}`,
  );
}

describe('PspEventLog', () => {
  it('records an event with the body every delivery sends', () => {
    const events = log();
    const record = events.record({
      type: 'payment_intent.succeeded',
      object: { id: 'pi_1', metadata: { payment_id: 'pay-1' } },
    });
    expect(JSON.parse(record.body)).toEqual({
      id: 'evt_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(NOW.getTime() / 1000),
      data: { object: { id: 'pi_1', metadata: { payment_id: 'pay-1' } } },
    });
    expect(events.find('evt_1')).toBe(record);
  });

  it('numbers deliveries and shows them with the event', () => {
    const events = log();
    const record = events.record({ type: 'mandate.active', object: { id: 'md_1' } });
    events.addDelivery(record, 500, false);
    events.addDelivery(record, null, false);
    events.addDelivery(record, 200, true);
    expect(eventView(record)).toMatchObject({
      id: 'evt_1',
      type: 'mandate.active',
      deliveries: [
        { attempt: 1, status: 500, redelivery: false, at: NOW.toISOString() },
        { attempt: 2, status: null, redelivery: false },
        { attempt: 3, status: 200, redelivery: true },
      ],
    });
  });

  it('filters by type, payment (ours or the PSP id) and mandate', () => {
    const events = log();
    events.record({
      type: 'payment_intent.succeeded',
      object: { id: 'pi_1', metadata: { payment_id: 'pay-1' } },
    });
    events.record({
      type: 'refund.succeeded',
      object: { id: 're_1', payment_intent: 'pi_1', metadata: { refund_id: 'ref-1' } },
    });
    events.record({
      type: 'collection.failed',
      object: { id: 'col_1', mandate: 'md_1', metadata: { payment_id: 'pay-2' } },
    });
    events.record({
      type: 'mandate.active',
      object: { id: 'md_1', metadata: { mandate_id: 'man-1' } },
    });
    const ids = (filter: Parameters<PspEventLog['list']>[0]): string[] =>
      events.list(filter).map((record) => record.id);

    expect(ids({})).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4']);
    expect(ids({ type: 'refund.succeeded' })).toEqual(['evt_2']);
    expect(ids({ paymentId: 'pay-1' })).toEqual(['evt_1']);
    expect(ids({ paymentId: 'pi_1' })).toEqual(['evt_1', 'evt_2']);
    expect(ids({ paymentId: 'col_1' })).toEqual(['evt_3']);
    expect(ids({ mandateId: 'md_1' })).toEqual(['evt_3', 'evt_4']);
    expect(ids({ mandateId: 'man-1', type: 'mandate.active' })).toEqual(['evt_4']);
    events.clear();
    expect(ids({})).toEqual([]);
  });
});

describe('webhook retry schedule', () => {
  it('waits 1 s, 2 s, 4 s, 8 s between five attempts', () => {
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(5);
    expect([2, 3, 4, 5].map(webhookRetryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('counts only 2xx as delivered', () => {
    expect([200, 204, 299, 300, 404, 500, null].map(isDelivered)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
