import { assertServiceSchemaName } from '@clement/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export const IDEMPOTENCY_KEYS_TABLE = 'idempotency_keys';

/**
 * The `idempotency_keys` table, created inside the owning service's schema. Services list
 * `idempotencyMigrations(schema)` among their own migrations.
 */
export function idempotencyMigrations(schema: string): (new () => MigrationInterface)[] {
  assertServiceSchemaName(schema);
  const table = `"${schema}"."${IDEMPOTENCY_KEYS_TABLE}"`;

  class CreateIdempotencyKeys1765150000000 implements MigrationInterface {
    readonly name = 'CreateIdempotencyKeys1765150000000';

    async up(runner: QueryRunner): Promise<void> {
      // json, not jsonb: a replayed body keeps the property order of the first answer.
      await runner.query(`
        CREATE TABLE ${table} (
          "scope" text NOT NULL,
          "key" text NOT NULL,
          "fingerprint" text NOT NULL,
          "status" text NOT NULL CHECK ("status" IN ('in_progress', 'completed')),
          "lock_token" uuid NOT NULL,
          "locked_at" timestamptz NOT NULL,
          "expires_at" timestamptz NOT NULL,
          "response_status" integer,
          "response_body" json,
          "completed_at" timestamptz,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("scope", "key"),
          CHECK (("status" = 'completed') = ("response_status" IS NOT NULL AND "completed_at" IS NOT NULL))
        )`);
      await runner.query(
        `CREATE INDEX "idempotency_keys_expires_at_idx" ON ${table} ("expires_at")`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${table}`);
    }
  }

  return [CreateIdempotencyKeys1765150000000];
}
