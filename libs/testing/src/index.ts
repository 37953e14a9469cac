export { eventually, type EventuallyOptions } from './eventually';
export { findFreePort } from './free-port';
export { uniqueName } from './unique-name';
