import type { SqlRunner } from '../persistence/sql-runner';
import { TENANT_ID_PATTERN } from './tenant-scope';
import type { TenantsRepository } from './tenants.repository';

const KNOWN_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 2_000;

/**
 * Answers "is this a tenant?" for every inbound event without a query each time. A tenant created
 * a moment ago is seen within UNKNOWN_TTL_MS; events for it dead-letter until then.
 */
export class TenantDirectory {
  private readonly cache = new Map<string, { known: boolean; until: number }>();

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly clock: () => number = Date.now,
  ) {}

  async isKnown(db: SqlRunner, tenantId: string): Promise<boolean> {
    if (!TENANT_ID_PATTERN.test(tenantId)) return false;
    const now = this.clock();
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > now) return cached.known;
    const known = (await this.tenants.find(db, tenantId)) !== undefined;
    this.cache.set(tenantId, { known, until: now + (known ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
    return known;
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
