import { registerDomainErrorStatuses } from '@clement/staff-api';
import { StrategyErrorCode } from './domain/strategy-errors';

/** The HTTP status of each strategy-store error, for the shared error filter. */
export const STRATEGY_ERROR_STATUSES: Readonly<Record<StrategyErrorCode, number>> = {
  [StrategyErrorCode.NotFound]: 404,
  [StrategyErrorCode.VersionNotFound]: 404,
  [StrategyErrorCode.NoActiveStrategy]: 404,
  [StrategyErrorCode.InvalidDocument]: 400,
  [StrategyErrorCode.DocumentTooLarge]: 413,
  [StrategyErrorCode.ChallengerNotFound]: 422,
  [StrategyErrorCode.ChallengerInvalid]: 422,
};

registerDomainErrorStatuses(STRATEGY_ERROR_STATUSES);
