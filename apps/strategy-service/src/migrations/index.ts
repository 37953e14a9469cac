import { messagingMigrations } from '@clement/messaging';
import type { MigrationInterface } from 'typeorm';
import { createJourneys } from './1764900000000-create-journeys';
import { createStrategies } from './1765000000000-create-strategies';
import { createAgentTasks } from './1765100000000-create-agent-tasks';

/** Every migration of strategy-service, oldest first, for the configured schema. */
export function strategyServiceMigrations(schema: string): (new () => MigrationInterface)[] {
  return [
    ...messagingMigrations(schema),
    createJourneys(schema),
    createStrategies(schema),
    createAgentTasks(schema),
  ];
}
