/** The `IdempotencyRepository` the interceptor and the purge scheduler use. */
export const IDEMPOTENCY_REPOSITORY = Symbol('clement.idempotency.repository');

/** The resolved `IdempotencySettings`. */
export const IDEMPOTENCY_SETTINGS = Symbol('clement.idempotency.settings');
