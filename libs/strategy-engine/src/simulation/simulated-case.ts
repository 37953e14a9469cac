import type { EngineChannel, VulnerabilityCategory } from '../lib/engine-types';

/** A way to reach the debtor; mobile carries sms and whatsapp, email carries email. */
export interface SimulatedContactPoint {
  id: string;
  kind: 'mobile' | 'email';
  /** Consent per channel as the creditor recorded it; absent = unspecified. */
  consents?: Partial<Record<EngineChannel, 'granted' | 'withdrawn'>>;
}

/** One case of a simulated portfolio: what placement and the debtor's contact data tell. */
export interface SimulatedCase {
  tenantId: string;
  caseId: string;
  debtorId: string;
  balanceMinor: number;
  currency: string;
  daysPastDue: number;
  productTypes: string[];
  contactPoints: SimulatedContactPoint[];
  /** IANA zones; empty = the strategy's default zone (and the policy's fallback zones). */
  timeZones: string[];
  language?: string;
  /** Known vulnerability; absent = drawn with the behaviour model's `vulnerableShare`. */
  vulnerable?: VulnerabilityCategory[];
}

/** The channels a case's contact points can carry, in a fixed order. */
export function channelsOf(simulatedCase: SimulatedCase): EngineChannel[] {
  const kinds = new Set(simulatedCase.contactPoints.map((point) => point.kind));
  const channels: EngineChannel[] = [];
  if (kinds.has('mobile')) channels.push('sms', 'whatsapp');
  if (kinds.has('email')) channels.push('email');
  return channels;
}
