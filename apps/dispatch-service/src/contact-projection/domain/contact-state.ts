import type {
  Channel,
  ChannelConsent,
  ContactPoint,
  DebtorContactState,
  Hold,
  HoldKind,
  OptEvent,
} from '@clement/contact-policy';
import type { ContactPointRecord, DebtorProjection, HoldRecord } from './debtor-projection';

/**
 * Holds that stop contact about every debt of the person, whichever case they were placed on.
 * A dispute or an "other" hold concerns its own case only.
 */
const PERSON_WIDE_HOLDS: ReadonlySet<HoldKind> = new Set([
  'cease_and_desist',
  'insolvency',
  'deceased',
  'breathing_space',
]);

export interface ContactStateOptions {
  /** The tenant's jurisdiction preset key (e.g. 'EU_ES'); the projection does not know it. */
  jurisdiction: string;
  /** The case the message is about; without it every hold of the debtor counts. */
  caseId?: string;
  /** Opt-outs/opt-ins recorded by dispatch itself (STOP, START); merged with the consents. */
  optEvents?: readonly OptEvent[];
  lastInboundWhatsAppAt?: Date;
}

/**
 * The debtor's state as evaluateContact takes it, from the projection as of `now`: holds in
 * force, vulnerability categories, the contact points' zones, and the consents' dated entries as
 * opt events. Pure: the bridge from the projection to the policy at send time.
 */
export function contactStateFor(
  projection: DebtorProjection,
  now: Date,
  options: ContactStateOptions,
): DebtorContactState {
  const holds = projection.holds
    .filter((hold) => inForce(hold, now))
    .map(policyHoldOf)
    .filter((hold) => concernsCase(hold, options.caseId));
  const timeZones = [
    ...new Set(
      projection.contactPoints
        .map((point) => point.timeZone)
        .filter((zone): zone is string => !!zone),
    ),
  ].sort();
  const optEvents = [
    ...projection.contactPoints.flatMap(optEventsOf),
    ...(options.optEvents ?? []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    jurisdiction: options.jurisdiction,
    holds: holds.map(({ hold }) => hold),
    vulnerabilities: [...new Set(projection.vulnerability.categories)],
    optEvents,
    timeZones,
    ...(options.lastInboundWhatsAppAt
      ? { lastInboundWhatsAppAt: options.lastInboundWhatsAppAt }
      : {}),
  };
}

/** A contact point as the policy's proposal takes it: the latest consent per channel. */
export function policyContactPointOf(record: ContactPointRecord): ContactPoint {
  const consents: Partial<Record<Channel, ChannelConsent>> = {};
  for (const consent of record.consents) {
    const current = consents[consent.channel];
    if (!current || isLater(consent.recordedAt, current.recordedAt)) {
      consents[consent.channel] = {
        status: consent.status,
        ...(consent.recordedAt ? { recordedAt: consent.recordedAt } : {}),
      };
    }
  }
  // Case events do not say whether an address is a workplace's.
  return { id: record.contactPointId, kind: record.kind, usage: 'unknown', consents };
}

function isLater(candidate: Date | undefined, current: Date | undefined): boolean {
  if (!candidate) return false;
  return !current || candidate.getTime() >= current.getTime();
}

function inForce(hold: HoldRecord, now: Date): boolean {
  const t = now.getTime();
  if (hold.liftedAt && hold.liftedAt.getTime() <= t) return false;
  if (hold.startsAt && hold.startsAt.getTime() > t) return false;
  if (hold.endsAt && hold.endsAt.getTime() <= t) return false;
  return true;
}

function policyHoldOf(record: HoldRecord): { caseId: string; hold: Hold } {
  return {
    caseId: record.caseId,
    hold: {
      // Fail closed: a hold of unknown kind still stops debt contact.
      kind: record.kind ?? 'other',
      ...(record.startsAt ? { startsAt: record.startsAt } : {}),
      ...(record.endsAt ? { endsAt: record.endsAt } : {}),
    },
  };
}

function concernsCase(held: { caseId: string; hold: Hold }, caseId: string | undefined): boolean {
  return caseId === undefined || held.caseId === caseId || PERSON_WIDE_HOLDS.has(held.hold.kind);
}

/** Dated consent entries become opt events; undated ones stay on the contact point only. */
function optEventsOf(point: ContactPointRecord): OptEvent[] {
  return point.consents.flatMap((consent) =>
    consent.recordedAt
      ? [
          {
            kind: consent.status === 'withdrawn' ? ('opt_out' as const) : ('opt_in' as const),
            channel: consent.channel,
            contactPointId: point.contactPointId,
            at: consent.recordedAt,
          },
        ]
      : [],
  );
}
