/**
 * Days past due (days since the oldest unpaid due date), grouped the way the staff API filters
 * and reports them, and the collection stage they put an account in.
 */

export const DAYS_PAST_DUE_BUCKETS = [
  'current',
  '1-30',
  '31-60',
  '61-90',
  '91-180',
  '181+',
] as const;
export type DaysPastDueBucket = (typeof DAYS_PAST_DUE_BUCKETS)[number];

/** Inclusive bounds; `max` null means no upper bound. */
export interface DaysPastDueRange {
  readonly min: number;
  readonly max: number | null;
}

const RANGES: Readonly<Record<DaysPastDueBucket, DaysPastDueRange>> = {
  current: { min: 0, max: 0 },
  '1-30': { min: 1, max: 30 },
  '31-60': { min: 31, max: 60 },
  '61-90': { min: 61, max: 90 },
  '91-180': { min: 91, max: 180 },
  '181+': { min: 181, max: null },
};
for (const range of Object.values(RANGES)) Object.freeze(range);

export const COLLECTION_STAGES = ['early', 'late', 'pre_legal'] as const;
export type CollectionStage = (typeof COLLECTION_STAGES)[number];

/** Early up to 60 days, late from 61 to 180, pre-legal beyond. */
const STAGE_RANGES: Readonly<Record<CollectionStage, DaysPastDueRange>> = {
  early: { min: 0, max: 60 },
  late: { min: 61, max: 180 },
  pre_legal: { min: 181, max: null },
};

export function isDaysPastDueBucket(value: string): value is DaysPastDueBucket {
  return (DAYS_PAST_DUE_BUCKETS as readonly string[]).includes(value);
}

export function rangeOf(bucket: DaysPastDueBucket): DaysPastDueRange {
  return RANGES[bucket];
}

export function bucketOf(days: number): DaysPastDueBucket {
  return classify(days, DAYS_PAST_DUE_BUCKETS, RANGES);
}

export function stageOf(days: number): CollectionStage {
  return classify(days, COLLECTION_STAGES, STAGE_RANGES);
}

/** The first class whose range holds `days`; the ranges cover every whole number from 0. */
function classify<Class extends string>(
  days: number,
  classes: readonly Class[],
  ranges: Readonly<Record<Class, DaysPastDueRange>>,
): Class {
  const found = Number.isSafeInteger(days)
    ? classes.find((candidate) => contains(ranges[candidate], days))
    : undefined;
  if (found === undefined) {
    throw new RangeError(`days past due must be a whole number of at least 0: ${days}`);
  }
  return found;
}

function contains({ min, max }: DaysPastDueRange, days: number): boolean {
  return days >= min && (max === null || days <= max);
}
