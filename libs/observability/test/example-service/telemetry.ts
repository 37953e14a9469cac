// First import of main.ts: the SDK must patch http, express, pg and Nest before they load.
// (A service imports from '@clement/observability'; this fixture lives inside the library.)
import { startTelemetry } from '../../src';

export const telemetry = startTelemetry({
  serviceName: 'example-service',
  serviceVersion: process.env['SERVICE_VERSION'] ?? '0.0.0',
});
