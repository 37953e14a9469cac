import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agent tasks the engine creates (call the debtor, review a disclosure). Status changes are
 * conditional UPDATEs on `status`, so two agents claiming at once cannot both win.
 */
export function createAgentTasks(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreateAgentTasks1765100000000 implements MigrationInterface {
    readonly name = 'CreateAgentTasks1765100000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${s}"."agent_tasks" (
          "task_id" text PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "queue" text NOT NULL,
          "reason" text NOT NULL,
          "priority" smallint NOT NULL CHECK ("priority" BETWEEN 1 AND 5),
          "status" text NOT NULL CHECK ("status" IN ('open', 'claimed', 'completed', 'cancelled')),
          "decision_id" text NOT NULL,
          "due_at" timestamptz NOT NULL,
          "created_at" timestamptz NOT NULL,
          "claimed_by" text NULL,
          "claimed_at" timestamptz NULL,
          "completed_by" text NULL,
          "completed_at" timestamptz NULL,
          "outcome" text NULL,
          "note" text NULL,
          "cancelled_at" timestamptz NULL,
          "cancel_reason" text NULL
        )`);
      // Listing is keyset-paginated in (priority, due_at, task_id) order, with or without filters.
      await runner.query(
        `CREATE INDEX "agent_tasks_list_idx" ON "${s}"."agent_tasks" ("tenant_id", "priority", "due_at", "task_id")`,
      );
      await runner.query(
        `CREATE INDEX "agent_tasks_status_idx" ON "${s}"."agent_tasks" ("tenant_id", "status", "priority", "due_at", "task_id")`,
      );
      await runner.query(
        `CREATE INDEX "agent_tasks_queue_idx" ON "${s}"."agent_tasks" ("tenant_id", "queue", "status", "priority", "due_at", "task_id")`,
      );
      await runner.query(
        `CREATE INDEX "agent_tasks_case_idx" ON "${s}"."agent_tasks" ("tenant_id", "case_id") WHERE "status" = 'open'`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${s}"."agent_tasks"`);
    }
  };
}
