import type {
  Channel,
  ConsentStatus,
  ContactPointKind,
  HoldKind,
  VulnerabilityCategory,
} from '@clement/contact-policy';

/**
 * What dispatch keeps about a debtor to decide at send time, in the contact policy's vocabulary
 * (the consumer maps the case contracts onto it). Plain data, no I/O.
 */

export interface ConsentRecord {
  channel: Channel;
  status: ConsentStatus;
  recordedAt?: Date;
}

export interface ContactPointRecord {
  contactPointId: string;
  kind: ContactPointKind;
  /** The serialized clement.common.v1.EncryptedValue, exactly as received; decrypted only to send. */
  value: Uint8Array;
  consents: ConsentRecord[];
  timeZone?: string;
  preferred: boolean;
}

export interface HoldRecord {
  holdId: string;
  caseId: string;
  /** Unknown only when the lift of a hold never seen placed arrived. */
  kind?: HoldKind;
  startsAt?: Date;
  endsAt?: Date;
  liftedAt?: Date;
}

export interface VulnerabilityRecord {
  categories: VulnerabilityCategory[];
  /** "YYYY-MM-DD". */
  reviewDate?: string;
}

/** Everything the projection holds about one debtor of one tenant. */
export interface DebtorProjection {
  debtorId: string;
  preferredLanguage?: string;
  erasedAt?: Date;
  contactPoints: ContactPointRecord[];
  holds: HoldRecord[];
  vulnerability: VulnerabilityRecord;
}

/** A case as dispatch re-checks it at send time (validity conditions). */
export interface CaseStateRecord {
  caseId: string;
  debtorId: string;
  /** A clement.case.v1.CaseStatus name such as "CASE_STATUS_ACTIVE"; absent while unknown. */
  status?: string;
  lastPaymentAt?: Date;
}
