// The Nest integration is a separate entry point (@clement/messaging/nest) so that tools which
// only need the messaging core (the CLI, benchmarks) do not load Nest and OpenTelemetry's SDK.
export * from './messaging.tokens';
export * from './messaging-module-options';
export * from './messaging.module';
export * from './messaging-runtime';
export * from './provide-event-consumer';
export * from './nest-messaging-logger';
