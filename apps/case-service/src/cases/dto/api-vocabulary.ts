import { HoldKind, VulnerabilityCategory } from '@clement/contracts';

/** The API's names for hold kinds and vulnerability categories: the proto names in lower case. */
export const HOLD_KINDS = [
  'dispute',
  'cease_and_desist',
  'insolvency',
  'deceased',
  'breathing_space',
  'other',
] as const;
export type HoldKindName = (typeof HOLD_KINDS)[number];

export const VULNERABILITY_CATEGORIES = [
  'health',
  'life_event',
  'low_resilience',
  'low_capability',
] as const;
export type VulnerabilityCategoryName = (typeof VULNERABILITY_CATEGORIES)[number];

export function holdKindFromApi(name: HoldKindName): HoldKind {
  return HoldKind[name.toUpperCase() as keyof typeof HoldKind];
}

/** Stored hold kinds are proto enum names ('BREATHING_SPACE'); the API speaks lower case. */
export function holdKindToApi(stored: string): string {
  return stored.toLowerCase();
}

export function categoryFromApi(name: VulnerabilityCategoryName): VulnerabilityCategory {
  return VulnerabilityCategory[name.toUpperCase() as keyof typeof VulnerabilityCategory];
}

export function categoryToApi(stored: string): string {
  return stored.toLowerCase();
}
