import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * payment-service's tables. The case projection (cases, accounts) is fed by case events; the
 * ledger is append-only (a trigger refuses UPDATE and DELETE), so balances are sums that can
 * always be explained entry by entry.
 */
export function createPaymentTables(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreatePaymentTables1765200000000 implements MigrationInterface {
    readonly name = 'CreatePaymentTables1765200000000';

    async up(runner: QueryRunner): Promise<void> {
      // What payment-service knows of a case: enough to allocate, date and check payments.
      await runner.query(`
        CREATE TABLE "${s}"."cases" (
          "tenant_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "currency" text NOT NULL,
          "status" text NOT NULL,
          "placed_at" timestamptz NOT NULL,
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("tenant_id", "case_id")
        )`);
      await runner.query(
        `CREATE INDEX "cases_debtor_idx" ON "${s}"."cases" ("tenant_id", "debtor_id")`,
      );
      // The debtor's zone dates promises and instalments; it may arrive before the case.
      await runner.query(`
        CREATE TABLE "${s}"."debtors" (
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "time_zone" text NULL,
          "erased" boolean NOT NULL DEFAULT false,
          PRIMARY KEY ("tenant_id", "debtor_id")
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."accounts" (
          "tenant_id" text NOT NULL,
          "account_id" text NOT NULL,
          "case_id" text NOT NULL,
          "account_reference" text NOT NULL,
          "product_type" text NOT NULL DEFAULT '',
          "days_past_due" integer NOT NULL DEFAULT 0,
          "placed_at" timestamptz NOT NULL,
          PRIMARY KEY ("tenant_id", "account_id"),
          FOREIGN KEY ("tenant_id", "case_id") REFERENCES "${s}"."cases" ("tenant_id", "case_id")
        )`);
      await runner.query(
        `CREATE INDEX "accounts_case_idx" ON "${s}"."accounts" ("tenant_id", "case_id")`,
      );
      // Positive amounts raise what is owed, negative ones lower it. account_id NULL is the
      // case's credit (an overpayment held for refund). source_id makes each fact count once.
      await runner.query(`
        CREATE TABLE "${s}"."ledger_entries" (
          "entry_id" bigserial PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "case_id" text NOT NULL,
          "account_id" text NULL,
          "kind" text NOT NULL,
          "amount_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "payment_id" text NULL,
          "source_id" text NOT NULL,
          "occurred_at" timestamptz NOT NULL,
          "recorded_at" timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT "ledger_entries_kind_check" CHECK ("kind" IN (
            'placed', 'adjustment', 'payment', 'overpayment', 'refund', 'overpayment_refund',
            'chargeback', 'creditor_payment', 'creditor_payment_reversed'))
        )`);
      await runner.query(
        `CREATE UNIQUE INDEX "ledger_entries_source_idx" ON "${s}"."ledger_entries" ("tenant_id", "source_id", COALESCE("account_id", ''))`,
      );
      await runner.query(
        `CREATE INDEX "ledger_entries_case_idx" ON "${s}"."ledger_entries" ("tenant_id", "case_id", "entry_id")`,
      );
      await runner.query(`
        CREATE FUNCTION "${s}"."ledger_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'ledger entries are immutable: append a reversal instead';
        END $$`);
      await runner.query(`
        CREATE TRIGGER "ledger_entries_append_only"
          BEFORE UPDATE OR DELETE ON "${s}"."ledger_entries"
          FOR EACH ROW EXECUTE FUNCTION "${s}"."ledger_is_append_only"()`);

      await runner.query(`
        CREATE TABLE "${s}"."payments" (
          "tenant_id" text NOT NULL,
          "payment_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "method" text NOT NULL,
          "purpose" text NOT NULL,
          "amount_minor" bigint NOT NULL CHECK ("amount_minor" > 0),
          "currency" text NOT NULL,
          "status" text NOT NULL,
          "psp" text NOT NULL,
          "psp_payment_id" text NULL,
          "redirect_url" text NULL,
          "plan_id" text NULL,
          "promise_id" text NULL,
          "mandate_id" text NULL,
          "charge_date" date NULL,
          "failure_reason" text NULL,
          "allocations" jsonb NOT NULL DEFAULT '[]',
          "unallocated_minor" bigint NOT NULL DEFAULT 0,
          "reversed_minor" bigint NOT NULL DEFAULT 0,
          "creditor_payment_reference" text NULL,
          "initiated_at" timestamptz NOT NULL,
          "settled_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "payment_id")
        )`);
      // Payment ids are UUIDs: a PSP's webhook names one without its tenant.
      await runner.query(
        `CREATE UNIQUE INDEX "payments_id_idx" ON "${s}"."payments" ("payment_id")`,
      );
      await runner.query(
        `CREATE UNIQUE INDEX "payments_psp_idx" ON "${s}"."payments" ("psp", "psp_payment_id") WHERE "psp_payment_id" IS NOT NULL`,
      );
      await runner.query(
        `CREATE INDEX "payments_plan_idx" ON "${s}"."payments" ("tenant_id", "plan_id") WHERE "plan_id" IS NOT NULL`,
      );
      await runner.query(
        `CREATE INDEX "payments_case_idx" ON "${s}"."payments" ("tenant_id", "case_id", "initiated_at")`,
      );
      // Refunds and chargebacks: one row per PSP object, so a redelivered webhook finds it.
      await runner.query(`
        CREATE TABLE "${s}"."reversals" (
          "tenant_id" text NOT NULL,
          "reversal_id" text NOT NULL,
          "payment_id" text NOT NULL,
          "kind" text NOT NULL CHECK ("kind" IN ('refund', 'chargeback')),
          "amount_minor" bigint NOT NULL CHECK ("amount_minor" > 0),
          "status" text NOT NULL,
          "psp_reversal_id" text NULL,
          "reason" text NULL,
          "created_at" timestamptz NOT NULL,
          "settled_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "reversal_id")
        )`);
      await runner.query(
        `CREATE UNIQUE INDEX "reversals_psp_idx" ON "${s}"."reversals" ("kind", "psp_reversal_id") WHERE "psp_reversal_id" IS NOT NULL`,
      );
      // Payments the creditor reported through its CRM, and what each was matched with.
      await runner.query(`
        CREATE TABLE "${s}"."creditor_payments" (
          "tenant_id" text NOT NULL,
          "creditor_payment_reference" text NOT NULL,
          "case_id" text NOT NULL,
          "account_id" text NOT NULL,
          "amount_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "paid_at" timestamptz NOT NULL,
          "reversed" boolean NOT NULL DEFAULT false,
          "matched_payment_id" text NULL,
          "matched_by" text NULL,
          -- Whether the CRM's balance update that reflects it has been booked against it.
          "booked" boolean NOT NULL DEFAULT false,
          PRIMARY KEY ("tenant_id", "creditor_payment_reference")
        )`);
      // Each verified PSP event once: the dedupe of redelivered webhooks.
      await runner.query(`
        CREATE TABLE "${s}"."psp_events" (
          "psp" text NOT NULL,
          "event_id" text NOT NULL,
          "kind" text NOT NULL,
          "received_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("psp", "event_id")
        )`);

      await runner.query(`
        CREATE TABLE "${s}"."offers" (
          "tenant_id" text NOT NULL,
          "offer_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "offers" jsonb NOT NULL,
          "created_at" timestamptz NOT NULL,
          "expires_at" timestamptz NOT NULL,
          PRIMARY KEY ("tenant_id", "offer_id")
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."plans" (
          "tenant_id" text NOT NULL,
          "plan_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "offer_id" text NULL,
          "frequency" text NOT NULL,
          "total_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "settlement" boolean NOT NULL DEFAULT false,
          "status" text NOT NULL,
          "missed_count" integer NOT NULL DEFAULT 0,
          "mandate_id" text NULL,
          "created_by" jsonb NOT NULL,
          "created_at" timestamptz NOT NULL,
          "updated_at" timestamptz NOT NULL,
          "version" integer NOT NULL DEFAULT 1,
          PRIMARY KEY ("tenant_id", "plan_id")
        )`);
      // At most one live plan per case.
      await runner.query(
        `CREATE UNIQUE INDEX "plans_live_idx" ON "${s}"."plans" ("tenant_id", "case_id") WHERE "status" IN ('active', 'in_arrears')`,
      );
      // A change supersedes the remaining instalments and adds new ones with higher numbers.
      await runner.query(`
        CREATE TABLE "${s}"."plan_instalments" (
          "tenant_id" text NOT NULL,
          "plan_id" text NOT NULL,
          "number" integer NOT NULL,
          "due_date" date NOT NULL,
          "amount_minor" bigint NOT NULL,
          "paid_minor" bigint NOT NULL DEFAULT 0,
          "superseded" boolean NOT NULL DEFAULT false,
          PRIMARY KEY ("tenant_id", "plan_id", "number")
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."promises" (
          "tenant_id" text NOT NULL,
          "promise_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "amount_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "due_date" date NOT NULL,
          "grace_days" integer NOT NULL,
          "deadline_at" timestamptz NOT NULL,
          "status" text NOT NULL,
          "paid_minor" bigint NOT NULL DEFAULT 0,
          "made_by" jsonb NOT NULL,
          "made_at" timestamptz NOT NULL,
          "settled_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "promise_id")
        )`);
      // One open promise per case.
      await runner.query(
        `CREATE UNIQUE INDEX "promises_open_idx" ON "${s}"."promises" ("tenant_id", "case_id") WHERE "status" = 'open'`,
      );
      await runner.query(
        `CREATE INDEX "promises_deadline_idx" ON "${s}"."promises" ("deadline_at") WHERE "status" = 'open'`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."mandates" (
          "tenant_id" text NOT NULL,
          "mandate_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "plan_id" text NULL,
          "psp_mandate_id" text NULL,
          "setup_url" text NULL,
          "status" text NOT NULL,
          "collection_day" integer NOT NULL CHECK ("collection_day" BETWEEN 1 AND 28),
          "created_at" timestamptz NOT NULL,
          "updated_at" timestamptz NOT NULL,
          PRIMARY KEY ("tenant_id", "mandate_id")
        )`);
      await runner.query(
        `CREATE UNIQUE INDEX "mandates_psp_idx" ON "${s}"."mandates" ("psp_mandate_id") WHERE "psp_mandate_id" IS NOT NULL`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of [
        'mandates',
        'promises',
        'plan_instalments',
        'plans',
        'offers',
        'psp_events',
        'creditor_payments',
        'reversals',
        'payments',
        'ledger_entries',
        'accounts',
        'debtors',
        'cases',
      ]) {
        await runner.query(`DROP TABLE "${s}"."${table}"`);
      }
      await runner.query(`DROP FUNCTION "${s}"."ledger_is_append_only"()`);
    }
  };
}
