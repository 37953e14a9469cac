/** Why an input was refused; stable strings the payment-service maps to 4xx bodies. */
export type PaymentPlanErrorCode =
  | 'amount.invalid'
  | 'currency.invalid'
  | 'currency.mismatch'
  | 'date.invalid'
  | 'frequency.invalid'
  | 'payment_day.invalid'
  | 'payment_day.mismatch'
  | 'instalments.invalid'
  | 'instalments.ambiguous'
  | 'policy.invalid'
  | 'affordability.invalid';

/** An input the calculators refuse. Never thrown for a valid input: offers say "unavailable" instead. */
export class PaymentPlanError extends Error {
  override readonly name = 'PaymentPlanError';
  constructor(
    readonly code: PaymentPlanErrorCode,
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}
