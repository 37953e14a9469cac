import type { JourneyState } from '@clement/strategy-engine';

/** Where a case is in its strategy, for staff: no personal data, instants as ISO strings. */
export interface JourneyView {
  caseId: string;
  debtorId: string;
  status: string;
  strategy: { strategyId: string; version: number; arm: string } | null;
  segmentId: string | null;
  stage: string | null;
  pathId: string | null;
  stepId: string | null;
  /** When the engine next looks at the case on its own (a wait ending, a pause, a reminder). */
  nextWakeAt: string | null;
  pause: { reason: string; until: string } | null;
  holds: { kind: string; endsAt: string | null }[];
  plan: { planId: string; nextReminderAt: string | null } | null;
  pendingMessages: {
    dispatchId: string;
    channel: string;
    templateKey: string;
    stepId: string;
    requestedAt: string;
    outcome: string | null;
    fallbacks: string[];
  }[];
  engagement: JourneyState['facts']['engagement'];
  endedReason: string | null;
  updatedAt: string;
}

const isoOf = (instant: number): string => new Date(instant).toISOString();
const iso = (instant: number | undefined): string | null =>
  instant === undefined ? null : isoOf(instant);

/** The staff view of a stored journey. */
export function journeyView(journey: JourneyState, updatedAt: Date): JourneyView {
  return {
    caseId: journey.caseId,
    debtorId: journey.debtorId,
    status: journey.status,
    strategy: journey.strategy ? { ...journey.strategy, arm: journey.arm ?? 'champion' } : null,
    segmentId: journey.segmentId ?? null,
    stage: journey.stage ?? null,
    pathId: journey.position?.pathId ?? null,
    stepId: journey.position?.stepId ?? null,
    nextWakeAt: iso(journey.wakeAt),
    pause: journey.pause
      ? { reason: journey.pause.reason, until: isoOf(journey.pause.until) }
      : null,
    holds: journey.holds.map((hold) => ({ kind: hold.kind, endsAt: iso(hold.endsAt) })),
    plan: journey.plan
      ? { planId: journey.plan.planId, nextReminderAt: iso(journey.plan.nextReminderAt) }
      : null,
    pendingMessages: journey.pending.map((message) => ({
      dispatchId: message.dispatchId,
      channel: message.channel,
      templateKey: message.templateKey,
      stepId: message.stepId,
      requestedAt: isoOf(message.requestedAt),
      outcome: message.outcome ?? null,
      fallbacks: message.fallbacks,
    })),
    engagement: journey.facts.engagement,
    endedReason: journey.endedReason ?? null,
    updatedAt: updatedAt.toISOString(),
  };
}
