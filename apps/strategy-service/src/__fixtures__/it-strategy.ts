import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { caseV1, topicCatalogue } from '@clement/contracts';
import type { StrategyTestPlatform } from './strategy-platform';

/**
 * A small early-stage strategy for the integration tests: wait for 08:30 on a weekday in the
 * debtor's zone, remind by SMS (email as the fallback), wait two days, remind again.
 * The default zone is London on purpose: a Madrid debtor's 08:30 proves their own zone is used.
 */
export const IT_STRATEGY_YAML = `
schemaVersion: 1
name: Integration early digital
contactDays: [mon, tue, wed, thu, fri]
defaultTimeZone: Europe/London
reactions:
  paymentCooldown: P3D
  promiseGraceDays: 2
  vulnerability:
    path: supportive
    task: { queue: vulnerability-review, priority: 1, dueIn: P1D, reason: vulnerability_disclosed }
segments:
  - id: default
    path: early-digital
paths:
  early-digital:
    steps:
      - id: first-window
        wait: { untilLocalTime: "08:30" }
      - id: first-reminder
        send: { channels: [sms, email], template: reminder.first, purpose: reminder, expiresAfter: P3D }
      - id: await-response
        wait: { for: P2D }
      - id: second-reminder
        send: { channels: [sms], template: reminder.second, purpose: payment_request, expiresAfter: P3D }
      - id: await-second
        wait: { for: P5D }
      - id: done
        end: { reason: no_response }
  supportive:
    steps:
      - id: with-agent
        pause: { on: { task_completed: handed-over } }
      - id: handed-over
        end: { reason: with_agent }
`;

/** The debtor's contact points (a Madrid mobile) then their case, as case-service emits them. */
export function placementRecords(
  platform: StrategyTestPlatform,
  debtorId: string,
  caseId: string,
  placedAt: number,
  timeZone = 'Europe/Madrid',
) {
  const topic = topicCatalogue.caseEvents.name;
  return [
    platform.record(topic, debtorId, caseV1.ContactPointsChangedSchema, {
      debtorId,
      preferredLanguage: 'es-ES',
      contactPoints: [
        { contactPointId: `${debtorId}-m`, kind: caseV1.ContactPointKind.MOBILE, timeZone },
      ],
    }),
    platform.record(topic, debtorId, caseV1.CasePlacedSchema, {
      caseId,
      debtorId,
      totalBalance: { amountMinor: 42_000n, currency: 'EUR' },
      accounts: [
        {
          accountId: `${caseId}-a`,
          accountReference: `A-${caseId}`,
          productType: 'credit_card',
          daysPastDue: 20,
          currentBalance: { amountMinor: 42_000n, currency: 'EUR' },
        },
      ],
      placedAt: timestampFromMs(placedAt),
    }),
  ];
}
