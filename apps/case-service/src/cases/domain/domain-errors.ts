import type { CaseStatusName } from './case-lifecycle';

/**
 * Errors of case-service's domain. Domain code throws these; the edges translate the code: the
 * HTTP filter to a status (registered in src/domain-error-statuses.ts), Kafka consumers to retry or
 * dead-letter. No HTTP or Nest types here.
 */
export enum CaseErrorCode {
  NotFound = 'case.not_found',
  IllegalTransition = 'case.illegal_transition',
  LegalRetention = 'debtor.legal_retention',
  AlreadyErased = 'debtor.already_erased',
  Conflict = 'case.conflict',
}

export class CaseDomainError extends Error {
  constructor(
    readonly code: CaseErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A lifecycle operation that the case's current status does not allow (HTTP 409). */
export class IllegalTransitionError extends CaseDomainError {
  /**
   * @param from the case's status when the action was attempted
   * @param to the status the action would lead to, or null when it leads nowhere from `from`
   * @param action what was attempted, as a phrase that reads "cannot <action> a case", e.g.
   *   `activate`, `place a hold on`
   */
  constructor(
    readonly from: CaseStatusName,
    readonly to: CaseStatusName | null,
    readonly action: string,
  ) {
    super(
      CaseErrorCode.IllegalTransition,
      `cannot ${action} a case that is ${from.replace('_', ' ')}`,
      { from, to, action },
    );
  }
}
