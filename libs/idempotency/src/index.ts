export { decide, type IdempotencyDecision } from './domain/decide';
export {
  checkIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  type IdempotencyKeyCheck,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from './domain/idempotency-key';
export type {
  CompletedRecord,
  IdempotencyKeyRef,
  IdempotencyRecord,
  InProgressRecord,
  StoredResponse,
} from './domain/idempotency-record';
export {
  canonicalJson,
  type FingerprintedRequest,
  requestFingerprint,
} from './domain/request-fingerprint';
export {
  IDEMPOTENCY_KEYS_TABLE,
  idempotencyMigrations,
} from './persistence/idempotency-migrations';
export {
  type IdempotencyRepository,
  PostgresIdempotencyRepository,
} from './persistence/idempotency.repository';
export { IDEMPOTENCY_ERROR } from './nest/idempotency-errors';
export { IdempotencyPurgeScheduler } from './nest/idempotency-purge.scheduler';
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_PURGE_INTERVAL_MS,
  DEFAULT_RETENTION_MS,
  type IdempotencyModuleOptions,
  type IdempotencySettings,
  resolveIdempotencySettings,
  tenantScope,
} from './nest/idempotency-settings';
export {
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyInterceptor,
  IN_PROGRESS_RETRY_AFTER_SECONDS,
} from './nest/idempotency.interceptor';
export { IdempotencyModule } from './nest/idempotency.module';
export { IDEMPOTENCY_REPOSITORY, IDEMPOTENCY_SETTINGS } from './nest/idempotency.tokens';
export { Idempotent } from './nest/idempotent.decorator';
