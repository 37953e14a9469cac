import type { StrategyProblem } from '@clement/strategy-engine';

/**
 * Errors of the strategy store. Domain code throws these; the HTTP filter maps the code to a
 * status (strategies/strategy-error-statuses.ts). No HTTP or Nest types here.
 */
export enum StrategyErrorCode {
  NotFound = 'strategy.not_found',
  VersionNotFound = 'strategy.version_not_found',
  NoActiveStrategy = 'strategy.no_active_strategy',
  InvalidDocument = 'strategy.invalid_document',
  DocumentTooLarge = 'strategy.document_too_large',
  ChallengerNotFound = 'strategy.challenger_not_found',
  ChallengerInvalid = 'strategy.challenger_invalid',
}

export class StrategyDomainError extends Error {
  constructor(
    readonly code: StrategyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The document fails the schema or the engine's checks; each problem names a JSON pointer. */
export class InvalidStrategyDocumentError extends StrategyDomainError {
  constructor(readonly problems: readonly StrategyProblem[]) {
    super(
      StrategyErrorCode.InvalidDocument,
      `the strategy document has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    );
  }
}
