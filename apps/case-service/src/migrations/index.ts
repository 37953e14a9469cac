import { messagingMigrations } from '@clement/messaging';
import type { MigrationInterface } from 'typeorm';

/**
 * Every migration of case-service, oldest first, for the configured schema. The service's own
 * migrations (debtors, accounts, cases) join this list after the messaging tables.
 */
export function caseServiceMigrations(schema: string): (new () => MigrationInterface)[] {
  return [...messagingMigrations(schema)];
}
