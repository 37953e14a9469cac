import { registerDomainErrorStatuses } from '@clement/staff-api';
import { CaseErrorCode } from './cases/domain/domain-errors';

/** The HTTP status of each case-service domain error, for the shared error filter. */
export const CASE_SERVICE_ERROR_STATUSES: Readonly<Record<CaseErrorCode, number>> = {
  [CaseErrorCode.NotFound]: 404,
  [CaseErrorCode.IllegalTransition]: 409,
  [CaseErrorCode.Conflict]: 409,
  [CaseErrorCode.LegalRetention]: 409,
  [CaseErrorCode.AlreadyErased]: 409,
};

registerDomainErrorStatuses(CASE_SERVICE_ERROR_STATUSES);
