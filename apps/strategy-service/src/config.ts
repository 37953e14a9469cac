import { loadConfig, ServiceDatabaseConfig } from '@clement/observability';
import { StaffApiServiceConfig } from '@clement/staff-api';
import { IsInt, Max, Min } from 'class-validator';

export const SERVICE_NAME = 'strategy-service';

const DATABASE_SCHEMA = 'strategy';

/** What the `migrate` command needs: the database and the service's schema, nothing else. */
export class StrategyServiceDatabaseConfig extends ServiceDatabaseConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
}

/** The whole service's environment, validated once at boot. */
export class StrategyServiceConfig extends StaffApiServiceConfig {
  override DATABASE_SCHEMA = DATABASE_SCHEMA;
  override PORT = 3003;

  /** How often due timers are looked for when the last round found less than a full batch. */
  @IsInt()
  @Min(10)
  @Max(60_000)
  TIMER_POLL_INTERVAL_MS = 200;

  /** Most timers fired per transaction. */
  @IsInt()
  @Min(1)
  @Max(5_000)
  TIMER_BATCH_SIZE = 500;

  /** How long a journey whose wake-up failed waits before it is tried again. */
  @IsInt()
  @Min(100)
  TIMER_RETRY_DELAY_MS = 60_000;

  /** Events handled per database transaction by the journey consumer. */
  @IsInt()
  @Min(1)
  @Max(1000)
  EVENT_BATCH_SIZE = 100;

  /** Partitions the journey consumer works on at once (each holds a database connection). */
  @IsInt()
  @Min(1)
  @Max(64)
  EVENT_PARTITION_CONCURRENCY = 4;
}

export function loadStrategyServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): StrategyServiceConfig {
  return loadConfig(StrategyServiceConfig, env);
}

export function loadStrategyServiceDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
): StrategyServiceDatabaseConfig {
  return loadConfig(StrategyServiceDatabaseConfig, env);
}
