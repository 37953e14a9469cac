import { type DirectDebitProvider, PspError } from '../psp/psp-port';
import { PaymentDomainError, PaymentErrorCode } from '../shared/payment-errors';

/** A PSP failure as the API reports it: refused (422) or unavailable (503, retry later). */
export function pspFailure(error: unknown): unknown {
  if (!(error instanceof PspError)) return error;
  return new PaymentDomainError(
    error.kind === 'rejected' ? PaymentErrorCode.PspRejected : PaymentErrorCode.PspUnavailable,
    `the PSP ${error.kind === 'rejected' ? 'refused' : 'could not be reached'}: ${error.pspCode ?? error.message}`,
  );
}

/** DIRECT_DEBIT_PSP is null when no sandbox PSP is configured: direct debit is then unavailable. */
export function requireDirectDebit(psp: DirectDebitProvider | null): DirectDebitProvider {
  if (!psp) {
    throw new PaymentDomainError(PaymentErrorCode.PspUnavailable, 'direct debit is not configured');
  }
  return psp;
}
