export { eventually, type EventuallyOptions } from './eventually';
export { findFreePort } from './free-port';
export { uniqueName } from './unique-name';
export { captureJsonLog, type JsonLogCapture } from './json-log-capture';
export {
  killServiceProcess,
  type ProcessExit,
  requiredEnv,
  runEntryPoint,
  type ServiceProcess,
  startServiceProcess,
  stopGracefully,
  withinMs,
} from './service-process';
export { VirtualClock } from './virtual-clock';
export { type CaseServiceProcess, startCaseService } from './platform';
