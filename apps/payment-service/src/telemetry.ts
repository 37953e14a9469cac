// First import of main.ts: the SDK must patch http, express, pg and Nest before they load.
import { startTelemetry } from '@clement/observability';
import { SERVICE_NAME } from './config';

export const telemetry = startTelemetry({
  serviceName: SERVICE_NAME,
  serviceVersion: process.env['SERVICE_VERSION'] ?? '0.0.0',
});
