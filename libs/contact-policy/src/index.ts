export * from './lib/types';
export * from './lib/policy';
export { evaluateContact } from './lib/evaluate-contact';
export {
  type ContactWindow,
  type Weekday,
  WEEKDAYS,
  instantOfLocal,
  localDateTime,
  nextAllowedInstant,
} from './lib/local-time';
export { policyLoosenings } from './lib/loosenings';
