import type { MigrationInterface, QueryRunner } from 'typeorm';
import { assertSqlIdentifier } from '../sql-identifier';

/**
 * The outbox and inbox tables, created inside the owning service's schema. Services list
 * `messagingMigrations(schema)` among their own migrations.
 */
export function messagingMigrations(schema: string): (new () => MigrationInterface)[] {
  const s = assertSqlIdentifier(schema);

  class CreateMessagingTables1763900000000 implements MigrationInterface {
    readonly name = 'CreateMessagingTables1763900000000';

    async up(runner: QueryRunner): Promise<void> {
      // txid lets the relay publish only rows whose transaction ended before every running one began
      // (pg_snapshot_xmin), so a slow transaction's events are never overtaken by later ones.
      await runner.query(`
        CREATE TABLE "${s}"."outbox" (
          "id" bigserial PRIMARY KEY,
          "txid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
          "topic" text NOT NULL,
          "partition_key" text NOT NULL,
          "event_id" text NOT NULL,
          "event_type" text NOT NULL,
          "headers" jsonb NOT NULL,
          "payload" bytea NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now()
        )`);
      await runner.query(`
        CREATE TABLE "${s}"."inbox" (
          "consumer_group" text NOT NULL,
          "event_source" text NOT NULL,
          "event_id" text NOT NULL,
          "topic" text NOT NULL,
          "partition" integer NOT NULL,
          "offset" bigint NOT NULL,
          "processed_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("consumer_group", "event_source", "event_id")
        )`);
      await runner.query(
        `CREATE INDEX "inbox_processed_at_idx" ON "${s}"."inbox" ("processed_at")`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${s}"."inbox"`);
      await runner.query(`DROP TABLE "${s}"."outbox"`);
    }
  }

  return [CreateMessagingTables1763900000000];
}
