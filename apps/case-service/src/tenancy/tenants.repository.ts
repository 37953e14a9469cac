import { assertSqlIdentifier } from '@clement/messaging';
import type { SqlRunner } from '../persistence/sql-runner';

export interface Tenant {
  readonly id: string;
  readonly displayName: string;
  readonly policy: Record<string, unknown>;
}

interface TenantRow {
  id: string;
  display_name: string;
  policy: Record<string, unknown>;
}

/** The creditors Clement collects for, and their policy configuration. */
export class TenantsRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${assertSqlIdentifier(schema)}"."tenants"`;
  }

  async upsert(db: SqlRunner, tenant: Tenant): Promise<{ created: boolean }> {
    const rows = (await db.query(
      `INSERT INTO ${this.table} ("id", "display_name", "policy") VALUES ($1, $2, $3::jsonb)
       ON CONFLICT ("id") DO UPDATE SET "display_name" = EXCLUDED."display_name",
         "policy" = EXCLUDED."policy", "updated_at" = now()
       RETURNING (xmax = 0) AS "created"`,
      [tenant.id, tenant.displayName, JSON.stringify(tenant.policy)],
    )) as { created: boolean }[];
    return { created: rows[0]?.created ?? false };
  }

  async find(db: SqlRunner, id: string): Promise<Tenant | undefined> {
    const rows = (await db.query(
      `SELECT "id", "display_name", "policy" FROM ${this.table} WHERE "id" = $1`,
      [id],
    )) as TenantRow[];
    const row = rows[0];
    return row && { id: row.id, displayName: row.display_name, policy: row.policy };
  }
}
