import { PaymentPlanError } from './errors';

/**
 * Money is a safe integer (number) of minor units, as in @clement/strategy-engine: balances fit
 * with room to spare, and products that could pass 2^53 are done in bigint (see `mulDivFloor`).
 */
export function requireMinor(value: number, field: string, minimum = 1): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new PaymentPlanError(
      'amount.invalid',
      field,
      `must be a safe integer of minor units ≥ ${minimum}, got ${String(value)}`,
    );
  }
  return value;
}

const CURRENCY = /^[A-Z]{3}$/;

export function requireCurrency(value: string, field: string): string {
  if (typeof value !== 'string' || !CURRENCY.test(value)) {
    throw new PaymentPlanError(
      'currency.invalid',
      field,
      `must be an ISO 4217 code, got "${value}"`,
    );
  }
  return value;
}

/** floor(a × b / c) exactly, for non-negative safe integers. */
export function mulDivFloor(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

export function ceilDiv(a: number, b: number): number {
  return Math.floor(a / b) + (a % b === 0 ? 0 : 1);
}
