export * from './lib/engine-types';
export * from './lib/document-types';
export {
  STRATEGY_JSON_SCHEMA,
  STEP_KINDS,
  DEFAULT_STAGES,
  parseStrategyDocument,
  validateStrategyDocument,
  compileStrategy,
  loadStrategy,
} from './lib/strategy-document';
export {
  applyEvent,
  wake,
  newJourney,
  MAX_STEPS_PER_RUN,
  UnknownStrategyVersionError,
} from './lib/engine';
export {
  assignArm,
  assignmentBucket,
  experimentKeyOf,
  uuidFromName,
  derivedId,
} from './lib/identifiers';
export { FACTS, OPERATORS, evaluateCondition, type FactView, type FactType } from './lib/facts';
export { SCORE_FEATURES, DEFAULT_SCORE, computeScore, type ScoreInputs } from './lib/score';
export { parseDuration, parseTimeOfDay, nextLocalTime } from './lib/time';
export type {
  JourneyState,
  CaseFacts,
  Engagement,
  PendingMessage,
  HoldState,
  PlanState,
  ReactionPause,
  PathPosition,
} from './lib/journey-state';
export * from './simulation';
