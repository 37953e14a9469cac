import { messagingMigrations } from '@clement/messaging';
import type { MigrationInterface } from 'typeorm';
import { createCaseTables } from './1764400000000-create-case-tables';
import { createPaymentEffectTables } from './1765300000000-create-payment-effect-tables';

/** Every migration of case-service, oldest first, for the configured schema. */
export function caseServiceMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ...messagingMigrations(schema),
    createCaseTables(schema),
    createPaymentEffectTables(schema),
  ];
}
