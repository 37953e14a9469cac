import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strategies as versioned data. A version is stored exactly as uploaded and never updated or
 * deleted (auditors read old versions); activations are an append-only history; the active
 * pointer is one row per tenant. Every key starts with the tenant.
 */
export function createStrategies(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreateStrategies1765000000000 implements MigrationInterface {
    readonly name = 'CreateStrategies1765000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${s}"."strategy_versions" (
          "tenant_id" text NOT NULL,
          "strategy_id" text NOT NULL,
          "version" integer NOT NULL,
          "name" text NOT NULL,
          "document" text NOT NULL,
          "format" text NOT NULL CHECK ("format" IN ('yaml', 'json')),
          "document_sha256" text NOT NULL,
          "created_at" timestamptz NOT NULL,
          "created_by" text NOT NULL,
          PRIMARY KEY ("tenant_id", "strategy_id", "version")
        )`);
      // Versions are evidence: the database refuses to change or remove one.
      await runner.query(`
        CREATE FUNCTION "${s}"."strategy_versions_immutable"() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'strategy versions are immutable';
        END $$`);
      await runner.query(`
        CREATE TRIGGER "strategy_versions_immutable"
        BEFORE UPDATE OR DELETE ON "${s}"."strategy_versions"
        FOR EACH ROW EXECUTE FUNCTION "${s}"."strategy_versions_immutable"()`);
      await runner.query(`
        CREATE TABLE "${s}"."strategy_activations" (
          "activation_id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "strategy_id" text NOT NULL,
          "version" integer NOT NULL,
          "previous_strategy_id" text NULL,
          "previous_version" integer NULL,
          "challenger_strategy_id" text NULL,
          "challenger_version" integer NULL,
          "challenger_share_bps" integer NULL,
          "activated_at" timestamptz NOT NULL,
          "activated_by" text NOT NULL,
          FOREIGN KEY ("tenant_id", "strategy_id", "version")
            REFERENCES "${s}"."strategy_versions" ("tenant_id", "strategy_id", "version"),
          FOREIGN KEY ("tenant_id", "challenger_strategy_id", "challenger_version")
            REFERENCES "${s}"."strategy_versions" ("tenant_id", "strategy_id", "version")
        )`);
      await runner.query(
        `CREATE INDEX "strategy_activations_tenant_idx" ON "${s}"."strategy_activations" ("tenant_id", "activated_at")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."active_strategies" (
          "tenant_id" text PRIMARY KEY,
          "strategy_id" text NOT NULL,
          "version" integer NOT NULL,
          "challenger_strategy_id" text NULL,
          "challenger_version" integer NULL,
          "challenger_share_bps" integer NULL,
          "activation_id" uuid NOT NULL REFERENCES "${s}"."strategy_activations" ("activation_id"),
          FOREIGN KEY ("tenant_id", "strategy_id", "version")
            REFERENCES "${s}"."strategy_versions" ("tenant_id", "strategy_id", "version")
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${s}"."active_strategies"`);
      await runner.query(`DROP TABLE "${s}"."strategy_activations"`);
      await runner.query(`DROP TABLE "${s}"."strategy_versions"`);
      await runner.query(`DROP FUNCTION "${s}"."strategy_versions_immutable"()`);
    }
  };
}
