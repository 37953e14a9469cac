import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { MessagingLogger } from '../logger';

export interface OutboxRelaySettings {
  /** Start the relay on application bootstrap (default true). */
  readonly enabled?: boolean;
  /** Outbox rows published per round trip (default 500). */
  readonly batchSize?: number;
  /** Pause after a round that found less than a full batch (default 10 ms). */
  readonly pollIntervalMs?: number;
}

export interface MessagingModuleOptions {
  /** Kafka client id, usually the service name. */
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** The service's PostgreSQL schema holding `outbox` and `inbox` (see messagingMigrations). */
  readonly schema: string;
  /** CloudEvents `source` of everything the service emits, e.g. `/clement/case-service`. */
  readonly source: string;
  readonly relay?: OutboxRelaySettings;
  /** Default: Nest's Logger with context `Messaging` (nestjs-pino's JSON logger once installed). */
  readonly logger?: MessagingLogger;
}

export interface MessagingModuleAsyncOptions {
  /** Modules that export what `inject` asks for. */
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: FactoryProvider['inject'];
  // never[] lets callers type their parameters (e.g. `(config: CaseServiceConfig) => ...`).
  readonly useFactory: (
    ...dependencies: never[]
  ) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}
