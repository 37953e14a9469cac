export { eventually, type EventuallyOptions } from './eventually';
export { findFreePort } from './free-port';
export { uniqueName } from './unique-name';
export { captureJsonLog, type JsonLogCapture } from './json-log-capture';
