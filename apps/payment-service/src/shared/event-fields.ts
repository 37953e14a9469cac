import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { PermanentEventError } from '@clement/messaging';

/** The checks every consumed event's fields go through; a failure dead-letters the event. */
export function invalidEvent(reason: string): PermanentEventError {
  return new PermanentEventError(reason, 'invalid_event');
}

export function requiredText(field: string, value: string): string {
  if (!value) throw invalidEvent(`${field}: is required`);
  return value;
}

export function requiredDate(field: string, value: Timestamp | undefined): Date {
  if (!value) throw invalidEvent(`${field}: is required`);
  return timestampDate(value);
}

/** int64 minor units as a safe integer. */
export function minorUnits(
  field: string,
  value: bigint | undefined,
  { positive = false } = {},
): number {
  if (value === undefined) throw invalidEvent(`${field}: is required`);
  const amount = Number(value);
  if (!Number.isSafeInteger(amount) || (positive ? amount <= 0 : amount < 0)) {
    throw invalidEvent(
      `${field}: must be a ${positive ? 'positive' : 'non-negative'} safe integer`,
    );
  }
  return amount;
}

export function currencyOf(field: string, value: string | undefined): string {
  if (!value || !/^[A-Z]{3}$/.test(value)) throw invalidEvent(`${field}: must be an ISO 4217 code`);
  return value;
}
