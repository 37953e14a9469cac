import { ForbiddenException } from '@nestjs/common';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_PURGE_INTERVAL_MS,
  DEFAULT_RETENTION_MS,
  resolveIdempotencySettings,
  tenantScope,
} from './idempotency-settings';
import { IdempotencyModule } from './idempotency.module';

describe('resolveIdempotencySettings', () => {
  it('defaults to a 60 s lock, 24 h retention, a purge every 15 min and the tenant scope', () => {
    const settings = resolveIdempotencySettings({});

    expect(settings).toMatchObject({
      lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
      retentionMs: DEFAULT_RETENTION_MS,
      purgeIntervalMs: DEFAULT_PURGE_INTERVAL_MS,
      scope: tenantScope,
    });
    expect([DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_RETENTION_MS]).toEqual([60_000, 86_400_000]);
    expect(Math.abs(settings.clock().getTime() - Date.now())).toBeLessThan(1_000);
  });

  it('refuses durations that make no sense, at boot', () => {
    expect(() => resolveIdempotencySettings({ lockTimeoutMs: 0 })).toThrow('lockTimeoutMs');
    expect(() => resolveIdempotencySettings({ retentionMs: 1.5 })).toThrow('retentionMs');
    expect(() => resolveIdempotencySettings({ purgeIntervalMs: -1 })).toThrow('purgeIntervalMs');
    expect(() => resolveIdempotencySettings({ lockTimeoutMs: 10, retentionMs: 10 })).toThrow(
      'must exceed lockTimeoutMs',
    );
    expect(resolveIdempotencySettings({ purgeIntervalMs: 0 }).purgeIntervalMs).toBe(0);
    expect(() => IdempotencyModule.forRoot({ schema: 'Robert"; DROP' })).toThrow(
      'Invalid schema name',
    );
  });
});

describe('tenantScope', () => {
  it("is the principal's tenant", () => {
    const request = { principal: { subject: 'a', tenantId: 't-1', roles: ['agent'] } };

    expect(tenantScope(request)).toBe('t-1');
  });

  it('refuses a tenantless principal (403) and a request without one (a wiring bug)', () => {
    const admin = { principal: { subject: 'c', tenantId: null, roles: ['platform-admin'] } };

    expect(() => tenantScope(admin)).toThrow(ForbiddenException);
    expect(() => tenantScope({})).toThrow('no principal on the request');
  });
});
