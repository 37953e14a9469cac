import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The approved WhatsApp Content template a message went as (no body to reconcile it by). */
export function addMessageContentSid(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class AddMessageContentSid1764800000000 implements MigrationInterface {
    readonly name = 'AddMessageContentSid1764800000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${s}"."messages" ADD COLUMN "content_sid" text NULL`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${s}"."messages" DROP COLUMN "content_sid"`);
    }
  };
}
