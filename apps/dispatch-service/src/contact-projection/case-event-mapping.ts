import { toBinary } from '@bufbuild/protobuf';
import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import {
  caseV1,
  ConsentStatus,
  ContactChannel,
  EncryptedValueSchema,
  HoldKind,
  VulnerabilityCategory,
} from '@clement/contracts';
import type {
  Channel,
  ContactPointKind,
  HoldKind as PolicyHoldKind,
  VulnerabilityCategory as PolicyVulnerabilityCategory,
} from '@clement/contact-policy';
import type {
  ConsentRecord,
  ContactPointRecord,
  HoldRecord,
  VulnerabilityRecord,
} from './domain/debtor-projection';

/** A case event that breaks its contract; the consumer dead-letters it with the reason. */
export class InvalidCaseEventError extends Error {
  override readonly name = 'InvalidCaseEventError';
}

/** Maps the case contracts onto the projection's (the contact policy's) vocabulary. */

const CONTACT_POINT_KINDS: Partial<Record<caseV1.ContactPointKind, ContactPointKind>> = {
  [caseV1.ContactPointKind.MOBILE]: 'mobile',
  [caseV1.ContactPointKind.LANDLINE]: 'landline',
  [caseV1.ContactPointKind.EMAIL]: 'email',
  [caseV1.ContactPointKind.POSTAL]: 'postal',
};

const CHANNELS: Partial<Record<ContactChannel, Channel>> = {
  [ContactChannel.SMS]: 'sms',
  [ContactChannel.VOICE]: 'voice',
  [ContactChannel.WHATSAPP]: 'whatsapp',
  [ContactChannel.EMAIL]: 'email',
  [ContactChannel.LETTER]: 'letter',
};

const HOLD_KINDS: Partial<Record<HoldKind, PolicyHoldKind>> = {
  [HoldKind.DISPUTE]: 'dispute',
  [HoldKind.CEASE_AND_DESIST]: 'cease_and_desist',
  [HoldKind.INSOLVENCY]: 'insolvency',
  [HoldKind.DECEASED]: 'deceased',
  [HoldKind.BREATHING_SPACE]: 'breathing_space',
  [HoldKind.OTHER]: 'other',
};

const VULNERABILITY_CATEGORIES: Partial<
  Record<VulnerabilityCategory, PolicyVulnerabilityCategory>
> = {
  [VulnerabilityCategory.HEALTH]: 'health',
  [VulnerabilityCategory.LIFE_EVENT]: 'life_event',
  [VulnerabilityCategory.LOW_RESILIENCE]: 'low_resilience',
  [VulnerabilityCategory.LOW_CAPABILITY]: 'low_capability',
};

export function contactPointsOf(message: caseV1.ContactPointsChanged): ContactPointRecord[] {
  return message.contactPoints.map((point, index) => {
    const kind = CONTACT_POINT_KINDS[point.kind];
    if (!point.contactPointId || !kind || !point.value) {
      throw new InvalidCaseEventError(
        `contact_points[${index}]: needs a contact_point_id, a known kind and a value`,
      );
    }
    return {
      contactPointId: point.contactPointId,
      kind,
      value: toBinary(EncryptedValueSchema, point.value),
      consents: point.consents.flatMap((consent): ConsentRecord[] => {
        const channel = CHANNELS[consent.channel];
        const status =
          consent.status === ConsentStatus.GRANTED
            ? 'granted'
            : consent.status === ConsentStatus.WITHDRAWN
              ? 'withdrawn'
              : undefined;
        // "Unspecified" says nothing: the jurisdiction's default applies.
        if (!channel || !status) return [];
        return [{ channel, status, ...optionalDate('recordedAt', consent.recordedAt) }];
      }),
      ...(point.timeZone ? { timeZone: point.timeZone } : {}),
      preferred: point.preferred,
    };
  });
}

export function holdOf(message: caseV1.HoldPlaced): HoldRecord {
  if (!message.holdId || !message.caseId) {
    throw new InvalidCaseEventError('hold_id and case_id are required');
  }
  return {
    holdId: message.holdId,
    caseId: message.caseId,
    // Fail closed: a hold of a kind this service does not know still stops debt contact.
    kind: HOLD_KINDS[message.kind] ?? 'other',
    ...optionalDate('startsAt', message.startsAt),
    ...optionalDate('endsAt', message.endsAt),
  };
}

export function vulnerabilityOf(message: caseV1.VulnerabilityFlagged): VulnerabilityRecord {
  const categories = message.categories.map((category) => {
    const mapped = VULNERABILITY_CATEGORIES[category];
    if (!mapped) {
      throw new InvalidCaseEventError(`categories: unknown vulnerability category ${category}`);
    }
    return mapped;
  });
  if (message.reviewDate && !/^\d{4}-\d{2}-\d{2}$/.test(message.reviewDate)) {
    throw new InvalidCaseEventError('review_date: must be YYYY-MM-DD');
  }
  return {
    categories: [...new Set(categories)],
    ...(message.reviewDate ? { reviewDate: message.reviewDate } : {}),
  };
}

/** The clement.case.v1.CaseStatus name, as dispatch commands' validity conditions spell it. */
export function caseStatusName(status: caseV1.CaseStatus): string {
  const name = caseV1.CaseStatus[status] as string | undefined;
  if (!name || status === caseV1.CaseStatus.UNSPECIFIED) {
    throw new InvalidCaseEventError(`status: unknown case status ${status}`);
  }
  return `CASE_STATUS_${name}`;
}

export function requiredDate(field: string, timestamp: Timestamp | undefined): Date {
  if (!timestamp) throw new InvalidCaseEventError(`${field}: is required`);
  return timestampDate(timestamp);
}

function optionalDate<K extends string>(
  key: K,
  timestamp: Timestamp | undefined,
): Partial<Record<K, Date>> {
  return timestamp ? ({ [key]: timestampDate(timestamp) } as Record<K, Date>) : {};
}
