export { toPspEvent } from './stripe-events';
export { StripePsp, toPspError, type StripePspOptions } from './stripe-psp';
