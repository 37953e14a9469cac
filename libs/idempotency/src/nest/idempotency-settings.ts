import { principalOf, requireTenant } from '@clement/staff-api';

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PURGE_INTERVAL_MS = 15 * 60 * 1000;

export interface IdempotencyModuleOptions {
  /** The service's schema holding `idempotency_keys` (see `idempotencyMigrations`). */
  readonly schema: string;
  /** After this, a claim whose handler has not finished is presumed dead (default 60 s). */
  readonly lockTimeoutMs?: number;
  /** How long a key is remembered after its claim or its answer (default 24 h). */
  readonly retentionMs?: number;
  /** How often expired keys are deleted (default 15 min); 0 leaves it to the service. */
  readonly purgeIntervalMs?: number;
  /** Who owns a key: by default the tenant of the authenticated principal (`requireTenant`). */
  readonly scope?: (request: unknown) => string;
  readonly clock?: () => Date;
}

/** The options with their defaults, as the interceptor and the purge scheduler use them. */
export interface IdempotencySettings {
  readonly lockTimeoutMs: number;
  readonly retentionMs: number;
  readonly purgeIntervalMs: number;
  readonly scope: (request: unknown) => string;
  readonly clock: () => Date;
}

/** The tenant of the principal `JwtAuthGuard` put on the request; 403 for a tenantless one. */
export function tenantScope(request: unknown): string {
  return requireTenant(principalOf(request as Parameters<typeof principalOf>[0]));
}

/** Applies the defaults; a nonsensical duration stops the service at boot. */
export function resolveIdempotencySettings(
  options: Omit<IdempotencyModuleOptions, 'schema'>,
): IdempotencySettings {
  const settings: IdempotencySettings = {
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
    purgeIntervalMs: options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS,
    scope: options.scope ?? tenantScope,
    clock: options.clock ?? (() => new Date()),
  };
  assertDuration('lockTimeoutMs', settings.lockTimeoutMs, 1);
  assertDuration('retentionMs', settings.retentionMs, 1);
  assertDuration('purgeIntervalMs', settings.purgeIntervalMs, 0);
  if (settings.retentionMs <= settings.lockTimeoutMs) {
    throw new Error(
      `idempotency: retentionMs (${settings.retentionMs}) must exceed lockTimeoutMs (${settings.lockTimeoutMs})`,
    );
  }
  return settings;
}

function assertDuration(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`idempotency: ${name} must be an integer of at least ${min} ms, not ${value}`);
  }
}
