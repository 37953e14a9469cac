import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants, debtors (PII encrypted under per-debtor keys), contact points, cases, accounts, holds,
 * notes, creditor-reported payments and the case history. Every table carries `tenant_id` and
 * every index starts with it: repositories always filter by tenant.
 */
export function createCaseTables(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreateCaseTables1764400000000 implements MigrationInterface {
    readonly name = 'CreateCaseTables1764400000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${s}"."tenants" (
          "id" text PRIMARY KEY,
          "display_name" text NOT NULL,
          "policy" jsonb NOT NULL DEFAULT '{}',
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "updated_at" timestamptz NOT NULL DEFAULT now()
        )`);
      // Wrapped data keys; wrapped_key becomes NULL when a debtor is erased (crypto-shredding).
      await runner.query(`
        CREATE TABLE "${s}"."debtor_keys" (
          "key_id" text PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" uuid NOT NULL,
          "master_key_id" text NOT NULL,
          "wrapped_key" bytea NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "destroyed_at" timestamptz NULL
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."debtors" (
          "id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL REFERENCES "${s}"."tenants" ("id"),
          "creditor_debtor_id" text NOT NULL,
          "kind" text NOT NULL,
          "key_id" text NOT NULL,
          "profile" bytea NULL,
          "preferred_language" text NULL,
          "profile_version" bigint NOT NULL DEFAULT 0,
          "contact_points_version" bigint NOT NULL DEFAULT 0,
          "vulnerability_version" bigint NOT NULL DEFAULT 0,
          "vulnerability_categories" text[] NOT NULL DEFAULT '{}',
          "vulnerability_review_date" date NULL,
          "vulnerability_recorded_by" jsonb NULL,
          "vulnerability_recorded_at" timestamptz NULL,
          "legal_retention_until" date NULL,
          "legal_retention_reason" text NULL,
          "erased_at" timestamptz NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          UNIQUE ("tenant_id", "creditor_debtor_id")
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."contact_points" (
          "id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" uuid NOT NULL REFERENCES "${s}"."debtors" ("id"),
          "kind" text NOT NULL,
          "value" bytea NOT NULL,
          "blind_index" bytea NULL,
          "phone_type" text NULL,
          "consents" jsonb NOT NULL DEFAULT '[]',
          "time_zone" text NULL,
          "source" text NOT NULL,
          "preferred" boolean NOT NULL DEFAULT false,
          "origin" text NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now()
        )`);
      await runner.query(
        `CREATE INDEX "contact_points_debtor_idx" ON "${s}"."contact_points" ("tenant_id", "debtor_id")`,
      );
      await runner.query(
        `CREATE INDEX "contact_points_blind_index_idx" ON "${s}"."contact_points" ("tenant_id", "blind_index")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."cases" (
          "id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" uuid NOT NULL REFERENCES "${s}"."debtors" ("id"),
          "currency" text NOT NULL,
          "status" text NOT NULL,
          "status_before_hold" text NULL,
          "resolution" text NULL,
          "total_balance_minor" bigint NOT NULL DEFAULT 0,
          "max_days_past_due" integer NOT NULL DEFAULT 0,
          "opened_at" timestamptz NOT NULL,
          "resolved_at" timestamptz NULL,
          "updated_at" timestamptz NOT NULL DEFAULT now()
        )`);
      // One open case per debtor and currency: new accounts join it.
      await runner.query(`
        CREATE UNIQUE INDEX "cases_open_per_debtor_idx" ON "${s}"."cases" ("tenant_id", "debtor_id", "currency")
        WHERE "status" <> 'resolved'`);
      await runner.query(
        `CREATE INDEX "cases_tenant_status_idx" ON "${s}"."cases" ("tenant_id", "status", "opened_at", "id")`,
      );
      await runner.query(
        `CREATE INDEX "cases_tenant_opened_idx" ON "${s}"."cases" ("tenant_id", "opened_at", "id")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."accounts" (
          "id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "case_id" uuid NOT NULL REFERENCES "${s}"."cases" ("id"),
          "debtor_id" uuid NOT NULL REFERENCES "${s}"."debtors" ("id"),
          "account_reference" text NOT NULL,
          "product_type" text NOT NULL,
          "product_name" text NOT NULL,
          "currency" text NOT NULL,
          "original_balance_minor" bigint NOT NULL,
          "current_balance_minor" bigint NOT NULL,
          "days_past_due" integer NOT NULL,
          "placement_date" date NULL,
          "source_version" bigint NOT NULL,
          "recalled_at" timestamptz NULL,
          "recall_reason" text NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          UNIQUE ("tenant_id", "account_reference")
        )`);
      await runner.query(
        `CREATE INDEX "accounts_case_idx" ON "${s}"."accounts" ("tenant_id", "case_id")`,
      );
      await runner.query(`
        CREATE INDEX "accounts_reference_search_idx" ON "${s}"."accounts"
        ("tenant_id", lower("account_reference") text_pattern_ops)`);
      // A hold stops collection for one case (case_id set) or for every case of the debtor.
      await runner.query(`
        CREATE TABLE "${s}"."holds" (
          "id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" uuid NOT NULL REFERENCES "${s}"."debtors" ("id"),
          "case_id" uuid NULL REFERENCES "${s}"."cases" ("id"),
          "account_ids" uuid[] NOT NULL DEFAULT '{}',
          "kind" text NOT NULL,
          "reason" text NULL,
          "starts_at" timestamptz NOT NULL,
          "ends_at" timestamptz NULL,
          "placed_by" jsonb NOT NULL,
          "creditor_hold_reference" text NULL,
          "source_version" bigint NULL,
          "lifted_at" timestamptz NULL,
          "lifted_by" jsonb NULL,
          "created_at" timestamptz NOT NULL DEFAULT now()
        )`);
      await runner.query(`
        CREATE UNIQUE INDEX "holds_creditor_reference_idx" ON "${s}"."holds" ("tenant_id", "creditor_hold_reference")
        WHERE "creditor_hold_reference" IS NOT NULL`);
      await runner.query(
        `CREATE INDEX "holds_debtor_idx" ON "${s}"."holds" ("tenant_id", "debtor_id") WHERE "lifted_at" IS NULL`,
      );
      await runner.query(
        `CREATE INDEX "holds_due_idx" ON "${s}"."holds" ("ends_at") WHERE "lifted_at" IS NULL AND "ends_at" IS NOT NULL`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."case_notes" (
          "id" uuid PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "case_id" uuid NOT NULL REFERENCES "${s}"."cases" ("id"),
          "author" jsonb NOT NULL,
          "body" bytea NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now()
        )`);
      await runner.query(
        `CREATE INDEX "case_notes_case_idx" ON "${s}"."case_notes" ("tenant_id", "case_id", "created_at")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."creditor_payments" (
          "tenant_id" text NOT NULL,
          "creditor_payment_reference" text NOT NULL,
          "account_id" uuid NOT NULL REFERENCES "${s}"."accounts" ("id"),
          "amount_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "status" text NOT NULL,
          "method" text NOT NULL,
          "paid_at" timestamptz NULL,
          "source_version" bigint NOT NULL,
          PRIMARY KEY ("tenant_id", "creditor_payment_reference")
        )`);
      // What happened to a case, without personal data; it outlives erasure.
      await runner.query(`
        CREATE TABLE "${s}"."case_history" (
          "id" bigserial PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" uuid NOT NULL,
          "case_id" uuid NULL,
          "event_id" text NOT NULL,
          "event_type" text NOT NULL,
          "actor" jsonb NULL,
          "details" jsonb NOT NULL DEFAULT '{}',
          "occurred_at" timestamptz NOT NULL DEFAULT now()
        )`);
      await runner.query(
        `CREATE INDEX "case_history_case_idx" ON "${s}"."case_history" ("tenant_id", "case_id", "id")`,
      );
      await runner.query(
        `CREATE INDEX "case_history_debtor_idx" ON "${s}"."case_history" ("tenant_id", "debtor_id", "id")`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of [
        'case_history',
        'creditor_payments',
        'case_notes',
        'holds',
        'accounts',
        'cases',
        'contact_points',
        'debtors',
        'debtor_keys',
        'tenants',
      ]) {
        await runner.query(`DROP TABLE "${s}"."${table}"`);
      }
    }
  };
}
