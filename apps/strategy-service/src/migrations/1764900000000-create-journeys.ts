import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The engine's per-case state and its durable timers. One timer per case (the journey's
 * `wakeAt`); the due_at index lets the poller find due timers without reading pending ones.
 * Debtor facts hold debtor-level events (contact points, vulnerability) that arrive before the
 * debtor's case is placed, so a new journey starts with them.
 */
export function createJourneys(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreateJourneys1764900000000 implements MigrationInterface {
    readonly name = 'CreateJourneys1764900000000';

    async up(runner: QueryRunner): Promise<void> {
      // state is NULL only inside the transaction that claims a new case's row.
      await runner.query(`
        CREATE TABLE "${s}"."journeys" (
          "tenant_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "status" text NOT NULL,
          "strategy_id" text NULL,
          "version" integer NULL,
          "arm" text NULL,
          "state" jsonb NULL,
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("tenant_id", "case_id")
        )`);
      await runner.query(
        `CREATE INDEX "journeys_debtor_idx" ON "${s}"."journeys" ("tenant_id", "debtor_id")`,
      );
      await runner.query(`
        CREATE TABLE "${s}"."timers" (
          "tenant_id" text NOT NULL,
          "case_id" text NOT NULL,
          "due_at" timestamptz NOT NULL,
          PRIMARY KEY ("tenant_id", "case_id")
        )`);
      await runner.query(`CREATE INDEX "timers_due_at_idx" ON "${s}"."timers" ("due_at")`);
      await runner.query(`
        CREATE TABLE "${s}"."debtor_facts" (
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "kind" text NOT NULL,
          "event" jsonb NOT NULL,
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("tenant_id", "debtor_id", "kind")
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of ['debtor_facts', 'timers', 'journeys']) {
        await runner.query(`DROP TABLE "${s}"."${table}"`);
      }
    }
  };
}
