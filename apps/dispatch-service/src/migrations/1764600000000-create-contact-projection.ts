import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact projection: what dispatch must know about a debtor to decide at send time, fed by
 * case events. Every table is keyed by tenant first: the repository always filters by tenant.
 * Addresses stay encrypted exactly as received (a serialized clement.common.v1.EncryptedValue).
 */
export function createContactProjection(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreateContactProjection1764600000000 implements MigrationInterface {
    readonly name = 'CreateContactProjection1764600000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${s}"."debtor_contacts" (
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "preferred_language" text NULL,
          "erased_at" timestamptz NULL,
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("tenant_id", "debtor_id")
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."contact_points" (
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "contact_point_id" text NOT NULL,
          "kind" text NOT NULL,
          "value" bytea NOT NULL,
          "consents" jsonb NOT NULL DEFAULT '[]',
          "time_zone" text NULL,
          "preferred" boolean NOT NULL DEFAULT false,
          PRIMARY KEY ("tenant_id", "debtor_id", "contact_point_id")
        )`);
      // kind is NULL only while a lift arrived for a hold this projection never saw placed.
      await runner.query(`
        CREATE TABLE "${s}"."debtor_holds" (
          "tenant_id" text NOT NULL,
          "hold_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "case_id" text NOT NULL,
          "kind" text NULL,
          "starts_at" timestamptz NULL,
          "ends_at" timestamptz NULL,
          "lifted_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "hold_id")
        )`);
      await runner.query(
        `CREATE INDEX "debtor_holds_debtor_idx" ON "${s}"."debtor_holds" ("tenant_id", "debtor_id")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."debtor_vulnerability" (
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "categories" text[] NOT NULL DEFAULT '{}',
          "review_date" date NULL,
          PRIMARY KEY ("tenant_id", "debtor_id")
        )`);
      // status is NULL while only a payment is known for the case.
      await runner.query(`
        CREATE TABLE "${s}"."case_states" (
          "tenant_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "status" text NULL,
          "last_payment_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "case_id")
        )`);
      await runner.query(
        `CREATE INDEX "case_states_debtor_idx" ON "${s}"."case_states" ("tenant_id", "debtor_id")`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of [
        'case_states',
        'debtor_vulnerability',
        'debtor_holds',
        'contact_points',
        'debtor_contacts',
      ]) {
        await runner.query(`DROP TABLE "${s}"."${table}"`);
      }
    }
  };
}
