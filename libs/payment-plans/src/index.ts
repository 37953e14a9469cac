export { PaymentPlanError, type PaymentPlanErrorCode } from './lib/errors';
export {
  type CalendarDate,
  type LocalDate,
  addDays,
  daysBetween,
  daysInMonth,
  isLeapYear,
  isoWeekday,
  parseLocalDate,
} from './lib/local-date';
export {
  DAYS_APART,
  FREQUENCIES,
  MAX_INSTALMENTS,
  type Frequency,
  type Instalment,
  type Schedule,
  type ScheduleRequest,
  buildSchedule,
  splitByInstalment,
  splitEvenly,
} from './lib/schedule';
export {
  type DebtorSituation,
  type Offers,
  type PaymentPolicy,
  type PlanOption,
  type PlanTerm,
  type SettlementOffer,
  type UnavailablePlan,
  type UnavailableReason,
  affordableInstalment,
  computeOffers,
  maxInstalments,
  validatePolicy,
} from './lib/offers';
