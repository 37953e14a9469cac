import { assertSqlIdentifier } from '@clement/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages and what happened to them. A message row is written when its command arrives and the
 * attempt is recorded on it (status `sending`, body hash, lease) and committed before the
 * provider is called: after a crash the row says a call may have happened, and the dispatcher
 * asks the provider instead of calling again.
 */
export function createMessages(schema: string): new () => MigrationInterface {
  const s = assertSqlIdentifier(schema);

  return class CreateMessages1764700000000 implements MigrationInterface {
    readonly name = 'CreateMessages1764700000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${s}"."messages" (
          "tenant_id" text NOT NULL,
          "dispatch_id" text NOT NULL,
          "case_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "channel" text NOT NULL,
          "requested_contact_point_id" text NULL,
          "purpose" text NOT NULL,
          "tone" text NOT NULL,
          "template_key" text NOT NULL,
          "origin" text NOT NULL,
          "not_before" timestamptz NULL,
          "expires_at" timestamptz NULL,
          "validity" jsonb NOT NULL DEFAULT '{}',
          "decision_id" text NULL,
          "correlation_id" text NULL,
          "status" text NOT NULL,
          "due_at" timestamptz NULL,
          "deferred_until" timestamptz NULL,
          "attempts" integer NOT NULL DEFAULT 0,
          "contact_point_id" text NULL,
          "provider" text NULL,
          "sender" text NULL,
          "provider_message_id" text NULL,
          "body_sha256" text NULL,
          "attempt_started_at" timestamptz NULL,
          "lease_until" timestamptz NULL,
          "sent_at" timestamptz NULL,
          "outcome_code" text NULL,
          "requested_at" timestamptz NOT NULL,
          "updated_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("tenant_id", "dispatch_id")
        )`);
      await runner.query(
        `CREATE INDEX "messages_due_idx" ON "${s}"."messages" ("due_at") WHERE "status" IN ('pending', 'reconciling')`,
      );
      await runner.query(
        `CREATE INDEX "messages_lease_idx" ON "${s}"."messages" ("lease_until") WHERE "status" = 'sending'`,
      );
      await runner.query(
        `CREATE UNIQUE INDEX "messages_provider_idx" ON "${s}"."messages" ("provider", "provider_message_id") WHERE "provider_message_id" IS NOT NULL`,
      );
      await runner.query(
        `CREATE INDEX "messages_debtor_idx" ON "${s}"."messages" ("tenant_id", "debtor_id", "attempt_started_at")`,
      );
      // Opt-outs and opt-ins dispatch learnt itself (keywords, provider refusals, unsubscribes).
      await runner.query(`
        CREATE TABLE "${s}"."consent_changes" (
          "id" bigserial PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "channel" text NOT NULL,
          "contact_point_id" text NULL,
          "kind" text NOT NULL,
          "method" text NOT NULL,
          "at" timestamptz NOT NULL
        )`);
      await runner.query(
        `CREATE INDEX "consent_changes_debtor_idx" ON "${s}"."consent_changes" ("tenant_id", "debtor_id")`,
      );
      // Who was last messaged at an address (HMAC, never the address): replies find their debtor.
      await runner.query(`
        CREATE TABLE "${s}"."address_index" (
          "tenant_id" text NOT NULL,
          "address_hash" text NOT NULL,
          "debtor_id" text NOT NULL,
          "contact_point_id" text NOT NULL,
          "case_id" text NOT NULL,
          "dispatch_id" text NOT NULL,
          "sent_at" timestamptz NOT NULL,
          PRIMARY KEY ("tenant_id", "address_hash")
        )`);
      // Replies: their intent only; the text is not kept.
      await runner.query(`
        CREATE TABLE "${s}"."inbound_messages" (
          "provider_message_id" text PRIMARY KEY,
          "tenant_id" text NOT NULL,
          "debtor_id" text NOT NULL,
          "contact_point_id" text NOT NULL,
          "channel" text NOT NULL,
          "classification" text NOT NULL,
          "received_at" timestamptz NOT NULL
        )`);
      await runner.query(
        `CREATE INDEX "inbound_messages_debtor_idx" ON "${s}"."inbound_messages" ("tenant_id", "debtor_id", "channel", "received_at")`,
      );
      // Provider callbacks already applied (SendGrid sg_event_id, Twilio sid + status).
      await runner.query(`
        CREATE TABLE "${s}"."provider_events_seen" (
          "provider" text NOT NULL,
          "event_key" text NOT NULL,
          "received_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("provider", "event_key")
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of [
        'provider_events_seen',
        'inbound_messages',
        'address_index',
        'consent_changes',
        'messages',
      ]) {
        await runner.query(`DROP TABLE "${s}"."${table}"`);
      }
    }
  };
}
