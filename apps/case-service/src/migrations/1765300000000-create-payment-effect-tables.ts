import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What case-service keeps of payment-service's events: the payments and reversals it applied to
 * account balances (each once, by its own id), and the plans and promises it needs to remember
 * between events (a plan's settlement flag, a promise's amount). No personal data.
 */
export function createPaymentEffectTables(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreatePaymentEffectTables1765300000000 implements MigrationInterface {
    readonly name = 'CreatePaymentEffectTables1765300000000';

    async up(runner: QueryRunner): Promise<void> {
      // One row per payment, refund or chargeback applied; `allocations` are signed per account.
      await runner.query(`
        CREATE TABLE "${s}"."payment_movements" (
          "tenant_id" text NOT NULL,
          "kind" text NOT NULL,
          "movement_id" text NOT NULL,
          "payment_id" text NOT NULL,
          "case_id" uuid NOT NULL REFERENCES "${s}"."cases" ("id"),
          "allocated_minor" bigint NOT NULL,
          "allocations" jsonb NOT NULL,
          "currency" text NOT NULL,
          "occurred_at" timestamptz NOT NULL,
          "recorded_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("tenant_id", "kind", "movement_id")
        )`);
      await runner.query(
        `CREATE INDEX "payment_movements_payment_idx" ON "${s}"."payment_movements" ("tenant_id", "payment_id")`,
      );
      await runner.query(
        `CREATE INDEX "payment_movements_case_idx" ON "${s}"."payment_movements" ("tenant_id", "case_id")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."payment_plans" (
          "tenant_id" text NOT NULL,
          "plan_id" text NOT NULL,
          "case_id" uuid NOT NULL REFERENCES "${s}"."cases" ("id"),
          "settlement" boolean NOT NULL,
          "total_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "status" text NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "ended_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "plan_id")
        )`);
      await runner.query(
        `CREATE INDEX "payment_plans_case_idx" ON "${s}"."payment_plans" ("tenant_id", "case_id") WHERE "status" = 'active'`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."payment_promises" (
          "tenant_id" text NOT NULL,
          "promise_id" text NOT NULL,
          "case_id" uuid NOT NULL REFERENCES "${s}"."cases" ("id"),
          "amount_minor" bigint NOT NULL,
          "currency" text NOT NULL,
          "status" text NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now(),
          "ended_at" timestamptz NULL,
          PRIMARY KEY ("tenant_id", "promise_id")
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of ['payment_promises', 'payment_plans', 'payment_movements']) {
        await runner.query(`DROP TABLE "${s}"."${table}"`);
      }
    }
  };
}
