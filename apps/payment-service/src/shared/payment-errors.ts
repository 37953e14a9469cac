import { registerDomainErrorStatuses } from '@clement/staff-api';

/** Why payment-service refused a request; each has one HTTP status (below). */
export enum PaymentErrorCode {
  CaseNotFound = 'case.not_found',
  CaseClosed = 'case.closed',
  TenantUnknown = 'tenant.unknown',
  PaymentNotFound = 'payment.not_found',
  AmountInvalid = 'amount.invalid',
  AmountTooLarge = 'amount.too_large',
  PaymentNotRefundable = 'payment.not_refundable',
  PlanNotFound = 'plan.not_found',
  PlanNotLive = 'plan.not_live',
  PlanAlreadyLive = 'plan.already_live',
  PlanOutsideOffer = 'plan.outside_offer',
  OfferNotFound = 'offer.not_found',
  OfferExpired = 'offer.expired',
  PromiseNotFound = 'promise.not_found',
  PromiseInvalid = 'promise.invalid',
  PromiseAlreadyOpen = 'promise.already_open',
  MandateNotFound = 'mandate.not_found',
  MandateNotActive = 'mandate.not_active',
  PspRejected = 'psp.rejected',
  PspUnavailable = 'psp.unavailable',
}

/** A refusal the shared error filter turns into a 4xx/5xx body with this code. */
export class PaymentDomainError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentDomainError';
  }
}

export const PAYMENT_ERROR_STATUSES: Readonly<Record<PaymentErrorCode, number>> = {
  [PaymentErrorCode.CaseNotFound]: 404,
  [PaymentErrorCode.CaseClosed]: 409,
  [PaymentErrorCode.TenantUnknown]: 403,
  [PaymentErrorCode.PaymentNotFound]: 404,
  [PaymentErrorCode.AmountInvalid]: 422,
  [PaymentErrorCode.AmountTooLarge]: 422,
  [PaymentErrorCode.PaymentNotRefundable]: 409,
  [PaymentErrorCode.PlanNotFound]: 404,
  [PaymentErrorCode.PlanNotLive]: 409,
  [PaymentErrorCode.PlanAlreadyLive]: 409,
  [PaymentErrorCode.PlanOutsideOffer]: 422,
  [PaymentErrorCode.OfferNotFound]: 404,
  [PaymentErrorCode.OfferExpired]: 409,
  [PaymentErrorCode.PromiseNotFound]: 404,
  [PaymentErrorCode.PromiseInvalid]: 422,
  [PaymentErrorCode.PromiseAlreadyOpen]: 409,
  [PaymentErrorCode.MandateNotFound]: 404,
  [PaymentErrorCode.MandateNotActive]: 409,
  [PaymentErrorCode.PspRejected]: 422,
  [PaymentErrorCode.PspUnavailable]: 503,
};

registerDomainErrorStatuses(PAYMENT_ERROR_STATUSES);
