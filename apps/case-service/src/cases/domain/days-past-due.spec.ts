import {
  COLLECTION_STAGES,
  DAYS_PAST_DUE_BUCKETS,
  bucketOf,
  isDaysPastDueBucket,
  rangeOf,
  stageOf,
} from './days-past-due';

describe('days past due buckets', () => {
  it.each([
    [0, 'current'],
    [1, '1-30'],
    [30, '1-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '91-180'],
    [180, '91-180'],
    [181, '181+'],
    [4000, '181+'],
  ] as const)('puts %i days in %s', (days, bucket) => {
    expect(bucketOf(days)).toBe(bucket);
  });

  it.each([
    ['current', { min: 0, max: 0 }],
    ['1-30', { min: 1, max: 30 }],
    ['31-60', { min: 31, max: 60 }],
    ['61-90', { min: 61, max: 90 }],
    ['91-180', { min: 91, max: 180 }],
    ['181+', { min: 181, max: null }],
  ] as const)('gives %s the range %o', (bucket, range) => {
    expect(rangeOf(bucket)).toEqual(range);
  });

  it('covers every whole number of days once, in order', () => {
    let next = 0;
    for (const bucket of DAYS_PAST_DUE_BUCKETS) {
      const { min, max } = rangeOf(bucket);
      expect({ bucket, min }).toEqual({ bucket, min: next });
      expect(bucketOf(min)).toBe(bucket);
      if (max === null) {
        expect(bucket).toBe(DAYS_PAST_DUE_BUCKETS[DAYS_PAST_DUE_BUCKETS.length - 1]);
        return;
      }
      expect(bucketOf(max)).toBe(bucket);
      next = max + 1;
    }
    throw new Error('the last bucket must be open-ended');
  });

  it('tells a bucket name from other text (staff API filters)', () => {
    expect(DAYS_PAST_DUE_BUCKETS.every(isDaysPastDueBucket)).toBe(true);
    expect(isDaysPastDueBucket('0-30')).toBe(false);
    expect(isDaysPastDueBucket('')).toBe(false);
  });

  it('does not let a caller change a range', () => {
    expect(Object.isFrozen(rangeOf('1-30'))).toBe(true);
  });
});

describe('collection stage', () => {
  it.each([
    [0, 'early'],
    [60, 'early'],
    [61, 'late'],
    [180, 'late'],
    [181, 'pre_legal'],
    [3650, 'pre_legal'],
  ] as const)('puts %i days in the %s stage', (days, stage) => {
    expect(stageOf(days)).toBe(stage);
  });

  it('lists the stages in order', () => {
    expect(COLLECTION_STAGES).toEqual(['early', 'late', 'pre_legal']);
  });
});

describe('invalid days', () => {
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p', (days) => {
    expect(() => bucketOf(days)).toThrow(RangeError);
    expect(() => stageOf(days)).toThrow(RangeError);
  });
});
