import {
  advances,
  attemptTarget,
  FINAL_STATUSES,
  MESSAGE_STATUSES,
  type MessageRecord,
  type MessageStatus,
} from './message';

type Report = 'sent' | 'delivered' | 'read';

/**
 * Whether a provider report moves a message forward, written out by hand per status: only a
 * message with an attempt (sending, reconciling, unknown, or already reported) advances, and
 * never backwards or sideways.
 */
const ADVANCES: Record<MessageStatus, Record<Report, boolean>> = {
  // No attempt in flight: a report cannot belong to it.
  pending: { sent: false, delivered: false, read: false },
  sending: { sent: true, delivered: true, read: true },
  reconciling: { sent: true, delivered: true, read: true },
  // The surfaced "may have been sent" state: a late report settles it.
  unknown: { sent: true, delivered: true, read: true },
  sent: { sent: false, delivered: true, read: true },
  delivered: { sent: false, delivered: false, read: true },
  read: { sent: false, delivered: false, read: false },
  failed: { sent: false, delivered: false, read: false },
  blocked: { sent: false, delivered: false, read: false },
  cancelled: { sent: false, delivered: false, read: false },
};

const REPORTS: Report[] = ['sent', 'delivered', 'read'];

describe('advances', () => {
  it('has an expectation for every status', () => {
    expect(Object.keys(ADVANCES).sort()).toEqual([...MESSAGE_STATUSES].sort());
  });

  it.each(
    MESSAGE_STATUSES.flatMap((current) =>
      REPORTS.map((next) => ({ current, next, expected: ADVANCES[current][next] })),
    ),
  )('$current + report $next → $expected', ({ current, next, expected }) => {
    expect(advances(current, next)).toBe(expected);
  });

  it.each(['failed', 'blocked', 'cancelled'] as const)(
    'never moves a %s message, whatever the report',
    (terminal) => {
      expect(REPORTS.map((next) => advances(terminal, next))).toEqual([false, false, false]);
    },
  );

  it('never moves a message backwards along sent → delivered → read', () => {
    const order: Report[] = ['sent', 'delivered', 'read'];
    for (const [i, current] of order.entries()) {
      for (const [j, next] of order.entries()) {
        expect({ current, next, advances: advances(current, next) }).toEqual({
          current,
          next,
          advances: j > i,
        });
      }
    }
  });

  it('moves only messages that have an attempt', () => {
    const movable = MESSAGE_STATUSES.filter((status) => REPORTS.some((r) => advances(status, r)));

    expect(movable).toEqual(['sending', 'reconciling', 'sent', 'delivered', 'unknown']);
  });

  it('still moves final statuses a webhook may add to (sent, delivered, unknown)', () => {
    const finalButMovable = [...FINAL_STATUSES].filter((s) => REPORTS.some((r) => advances(s, r)));

    expect(finalButMovable.sort()).toEqual(['delivered', 'sent', 'unknown']);
  });
});

describe('attemptTarget', () => {
  const message = (overrides: Partial<MessageRecord> = {}): MessageRecord => ({
    tenantId: 'acme-bank',
    dispatchId: 'dispatch-1',
    caseId: 'case-1',
    debtorId: 'debtor-1',
    channel: 'sms',
    purpose: 'reminder',
    tone: 'standard',
    templateKey: 'reminder.first',
    origin: 'command',
    validity: { caseStatuses: [] },
    requestedAt: new Date('2026-06-17T11:00:00Z'),
    status: 'sending',
    attempts: 1,
    ...overrides,
  });

  it.each([
    { contactPointId: 'cp-mobile', provider: 'twilio' as const },
    { contactPointId: 'cp-email', provider: 'sendgrid' as const },
  ])('returns the recorded $provider attempt to $contactPointId', (target) => {
    expect(attemptTarget(message({ ...target, sender: '+447700900123' }))).toEqual(target);
  });

  it.each([
    { name: 'no contact point', overrides: { provider: 'twilio' as const } },
    { name: 'no provider', overrides: { contactPointId: 'cp-mobile' } },
    { name: 'neither', overrides: {} },
    {
      name: 'an empty contact point id',
      overrides: { contactPointId: '', provider: 'twilio' as const },
    },
  ])('throws naming the message when it has $name', ({ overrides }) => {
    expect(() => attemptTarget(message(overrides))).toThrow(
      'message dispatch-1 has no recorded attempt',
    );
  });
});
