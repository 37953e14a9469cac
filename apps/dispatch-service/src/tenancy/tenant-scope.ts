/**
 * The tenant a unit of work acts for. Repositories take one as their first argument and filter
 * every statement by it, so a query without a tenant cannot be written.
 */
export class TenantScope {
  private constructor(readonly tenantId: string) {}

  static of(tenantId: string): TenantScope {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new Error('a tenant id is lower-case letters, digits and hyphens (2–63 characters)');
    }
    return new TenantScope(tenantId);
  }

  /** `<tenant>:<id>`: the partition key of everything about one debtor. */
  key(id: string): string {
    return `${this.tenantId}:${id}`;
  }
}

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
