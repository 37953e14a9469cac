import { newJourney } from '@clement/strategy-engine';
import type { JourneyState } from '@clement/strategy-engine';
import { journeyView } from './journey-view';

const base = newJourney({
  tenantId: 'acme',
  caseId: 'case-1',
  debtorId: 'debtor-1',
}) as JourneyState;

describe('journeyView', () => {
  it('shows an unassigned journey with nothing pending', () => {
    expect(journeyView(base, new Date(0))).toMatchObject({
      caseId: 'case-1',
      status: 'unassigned',
      strategy: null,
      pathId: null,
      nextWakeAt: null,
      pendingMessages: [],
      updatedAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('shows the position, the pause, holds and pending messages with ISO instants', () => {
    const journey: JourneyState = {
      ...base,
      status: 'paused',
      strategy: { strategyId: 'early', version: 2 },
      arm: 'challenger',
      segmentId: 'default',
      stage: 'early',
      position: { pathId: 'digital', stepId: 'await', entered: true, until: 3_600_000 },
      wakeAt: 7_200_000,
      pause: { reason: 'promise', until: 7_200_000, promiseId: 'p-1' },
      holds: [{ holdId: 'h-1', kind: 'dispute' }],
      pending: [
        {
          dispatchId: 'dsp-1',
          channel: 'whatsapp',
          fallbacks: ['sms'],
          templateKey: 'reminder.first',
          purpose: 'reminder',
          tone: 'standard',
          expiresAfterMs: 1,
          stepId: 'first',
          requestedAt: 60_000,
          outcome: 'deferred',
        },
      ],
    };
    expect(journeyView(journey, new Date(0))).toMatchObject({
      status: 'paused',
      strategy: { strategyId: 'early', version: 2, arm: 'challenger' },
      pathId: 'digital',
      stepId: 'await',
      nextWakeAt: '1970-01-01T02:00:00.000Z',
      pause: { reason: 'promise', until: '1970-01-01T02:00:00.000Z' },
      holds: [{ kind: 'dispute', endsAt: null }],
      pendingMessages: [
        {
          dispatchId: 'dsp-1',
          channel: 'whatsapp',
          requestedAt: '1970-01-01T00:01:00.000Z',
          outcome: 'deferred',
          fallbacks: ['sms'],
        },
      ],
    });
  });
});
