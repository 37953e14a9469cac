import { messagingMigrations } from '@clement/messaging';
import type { MigrationInterface } from 'typeorm';
import { createContactProjection } from './1764600000000-create-contact-projection';
import { createMessages } from './1764700000000-create-messages';
import { addMessageContentSid } from './1764800000000-add-message-content-sid';

/** Every migration of dispatch-service, oldest first, for the configured schema. */
export function dispatchServiceMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ...messagingMigrations(schema),
    createContactProjection(schema),
    createMessages(schema),
    addMessageContentSid(schema),
  ];
}
