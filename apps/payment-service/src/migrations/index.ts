import { idempotencyMigrations } from '@clement/idempotency';
import { messagingMigrations } from '@clement/messaging';
import type { MigrationInterface } from 'typeorm';
import { createPaymentTables } from './1765200000000-create-payment-tables';

/** Every migration of payment-service, oldest first, for the configured schema. */
export function paymentServiceMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ...messagingMigrations(schema),
    ...idempotencyMigrations(schema),
    createPaymentTables(schema),
  ];
}
